/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "anchor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losses.h"

/* Block j's weight at pixel p along one axis: a tent of half-width f
 * centred on the block's middle. */
static double
tent (int p, int j, int f)
{
  const double centre = j * f + 0.5 * (f - 1);
  const double d = fabs (p - centre) / f;
  return d < 1.0 ? 1.0 - d : 0.0;
}

/* The pixels [*from, *to) along an axis of size n that block j's tent
 * covers. */
static void
tent_span (int j, int f, int n, int *from, int *to)
{
  const int first = j * f - f / 2, last = j * f + f + f / 2;
  *from = first > 0 ? first : 0;
  *to = last < n ? last : n;
}

/* The sum of block j's tent over an axis of n pixels. */
static double
tent_total (int j, int f, int n)
{
  int from, to;
  tent_span (j, f, n, &from, &to);
  double total = 0.0;
  for (int p = from; p < to; p++)
    total += tent (p, j, f);
  return total;
}

/* means (3 x rows x columns) = x averaged over each block's tents */
static void
block_means (const ns_anchor *a, const float *image, double *means)
{
  const int f = a->block;
#pragma omp parallel for schedule(static)
  for (int k = 0; k < 3 * a->rows; k++)
    {
      const int c = k / a->rows, by = k % a->rows;
      int y0, y1;
      tent_span (by, f, a->height, &y0, &y1);
      for (int bx = 0; bx < a->columns; bx++)
        {
          int x0, x1;
          tent_span (bx, f, a->width, &x0, &x1);
          double sum = 0.0;
          for (int y = y0; y < y1; y++)
            {
              const float *row = image + ((size_t) c * a->height + y) * a->width;
              double row_sum = 0.0;
              for (int x = x0; x < x1; x++)
                row_sum += tent (x, bx, f) * row[x];
              sum += tent (y, by, f) * row_sum;
            }
          means[k * a->columns + bx] = sum / (a->row_totals[by] * a->column_totals[bx]);
        }
    }
}

/* The blocks whose tents cover pixel p along an axis of count blocks: j and
 * j + 1, with weights w[0] and w[1] (0 for a block past an edge). */
static int
tents_at (int p, int f, int count, double w[2])
{
  const int j = (int) floor ((p - 0.5 * (f - 1)) / f);
  w[0] = j >= 0 ? tent (p, j, f) : 0.0;
  w[1] = j + 1 < count ? tent (p, j + 1, f) : 0.0;
  return j;
}

ns_status
ns_anchor_lay_out (ns_anchor *anchor, int width, int height, int block, ns_budget *budget,
                   ns_error *err)
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
  anchor->target = ns_budget_alloc (budget, count, sizeof (double));
  anchor->means = ns_budget_alloc (budget, count, sizeof (double));
  anchor->column_totals = ns_budget_alloc (budget, anchor->columns, sizeof (double));
  anchor->row_totals = ns_budget_alloc (budget, anchor->rows, sizeof (double));
  if (!anchor->target || !anchor->means || !anchor->column_totals || !anchor->row_totals)
    {
      if (!budget->measuring)
        ns_anchor_clear (anchor);
      return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the shapes to keep");
    }
  return NS_OK;
}

ns_status
ns_anchor_init (ns_anchor *anchor, const float *x0, int width, int height, int block, ns_error *err)
{
  ns_budget budget = ns_budget_allocating ();
  const ns_status status = ns_anchor_lay_out (anchor, width, height, block, &budget, err);
  if (status != NS_OK)
    return status;
  const size_t count = 3 * (size_t) anchor->rows * anchor->columns;
  for (int j = 0; j < anchor->columns; j++)
    anchor->column_totals[j] = tent_total (j, block, width);
  for (int i = 0; i < anchor->rows; i++)
    anchor->row_totals[i] = tent_total (i, block, height);
  block_means (anchor, x0, anchor->target);
  double squares = 0.0;
  for (size_t i = 0; i < count; i++)
    squares += anchor->target[i] * anchor->target[i];
  anchor->normaliser = ns_loss_normaliser (squares);
  return NS_OK;
}

void
ns_anchor_clear (ns_anchor *anchor)
{
  free (anchor->target);
  free (anchor->means);
  free (anchor->column_totals);
  free (anchor->row_totals);
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
      const double d = anchor->means[i] - anchor->target[i];
      sum += d * d;
    }
  if (grad)
    {
      /* each pixel moves the blocks whose tents cover it, by its weight over
       * the block's total weight */
      const int f = anchor->block;
      const double g = 2.0 * weight * anchor->normaliser;
      const double *totals_x = anchor->column_totals, *totals_y = anchor->row_totals;
#pragma omp parallel for schedule(static)
      for (int k = 0; k < 3 * anchor->height; k++)
        {
          const int c = k / anchor->height, y = k % anchor->height;
          double wy[2];
          const int by = tents_at (y, f, anchor->rows, wy);
          float *row = grad + (size_t) k * anchor->width;
          for (int col = 0; col < anchor->width; col++)
            {
              double wx[2], step = 0.0;
              const int bx = tents_at (col, f, anchor->columns, wx);
              for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                  if (wy[i] > 0.0 && wx[j] > 0.0)
                    {
                      const size_t m = ((size_t) c * anchor->rows + by + i) * anchor->columns + bx +
                                       j;
                      step += wy[i] * wx[j] * (anchor->means[m] - anchor->target[m]) /
                              (totals_y[by + i] * totals_x[bx + j]);
                    }
              row[col] += (float) (g * step);
            }
        }
    }
  return anchor->normaliser * sum;
}
