/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "total_variation.h"

#include "ns_assert.h"

#include <stddef.h>

double
ns_total_variation (const float *x, int channels, int height, int width, double weight, float *grad)
{
  NS_ASSERT (x && channels >= 1);
  const double scale = 1.0 / ((double) channels * height * width);
  const float g = (float) (2.0 * weight * scale);
  double sum = 0.0;

  /* channels are independent: parallel over them, summed in order after */
  double partial[TOTAL_VARIATION_MAX_CHANNELS];
  if (channels > TOTAL_VARIATION_MAX_CHANNELS)
    channels = TOTAL_VARIATION_MAX_CHANNELS;
#pragma omp parallel for schedule(static)
  for (int c = 0; c < channels; c++)
    {
      const float *p = x + (size_t) c * height * width;
      float *gp = grad ? grad + (size_t) c * height * width : NULL;
      double s = 0.0;
      for (int y = 0; y < height; y++)
        for (int i = 0; i < width; i++)
          {
            const size_t at = (size_t) y * width + i;
            if (i + 1 < width)
              {
                const float d = p[at + 1] - p[at];
                s += (double) d * d;
                if (gp)
                  {
                    gp[at + 1] += g * d;
                    gp[at] -= g * d;
                  }
              }
            if (y + 1 < height)
              {
                const float d = p[at + width] - p[at];
                s += (double) d * d;
                if (gp)
                  {
                    gp[at + width] += g * d;
                    gp[at] -= g * d;
                  }
              }
          }
      partial[c] = s;
    }
  for (int c = 0; c < channels; c++)
    sum += partial[c];
  return sum * scale;
}
