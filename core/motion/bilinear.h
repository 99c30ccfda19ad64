/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one bilinear lookup of the motion code: the warp reads frames with
 * it, the consistency check the other flow. */
#ifndef NS_BILINEAR_H
#define NS_BILINEAR_H

#include <math.h>
#include <stddef.h>

/* out[c] = the interleaved data (width x height x channels) at (x, y),
 * bilinear; (x, y) is clamped to the frame first (a NaN to 0), so that a
 * point outside takes the nearest edge's value. */
static inline void
ns_bilinear (const float *data, int width, int height, int channels, float x, float y, float *out)
{
  x = fminf (fmaxf (x, 0.0f), (float) (width - 1));
  y = fminf (fmaxf (y, 0.0f), (float) (height - 1));
  const int left = (int) x, top = (int) y;
  const int right = left + 1 < width ? left + 1 : left;
  const int bottom = top + 1 < height ? top + 1 : top;
  const float fx = x - (float) left, fy = y - (float) top;
  const float *p00 = data + ((size_t) top * width + left) * channels;
  const float *p01 = data + ((size_t) top * width + right) * channels;
  const float *p10 = data + ((size_t) bottom * width + left) * channels;
  const float *p11 = data + ((size_t) bottom * width + right) * channels;
  for (int c = 0; c < channels; c++)
    {
      const float upper = (1.0f - fx) * p00[c] + fx * p01[c];
      const float lower = (1.0f - fx) * p10[c] + fx * p11[c];
      out[c] = (1.0f - fy) * upper + fy * lower;
    }
}

#endif
