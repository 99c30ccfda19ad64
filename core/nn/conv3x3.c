/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "conv3x3.h"

#include <cblas.h>
#include <string.h>

size_t
ns_conv3x3_scratch_floats_per_row (int in_channels, int width)
{
  return (size_t) in_channels * 9 * (size_t) width;
}

/* Lowers rows [y0, y1) of the padded input into a (in*9) x ((y1-y0)*w)
 * matrix so that one sgemm computes those output rows for every channel. */
static void
ns_conv3x3_lower_rows (const float *in, int in_channels, int height, int width, int y0, int y1,
                       float *cols)
{
  const int rows = y1 - y0;
  const size_t plane = (size_t) height * width;
  const size_t col_width = (size_t) rows * width;

#pragma omp parallel for schedule(static)
  for (int k = 0; k < in_channels * 9; k++)
    {
      const int ci = k / 9;
      const int ky = (k % 9) / 3 - 1;
      const int kx = k % 3 - 1;
      const float *src = in + (size_t) ci * plane;
      float *dst = cols + (size_t) k * col_width;

      for (int y = y0; y < y1; y++)
        {
          float *drow = dst + (size_t) (y - y0) * width;
          const int sy = y + ky;
          if (sy < 0 || sy >= height)
            {
              memset (drow, 0, sizeof (float) * width);
              continue;
            }
          const float *srow = src + (size_t) sy * width;
          /* columns whose source x+kx falls outside get zero */
          const int x_begin = kx < 0 ? 1 : 0;
          const int x_end = kx > 0 ? width - 1 : width;
          if (x_begin > 0)
            drow[0] = 0.0f;
          if (x_end < width)
            drow[width - 1] = 0.0f;
          if (x_end > x_begin)
            memcpy (drow + x_begin, srow + x_begin + kx, sizeof (float) * (x_end - x_begin));
        }
    }
}

void
ns_conv3x3_forward (const float *in, int in_channels, int height, int width, const float *weight,
                    const float *bias, int out_channels, int relu, float *out, float *scratch,
                    size_t scratch_floats)
{
  const size_t per_row = ns_conv3x3_scratch_floats_per_row (in_channels, width);
  const size_t plane = (size_t) height * width;
  int rows_per_tile = (int) (scratch_floats / per_row);
  if (rows_per_tile < 1)
    rows_per_tile = 1;
  if (rows_per_tile > height)
    rows_per_tile = height;

  for (int y0 = 0; y0 < height; y0 += rows_per_tile)
    {
      const int y1 = y0 + rows_per_tile < height ? y0 + rows_per_tile : height;
      const int n = (y1 - y0) * width;
      ns_conv3x3_lower_rows (in, in_channels, height, width, y0, y1, scratch);
      /* out[:, y0*w ...] (out x n, row stride h*w) = weight (out x in*9) * cols (in*9 x n) */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, out_channels, n, in_channels * 9, 1.0f,
                   weight, in_channels * 9, scratch, n, 0.0f, out + (size_t) y0 * width, (int) plane);
    }

  if (bias || relu)
    {
#pragma omp parallel for schedule(static)
      for (int co = 0; co < out_channels; co++)
        {
          float *o = out + (size_t) co * plane;
          const float b = bias ? bias[co] : 0.0f;
          if (relu)
            for (size_t i = 0; i < plane; i++)
              {
                const float v = o[i] + b;
                o[i] = v > 0.0f ? v : 0.0f;
              }
          else
            for (size_t i = 0; i < plane; i++)
              o[i] += b;
        }
    }
}

void
ns_conv3x3_weights_for_input_gradient (const float *weight, int out_channels, int in_channels,
                                       float *flipped)
{
  for (int co = 0; co < out_channels; co++)
    for (int ci = 0; ci < in_channels; ci++)
      {
        const float *src = weight + ((size_t) co * in_channels + ci) * 9;
        float *dst = flipped + ((size_t) ci * out_channels + co) * 9;
        for (int k = 0; k < 9; k++)
          dst[k] = src[8 - k];
      }
}
