/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tiling.h"

#include "ns_assert.h"

#include <stdlib.h>
#include <string.h>

/* Tiles per side tried by ns_tiling_plan. */
#define MAX_TILES_A_SIDE 128

static int
round_up (int value, int unit)
{
  return (value + unit - 1) / unit * unit;
}

int
ns_tiling_halo (int conv_count)
{
  /* a feature sees receptive_field/2 pixels each side of its own window,
   * which is up to 2^pools pixels wide; the halo is a whole number of
   * alignment steps */
  const int last = conv_count - 1;
  return round_up (ns_vgg19_receptive_field (last) / 2 + (1 << ns_vgg19_pools_before (last)),
                   NS_TILING_ALIGN);
}

void
ns_tiling_clear (ns_tiling *tiling)
{
  free (tiling->tiles);
  memset (tiling, 0, sizeof *tiling);
}

/* One axis of a grid: n tiles over size pixels. */
typedef struct
{
  int inner; /* every tile's inner size but the last's */
  int count; /* tiles (rounding may leave fewer than asked) */
  int largest_crop;
  size_t crop_sum;
} grid_axis;

static grid_axis
plan_axis (int size, int halo, int n)
{
  grid_axis a = { 0 };
  a.inner = round_up ((size + n - 1) / n, NS_TILING_ALIGN);
  a.count = (size + a.inner - 1) / a.inner;
  for (int k = 0; k < a.count; k++)
    {
      const int y0 = k * a.inner, y1 = k + 1 < a.count ? y0 + a.inner : size;
      const int crop = (y1 + halo < size ? y1 + halo : size) - (y0 > halo ? y0 - halo : 0);
      a.crop_sum += crop;
      if (crop > a.largest_crop)
        a.largest_crop = crop;
    }
  return a;
}

ns_status
ns_tiling_grid (ns_tiling *tiling, int height, int width, int halo, int rows, int columns,
                ns_error *err)
{
  memset (tiling, 0, sizeof *tiling);
  if (height < 1 || width < 1 || rows < 1 || columns < 1 || halo < 0 || halo % NS_TILING_ALIGN)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "no %dx%d tiles of a %dx%d image (halo %d)",
                         columns, rows, width, height, halo);
  const grid_axis down = plan_axis (height, halo, rows), across = plan_axis (width, halo, columns);
  tiling->tiles = malloc (sizeof (ns_tile) * down.count * across.count);
  if (!tiling->tiles)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for %d tiles",
                         down.count * across.count);
  tiling->height = height;
  tiling->width = width;
  tiling->halo = halo;
  tiling->rows = down.count;
  tiling->columns = across.count;
  tiling->count = down.count * across.count;
  tiling->crop_height = down.largest_crop;
  tiling->crop_width = across.largest_crop;
  for (int r = 0; r < down.count; r++)
    for (int c = 0; c < across.count; c++)
      {
        ns_tile *t = &tiling->tiles[r * across.count + c];
        t->inner.y0 = r * down.inner;
        t->inner.y1 = r + 1 < down.count ? (r + 1) * down.inner : height;
        t->inner.x0 = c * across.inner;
        t->inner.x1 = c + 1 < across.count ? (c + 1) * across.inner : width;
        t->crop.y0 = t->inner.y0 > halo ? t->inner.y0 - halo : 0;
        t->crop.y1 = t->inner.y1 + halo < height ? t->inner.y1 + halo : height;
        t->crop.x0 = t->inner.x0 > halo ? t->inner.x0 - halo : 0;
        t->crop.x1 = t->inner.x1 + halo < width ? t->inner.x1 + halo : width;
      }
  return NS_OK;
}

/* Of the grids whose crops take at most budget bytes (as measure says),
 * the one whose crops hold the fewest pixels in all (the least work) in
 * *rows x *columns (when not NULL); returns whether there is one.  *least:
 * the fewest bytes of any grid whose crops hold at most max_overhead times
 * the image's pixels (0: any grid). */
static int
search_grids (int height, int width, int conv_count, const ns_tile_measure *measure, size_t budget,
              double max_overhead, size_t *least, int *best_rows, int *best_columns)
{
  const int halo = ns_tiling_halo (conv_count), pools = ns_vgg19_pools_before (conv_count - 1);
  size_t best_pixels = 0;
  int found = 0;
  *least = (size_t) -1;
  for (int rows = 1; rows <= MAX_TILES_A_SIDE; rows++)
    {
      const grid_axis down = plan_axis (height, halo, rows);
      if (down.count != rows || (down.largest_crop >> pools) < 1)
        continue;
      for (int columns = 1; columns <= MAX_TILES_A_SIDE; columns++)
        {
          const grid_axis across = plan_axis (width, halo, columns);
          if (across.count != columns || (across.largest_crop >> pools) < 1)
            continue;
          const size_t bytes = measure->bytes (measure->user, down.largest_crop,
                                               across.largest_crop, rows * columns);
          const size_t pixels = down.crop_sum * across.crop_sum;
          if (bytes < *least &&
              (max_overhead <= 0.0 || pixels <= max_overhead * height * (double) width))
            *least = bytes;
          if (best_rows && bytes <= budget && (!found || pixels < best_pixels))
            {
              found = 1;
              *best_rows = rows;
              *best_columns = columns;
              best_pixels = pixels;
            }
        }
    }
  return found;
}

size_t
ns_tiling_least (int height, int width, int conv_count, const ns_tile_measure *measure,
                 double max_overhead)
{
  size_t least;
  search_grids (height, width, conv_count, measure, 0, max_overhead, &least, NULL, NULL);
  return least;
}

ns_status
ns_tiling_plan (ns_tiling *tiling, int height, int width, int conv_count,
                const ns_tile_measure *measure, size_t budget, ns_error *err)
{
  int rows, columns;
  size_t least;
  memset (tiling, 0, sizeof *tiling);
  if (!search_grids (height, width, conv_count, measure, budget, 0.0, &least, &rows, &columns))
    return ns_error_set (err, NS_ERROR_NOMEM,
                         "a %dx%d image needs at least %.0f MiB for its tiles; the budget "
                         "leaves them %.0f MiB",
                         width, height, least / 1048576.0, budget / 1048576.0);
  return ns_tiling_grid (tiling, height, width, ns_tiling_halo (conv_count), rows, columns, err);
}

ns_rect
ns_rect_at_layer (ns_rect r, int conv_index)
{
  const int p = ns_vgg19_pools_before (conv_index);
  return (ns_rect) { r.y0 >> p, r.y1 >> p, r.x0 >> p, r.x1 >> p };
}

ns_rect
ns_rect_within (ns_rect r, ns_rect origin)
{
  return (ns_rect) { r.y0 - origin.y0, r.y1 - origin.y0, r.x0 - origin.x0, r.x1 - origin.x0 };
}

void
ns_rect_gather (const float *src, int channels, int height, int width, ns_rect r, float *dst)
{
  const int rows = r.y1 - r.y0, columns = r.x1 - r.x0;
  NS_ASSERT (r.y0 >= 0 && r.x0 >= 0 && r.y1 <= height && r.x1 <= width);
#pragma omp parallel for schedule(static)
  for (int k = 0; k < channels * rows; k++)
    {
      const int c = k / rows, y = k % rows;
      memcpy (dst + (size_t) k * columns, src + ((size_t) c * height + r.y0 + y) * width + r.x0,
              sizeof (float) * columns);
    }
}

void
ns_rect_scatter_add (const float *src, int channels, int height, int width, ns_rect r, float *dst)
{
  const int rows = r.y1 - r.y0, columns = r.x1 - r.x0;
  NS_ASSERT (r.y0 >= 0 && r.x0 >= 0 && r.y1 <= height && r.x1 <= width);
#pragma omp parallel for schedule(static)
  for (int k = 0; k < channels * rows; k++)
    {
      const int c = k / rows, y = k % rows;
      const float *s = src + (size_t) k * columns;
      float *d = dst + ((size_t) c * height + r.y0 + y) * width + r.x0;
      for (int x = 0; x < columns; x++)
        d[x] += s[x];
    }
}

void
ns_rect_masked_copy (const float *src, int channels, int height, int width, ns_rect r, float *dst)
{
  NS_ASSERT (r.y0 >= 0 && r.x0 >= 0 && r.y1 <= height && r.x1 <= width);
#pragma omp parallel for schedule(static)
  for (int k = 0; k < channels * height; k++)
    {
      const int y = k % height;
      const float *s = src + (size_t) k * width;
      float *d = dst + (size_t) k * width;
      if (y < r.y0 || y >= r.y1)
        memset (d, 0, sizeof (float) * width);
      else
        {
          memset (d, 0, sizeof (float) * r.x0);
          memcpy (d + r.x0, s + r.x0, sizeof (float) * (r.x1 - r.x0));
          memset (d + r.x1, 0, sizeof (float) * (width - r.x1));
        }
    }
}
