/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "color_transfer.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ns_assert.h"
#include "ns_budget.h"

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

/* ---- Linear colour transfer ---- */

/* The colour mean and covariance of an interleaved image, in double: two
 * passes, so that the small variances of a flat image do not cancel. */
static void
color_statistics (const float *image, int channels, size_t pixels, double mean[3],
                  double covariance[3][3])
{
  double sum[3] = { 0.0, 0.0, 0.0 }, products[3][3] = { { 0.0 } };
  for (size_t i = 0; i < pixels; i++)
    for (int a = 0; a < 3; a++)
      sum[a] += image[i * channels + a];
  for (int a = 0; a < 3; a++)
    mean[a] = sum[a] / (double) pixels;
  for (size_t i = 0; i < pixels; i++)
    {
      const float *p = image + i * channels;
      const double d[3] = { p[0] - mean[0], p[1] - mean[1], p[2] - mean[2] };
      for (int a = 0; a < 3; a++)
        for (int b = a; b < 3; b++)
          products[a][b] += d[a] * d[b];
    }
  for (int a = 0; a < 3; a++)
    for (int b = a; b < 3; b++)
      covariance[a][b] = covariance[b][a] = products[a][b] / (double) pixels;
}

/* A symmetric 3x3 matrix as V diag(w) V^T, by cyclic Jacobi rotations
 * (each zeroes one off-diagonal element; a few sweeps reach rounding). */
static void
eigen_symmetric (const double m[3][3], double w[3], double v[3][3])
{
  double a[3][3];
  memcpy (a, m, sizeof a);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      v[i][j] = i == j;
  for (int sweep = 0; sweep < 32; sweep++)
    {
      const double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
      const double diagonal = a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2];
      if (off <= 1e-30 * diagonal || off == 0.0)
        break;
      for (int p = 0; p < 2; p++)
        for (int q = p + 1; q < 3; q++)
          {
            if (a[p][q] == 0.0)
              continue;
            /* the rotation J (J_pp = J_qq = c, J_pq = s, J_qp = -s) whose
             * J^T a J has no (p, q) element */
            const double theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
            const double t = (theta >= 0.0 ? 1.0 : -1.0) /
                             (fabs (theta) + sqrt (theta * theta + 1.0));
            const double c = 1.0 / sqrt (t * t + 1.0), s = t * c;
            for (int k = 0; k < 3; k++)
              {
                /* columns: a J, v J */
                const double akp = a[k][p], akq = a[k][q];
                a[k][p] = c * akp - s * akq;
                a[k][q] = s * akp + c * akq;
                const double vkp = v[k][p], vkq = v[k][q];
                v[k][p] = c * vkp - s * vkq;
                v[k][q] = s * vkp + c * vkq;
              }
            for (int k = 0; k < 3; k++)
              {
                /* rows: J^T (a J) */
                const double apk = a[p][k], aqk = a[q][k];
                a[p][k] = c * apk - s * aqk;
                a[q][k] = s * apk + c * aqk;
              }
          }
    }
  for (int i = 0; i < 3; i++)
    w[i] = a[i][i];
}

/* V diag(f(w)) V^T of a covariance with f the square root (power 0.5) or
 * its inverse (power -0.5).  A direction the image hardly varies in (a grey
 * style has no colour variance at all) counts as varying by one 8-bit
 * step: its inverse root is not blown up by rounding. */
static void
covariance_root (const double covariance[3][3], double power, double root[3][3])
{
  const double least = 1.0 / (255.0 * 255.0);
  double w[3], v[3][3];
  eigen_symmetric (covariance, w, v);
  for (int k = 0; k < 3; k++)
    w[k] = pow (w[k] > least ? w[k] : least, power);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      root[i][j] = v[i][0] * w[0] * v[j][0] + v[i][1] * w[1] * v[j][1] + v[i][2] * w[2] * v[j][2];
}

/* Symmetric roots (the "Image Analogies" transfer Gatys et al. 2017 use)
 * rather than Cholesky factors: the map is then the same whatever order the
 * channels come in, where a Cholesky factor treats red, green and blue
 * unequally. */
void
ns_color_map_matching (const float *style, int style_channels, size_t style_pixels,
                       const float *content, int content_channels, size_t content_pixels,
                       ns_color_map *map)
{
  NS_ASSERT (style && content && style_pixels > 0 && content_pixels > 0);
  double mean_s[3], mean_c[3], cov_s[3][3], cov_c[3][3], root_c[3][3], inverse_root_s[3][3];
  color_statistics (style, style_channels, style_pixels, mean_s, cov_s);
  color_statistics (content, content_channels, content_pixels, mean_c, cov_c);
  covariance_root (cov_c, 0.5, root_c);
  covariance_root (cov_s, -0.5, inverse_root_s);
  for (int i = 0; i < 3; i++)
    {
      double shift = mean_c[i];
      for (int j = 0; j < 3; j++)
        {
          double a = 0.0;
          for (int k = 0; k < 3; k++)
            a += root_c[i][k] * inverse_root_s[k][j];
          map->matrix[i][j] = (float) a;
          shift -= a * mean_s[j];
        }
      map->offset[i] = (float) shift;
    }
}

void
ns_color_map_apply (const ns_color_map *map, float *rgb, size_t pixels)
{
  NS_ASSERT (map && rgb);
  float *r = rgb, *g = rgb + pixels, *b = rgb + 2 * pixels;
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < pixels; i++)
    {
      const float x[3] = { r[i], g[i], b[i] };
      float y[3];
      for (int k = 0; k < 3; k++)
        {
          const float v = map->matrix[k][0] * x[0] + map->matrix[k][1] * x[1] +
                          map->matrix[k][2] * x[2] + map->offset[k];
          y[k] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        }
      r[i] = y[0];
      g[i] = y[1];
      b[i] = y[2];
    }
}

/* ---- Histogram matching ---- */

typedef struct
{
  float value;
  uint32_t index;
} ranked_value;

static int
compare_floats (const void *a, const void *b)
{
  const float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

/* By value, ties by position: the order, and so the result, is the same
 * whatever qsort does with equal elements. */
static int
compare_ranked (const void *a, const void *b)
{
  const ranked_value *x = a, *y = b;
  if (x->value != y->value)
    return (x->value > y->value) - (x->value < y->value);
  return (x->index > y->index) - (x->index < y->index);
}

/* One channel's scratch (the same for each channel); 0 when out of memory. */
static int
histogram_scratch_lay_out (ns_budget *budget, size_t pixels, float **sorted, ranked_value **ranked)
{
  *sorted = ns_budget_alloc (budget, pixels, sizeof (float));
  *ranked = ns_budget_alloc (budget, pixels, sizeof (ranked_value));
  return *sorted && *ranked;
}

static void
histogram_scratch_clear (ns_budget *budget, size_t pixels, float *sorted, ranked_value *ranked)
{
  ns_budget_free (budget, sorted, pixels, sizeof (float));
  ns_budget_free (budget, ranked, pixels, sizeof (ranked_value));
}

size_t
ns_match_histograms_bytes (size_t pixels)
{
  ns_budget budget = ns_budget_measuring ();
  float *sorted;
  ranked_value *ranked;

  histogram_scratch_lay_out (&budget, pixels, &sorted, &ranked);
  return budget.peak;
}

ns_status
ns_match_histograms (float *result, const float *content, int channels, size_t pixels, ns_error *err)
{
  NS_ASSERT (result && content && channels >= 3);
  if (pixels > UINT32_MAX)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "%zu pixels are too many to match histograms",
                         pixels);
  ns_budget budget = ns_budget_allocating ();
  float *sorted;
  ranked_value *ranked;
  if (!histogram_scratch_lay_out (&budget, pixels, &sorted, &ranked))
    {
      histogram_scratch_clear (&budget, pixels, sorted, ranked);
      return ns_error_set (err, NS_ERROR_NOMEM, "out of memory to match the colour histograms");
    }
  for (int c = 0; c < 3; c++)
    {
      float *plane = result + (size_t) c * pixels;
      for (size_t i = 0; i < pixels; i++)
        {
          sorted[i] = content[i * channels + c];
          ranked[i] = (ranked_value) { plane[i], (uint32_t) i };
        }
      qsort (sorted, pixels, sizeof *sorted, compare_floats);
      qsort (ranked, pixels, sizeof *ranked, compare_ranked);
      /* the k-th smallest of the result takes the k-th smallest of the content */
      for (size_t k = 0; k < pixels; k++)
        plane[ranked[k].index] = sorted[k];
    }
  histogram_scratch_clear (&budget, pixels, sorted, ranked);
  return NS_OK;
}
