/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "color_transfer.h"

#include "ns_assert.h"

/* YIQ (NTSC 1953): Y is luminance, I and Q carry the colour. */
static const float rgb_to_yiq[3][3] = {
  { 0.299f, 0.587f, 0.114f },
  { 0.595716f, -0.274453f, -0.321263f },
  { 0.211456f, -0.522591f, 0.311135f },
};
static const float yiq_to_rgb[3][3] = {
  { 1.0f, 0.9563f, 0.6210f },
  { 1.0f, -0.2721f, -0.6474f },
  { 1.0f, -1.1070f, 1.7046f },
};

void
ns_keep_content_colors (float *result, const float *content, size_t pixels)
{
  NS_ASSERT (result && content);
  float *r = result, *g = result + pixels, *b = result + 2 * pixels;
  const float *cr = content, *cg = content + pixels, *cb = content + 2 * pixels;

#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < pixels; i++)
    {
      const float y = rgb_to_yiq[0][0] * r[i] + rgb_to_yiq[0][1] * g[i] + rgb_to_yiq[0][2] * b[i];
      const float in = rgb_to_yiq[1][0] * cr[i] + rgb_to_yiq[1][1] * cg[i] + rgb_to_yiq[1][2] * cb[i];
      const float q = rgb_to_yiq[2][0] * cr[i] + rgb_to_yiq[2][1] * cg[i] + rgb_to_yiq[2][2] * cb[i];
      float rgb[3];
      for (int k = 0; k < 3; k++)
        {
          const float v = yiq_to_rgb[k][0] * y + yiq_to_rgb[k][1] * in + yiq_to_rgb[k][2] * q;
          rgb[k] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        }
      r[i] = rgb[0];
      g[i] = rgb[1];
      b[i] = rgb[2];
    }
}
