/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "anchor.h"

#include <stdlib.h>
#include <string.h>

#include "losses.h"

/* means (3 x rows x columns) = x averaged over each block */
static void
block_means (const ns_anchor *a, const float *image, float *means)
{
  const int f = a->block;
#pragma omp parallel for schedule(static)
  for (int k = 0; k < 3 * a->rows; k++)
    {
      const int c = k / a->rows, by = k % a->rows;
      const int y0 = by * f, y1 = y0 + f < a->height ? y0 + f : a->height;
      for (int bx = 0; bx < a->columns; bx++)
        {
          const int c0 = bx * f, c1 = c0 + f < a->width ? c0 + f : a->width;
          double sum = 0.0;
          for (int y = y0; y < y1; y++)
            for (int col = c0; col < c1; col++)
              sum += image[((size_t) c * a->height + y) * a->width + col];
          means[k * a->columns + bx] = (float) (sum / ((y1 - y0) * (c1 - c0)));
        }
    }
}

ns_status
ns_anchor_init (ns_anchor *anchor, const float *x0, int width, int height, int block, ns_error *err)
{
  memset (anchor, 0, sizeof *anchor);
  if (width < 1 || height < 1 || block < 1)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "no %d-pixel blocks of a %dx%d image", block,
                         width, height);
  anchor->width = width;
  anchor->height = height;
  anchor->block = block;
  anchor->columns = (width + block - 1) / block;
  anchor->rows = (height + block - 1) / block;
  const size_t count = 3 * (size_t) anchor->rows * anchor->columns;
  anchor->target = malloc (sizeof (float) * count);
  anchor->means = malloc (sizeof (float) * count);
  if (!anchor->target || !anchor->means)
    {
      ns_anchor_clear (anchor);
      return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the shapes to keep");
    }
  block_means (anchor, x0, anchor->target);
  anchor->normaliser = ns_loss_normaliser (ns_sum_of_squares (anchor->target, count));
  return NS_OK;
}

void
ns_anchor_clear (ns_anchor *anchor)
{
  free (anchor->target);
  free (anchor->means);
  memset (anchor, 0, sizeof *anchor);
}

double
ns_anchor_loss (ns_anchor *anchor, const float *x, double weight, float *grad)
{
  const size_t count = 3 * (size_t) anchor->rows * anchor->columns;
  block_means (anchor, x, anchor->means);
  double sum = 0.0;
  for (size_t i = 0; i < count; i++)
    {
      const double d = (double) anchor->means[i] - anchor->target[i];
      sum += d * d;
    }
  if (grad)
    {
      /* each pixel moves its block's mean by 1 / (the block's pixels) */
      const int f = anchor->block;
      const double g = 2.0 * weight * anchor->normaliser;
#pragma omp parallel for schedule(static)
      for (int k = 0; k < 3 * anchor->height; k++)
        {
          const int c = k / anchor->height, y = k % anchor->height, by = y / f;
          const int rows_in = (by + 1) * f < anchor->height ? f : anchor->height - by * f;
          const size_t m = ((size_t) c * anchor->rows + by) * anchor->columns;
          float *row = grad + (size_t) k * anchor->width;
          for (int col = 0; col < anchor->width; col++)
            {
              const int bx = col / f;
              const int columns_in = (bx + 1) * f < anchor->width ? f : anchor->width - bx * f;
              row[col] += (float) (g * ((double) anchor->means[m + bx] - anchor->target[m + bx]) /
                                   (rows_in * columns_in));
            }
        }
    }
  return anchor->normaliser * sum;
}
