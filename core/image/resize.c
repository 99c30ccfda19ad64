/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "resize.h"

#include "ns_budget.h"

#include <math.h>
#include <stdlib.h>

/* The taps of one output coordinate: first source index and normalised weights. */
typedef struct
{
  int *first;
  int *count;
  float *weights; /* max_taps per output */
  int max_taps;
} resize_taps;

static void
resize_taps_clear (ns_budget *budget, resize_taps *taps, int dst_len)
{
  ns_budget_free (budget, taps->first, (size_t) dst_len, sizeof (int));
  ns_budget_free (budget, taps->count, (size_t) dst_len, sizeof (int));
  ns_budget_free (budget, taps->weights, (size_t) dst_len * taps->max_taps, sizeof (float));
}

/* Lays the taps' buffers out; 0 when out of memory. */
static int
resize_taps_lay_out (ns_budget *budget, resize_taps *taps, int src_len, int dst_len)
{
  const double ratio = (double) src_len / dst_len;

  taps->max_taps = (int) ceil (2.0 * (ratio > 1.0 ? ratio : 1.0)) + 2;
  taps->first = ns_budget_alloc (budget, (size_t) dst_len, sizeof (int));
  taps->count = ns_budget_alloc (budget, (size_t) dst_len, sizeof (int));
  taps->weights = ns_budget_alloc (budget, (size_t) dst_len * taps->max_taps, sizeof (float));
  return taps->first && taps->count && taps->weights;
}

static void
resize_taps_compute (resize_taps *taps, int src_len, int dst_len)
{
  const double ratio = (double) src_len / dst_len;
  const double support = ratio > 1.0 ? ratio : 1.0;

  for (int i = 0; i < dst_len; i++)
    {
      const double center = (i + 0.5) * ratio - 0.5;
      int lo = (int) floor (center - support) + 1;
      int hi = (int) ceil (center + support) - 1;
      if (lo < 0)
        lo = 0;
      if (hi > src_len - 1)
        hi = src_len - 1;
      if (hi - lo + 1 > taps->max_taps)
        hi = lo + taps->max_taps - 1;
      float *w = taps->weights + (size_t) i * taps->max_taps;
      double total = 0.0;
      for (int j = lo; j <= hi; j++)
        {
          double t = 1.0 - fabs (j - center) / support;
          w[j - lo] = (float) (t > 0.0 ? t : 0.0);
          total += w[j - lo];
        }
      if (total <= 0.0)
        {
          /* nearest sample: only reachable when the window is empty after clamping */
          lo = hi = (int) fmin (fmax (floor (center + 0.5), 0), src_len - 1);
          w[0] = 1.0f;
          total = 1.0;
        }
      for (int j = lo; j <= hi; j++)
        w[j - lo] = (float) (w[j - lo] / total);
      taps->first[i] = lo;
      taps->count[i] = hi - lo + 1;
    }
}

/* The scratch of a resize to another size: rows resized across, and each
 * axis's taps; freed by resize_scratch_clear. 0 when out of memory. */
typedef struct
{
  float *rows;
  resize_taps horizontal, vertical;
} resize_scratch;

static void
resize_scratch_clear (ns_budget *budget, resize_scratch *scratch, int channels, int src_h,
                      int dst_w, int dst_h)
{
  ns_budget_free (budget, scratch->rows, (size_t) channels * src_h * dst_w, sizeof (float));
  resize_taps_clear (budget, &scratch->horizontal, dst_w);
  resize_taps_clear (budget, &scratch->vertical, dst_h);
}

static int
resize_scratch_lay_out (ns_budget *budget, resize_scratch *scratch, int channels, int src_w,
                        int src_h, int dst_w, int dst_h)
{
  *scratch = (resize_scratch) { 0 };
  scratch->rows = ns_budget_alloc (budget, (size_t) channels * src_h * dst_w, sizeof (float));
  return scratch->rows && resize_taps_lay_out (budget, &scratch->horizontal, src_w, dst_w) &&
         resize_taps_lay_out (budget, &scratch->vertical, src_h, dst_h);
}

/* src's channel c at pixel i is src[c * channel_stride + i * pixel_stride]. */
static ns_status
resize_to_planar (const float *src, int channels, size_t channel_stride, int pixel_stride,
                  int src_w, int src_h, float *dst, int dst_w, int dst_h, ns_error *err)
{
  if (src_w < 1 || src_h < 1 || dst_w < 1 || dst_h < 1)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "cannot resize %dx%d to %dx%d", src_w, src_h,
                         dst_w, dst_h);

  if (src_w == dst_w && src_h == dst_h)
    {
      /* the same size: a copy, without the scratch rows */
      const size_t pixels = (size_t) src_w * src_h;
      for (int c = 0; c < channels; c++)
#pragma omp parallel for schedule(static)
        for (size_t i = 0; i < pixels; i++)
          dst[c * pixels + i] = src[c * channel_stride + i * pixel_stride];
      return NS_OK;
    }

  ns_budget budget = ns_budget_allocating ();
  resize_scratch scratch;
  if (!resize_scratch_lay_out (&budget, &scratch, channels, src_w, src_h, dst_w, dst_h))
    {
      resize_scratch_clear (&budget, &scratch, channels, src_h, dst_w, dst_h);
      return ns_error_set (err, NS_ERROR_NOMEM, "out of memory resizing %dx%d to %dx%d", src_w,
                           src_h, dst_w, dst_h);
    }

  resize_taps_compute (&scratch.horizontal, src_w, dst_w);
  resize_taps_compute (&scratch.vertical, src_h, dst_h);
  const resize_taps *horizontal = &scratch.horizontal, *vertical = &scratch.vertical;
  float *rows = scratch.rows;

#pragma omp parallel for schedule(static)
  for (int r = 0; r < channels * src_h; r++)
    {
      const int c = r / src_h, y = r % src_h;
      const float *s = src + c * channel_stride + (size_t) y * src_w * pixel_stride;
      float *d = rows + (size_t) r * dst_w;
      for (int x = 0; x < dst_w; x++)
        {
          const float *w = horizontal->weights + (size_t) x * horizontal->max_taps;
          const float *p = s + (size_t) horizontal->first[x] * pixel_stride;
          float sum = 0.0f;
          for (int k = 0; k < horizontal->count[x]; k++)
            sum += w[k] * p[(size_t) k * pixel_stride];
          d[x] = sum;
        }
    }

#pragma omp parallel for schedule(static)
  for (int r = 0; r < channels * dst_h; r++)
    {
      const int c = r / dst_h, y = r % dst_h;
      const float *w = vertical->weights + (size_t) y * vertical->max_taps;
      const float *base = rows + ((size_t) c * src_h + vertical->first[y]) * dst_w;
      float *d = dst + (size_t) r * dst_w;
      for (int x = 0; x < dst_w; x++)
        d[x] = 0.0f;
      for (int k = 0; k < vertical->count[y]; k++)
        {
          const float *s = base + (size_t) k * dst_w;
          for (int x = 0; x < dst_w; x++)
            d[x] += w[k] * s[x];
        }
    }

  resize_scratch_clear (&budget, &scratch, channels, src_h, dst_w, dst_h);
  return NS_OK;
}

ns_status
ns_resize_planar (const float *src, int channels, int src_w, int src_h, float *dst, int dst_w,
                  int dst_h, ns_error *err)
{
  return resize_to_planar (src, channels, (size_t) src_w * src_h, 1, src_w, src_h, dst, dst_w,
                           dst_h, err);
}

ns_status
ns_resize_interleaved_to_planar (const float *src, int src_channels, int channels, int src_w,
                                 int src_h, float *dst, int dst_w, int dst_h, ns_error *err)
{
  if (channels > src_channels)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "%d channels asked of an image of %d", channels,
                         src_channels);
  return resize_to_planar (src, channels, 1, src_channels, src_w, src_h, dst, dst_w, dst_h, err);
}

size_t
ns_resize_scratch_bytes (int channels, int src_w, int src_h, int dst_w, int dst_h)
{
  ns_budget budget = ns_budget_measuring ();
  resize_scratch scratch;

  if (src_w == dst_w && src_h == dst_h)
    return 0;
  resize_scratch_lay_out (&budget, &scratch, channels, src_w, src_h, dst_w, dst_h);
  return budget.peak;
}
