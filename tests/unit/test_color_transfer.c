/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Colour control's numbers (core/image/color_transfer.c): the linear colour
 * transfer gives a style the content's colour mean and covariance, does
 * not depend on the order of the channels, and stays finite for a grey
 * style; histogram matching gives each channel exactly the content's
 * values, in the order of the result's own. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "color_transfer.h"
#include "random.h"
#include "tap.h"

#define WIDTH 96
#define HEIGHT 80
#define PIXELS ((size_t) WIDTH * HEIGHT)

/* Mean and covariance of planar RGB (3 x pixels), or of interleaved RGB
 * (stride values a pixel) when planar is 0. */
static void
statistics (const float *image, int planar, int stride, size_t pixels, double mean[3],
            double covariance[3][3])
{
#define AT(i, c) \
  ((double) (planar ? image[(size_t) (c) * pixels + (i)] : image[(i) * stride + (c)]))
  for (int a = 0; a < 3; a++)
    {
      mean[a] = 0.0;
      for (size_t i = 0; i < pixels; i++)
        mean[a] += AT (i, a);
      mean[a] /= (double) pixels;
    }
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      {
        double sum = 0.0;
        for (size_t i = 0; i < pixels; i++)
          sum += (AT (i, a) - mean[a]) * (AT (i, b) - mean[b]);
        covariance[a][b] = sum / (double) pixels;
      }
#undef AT
}

/* An interleaved picture of smooth waves and noise whose colour channels
 * are mixed by mix (correlated) around centre, within [0,1]. */
static float *
picture (int channels, const double mix[3][3], double centre, double phase, unsigned seed)
{
  float *image = malloc (sizeof (float) * PIXELS * channels);
  ns_random rng;
  ns_random_seed (&rng, seed);
  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      {
        const double u[3] = { sin (0.11 * x + phase) + 0.3 * ns_random_normal (&rng),
                              cos (0.07 * y - phase) + 0.3 * ns_random_normal (&rng),
                              sin (0.05 * (x + y) + 2 * phase) + 0.3 * ns_random_normal (&rng) };
        float *p = image + ((size_t) y * WIDTH + x) * channels;
        for (int c = 0; c < 3; c++)
          {
            const double v = centre + mix[c][0] * u[0] + mix[c][1] * u[1] + mix[c][2] * u[2];
            p[c] = (float) (v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v);
          }
        if (channels == 4)
          p[3] = 1.0f;
      }
  return image;
}

static float *
to_planar (const float *image, int channels)
{
  float *planar = malloc (sizeof (float) * 3 * PIXELS);
  for (size_t i = 0; i < PIXELS; i++)
    for (int c = 0; c < 3; c++)
      planar[c * PIXELS + i] = image[i * channels + c];
  return planar;
}

static void
test_linear_transfer (void)
{
  /* the style bluish and strongly correlated, the content warm and less so */
  static const double style_mix[3][3] = { { 0.05, 0.02, 0.0 },
                                          { 0.06, 0.05, 0.01 },
                                          { 0.08, 0.03, 0.06 } };
  static const double content_mix[3][3] = { { 0.12, 0.0, 0.03 },
                                            { -0.02, 0.09, 0.0 },
                                            { 0.01, -0.03, 0.05 } };
  float *style = picture (3, style_mix, 0.45, 0.3, 1);
  float *content = picture (4, content_mix, 0.5, 1.1, 2);
  ns_color_map map;
  ns_color_map_matching (style, 3, PIXELS, content, 4, PIXELS, &map);
  float *mapped = to_planar (style, 3);
  ns_color_map_apply (&map, mapped, PIXELS);

  double mean_c[3], cov_c[3][3], mean_m[3], cov_m[3][3], mean_s[3], cov_s[3][3];
  statistics (content, 0, 4, PIXELS, mean_c, cov_c);
  statistics (mapped, 1, 0, PIXELS, mean_m, cov_m);
  statistics (style, 0, 3, PIXELS, mean_s, cov_s);
  double mean_error = 0.0, cov_error = 0.0, cov_before = 0.0, cov_size = 0.0;
  size_t clamped = 0;
  for (int a = 0; a < 3; a++)
    {
      mean_error = fmax (mean_error, fabs (mean_m[a] - mean_c[a]));
      for (int b = 0; b < 3; b++)
        {
          cov_error = fmax (cov_error, fabs (cov_m[a][b] - cov_c[a][b]));
          cov_before = fmax (cov_before, fabs (cov_s[a][b] - cov_c[a][b]));
          cov_size = fmax (cov_size, fabs (cov_c[a][b]));
        }
    }
  for (size_t i = 0; i < 3 * PIXELS; i++)
    clamped += mapped[i] == 0.0f || mapped[i] == 1.0f;
  tap_note ("content covariance up to %.4f; the style's off by %.4f before, %.2e after; "
            "%zu of %zu values clamped",
            cov_size, cov_before, cov_error, clamped, 3 * PIXELS);
  tap_check (mean_error < 1e-4,
             "match-style: the mapped style's mean is the content's (off by %.2e)", mean_error);
  tap_check (cov_error < 1e-3 * cov_size && cov_before > 0.1 * cov_size,
             "match-style: the mapped style's covariance is the content's (off by %.2e of %.2e; "
             "%.2e before)",
             cov_error, cov_size, cov_before);

  /* the channels in another order (G, B, R): the map is the same map,
   * permuted, which a Cholesky factor's is not */
  static const int order[3] = { 1, 2, 0 };
  float *style_p = malloc (sizeof (float) * 3 * PIXELS),
        *content_p = malloc (sizeof (float) * 4 * PIXELS);
  for (size_t i = 0; i < PIXELS; i++)
    {
      for (int c = 0; c < 3; c++)
        {
          style_p[i * 3 + c] = style[i * 3 + order[c]];
          content_p[i * 4 + c] = content[i * 4 + order[c]];
        }
      content_p[i * 4 + 3] = content[i * 4 + 3];
    }
  ns_color_map permuted;
  ns_color_map_matching (style_p, 3, PIXELS, content_p, 4, PIXELS, &permuted);
  double difference = 0.0;
  for (int a = 0; a < 3; a++)
    {
      difference = fmax (difference, fabs (permuted.offset[a] - map.offset[order[a]]));
      for (int b = 0; b < 3; b++)
        difference = fmax (difference, fabs (permuted.matrix[a][b] - map.matrix[order[a]][order[b]]));
    }
  tap_check (difference < 1e-5,
             "match-style: with the channels reordered the map is the same, reordered (%.2e)",
             difference);

  /* a grey style has no colour variance to stretch: the map stays finite
   * and its result in [0,1] */
  float *grey = malloc (sizeof (float) * 3 * PIXELS);
  for (size_t i = 0; i < PIXELS; i++)
    grey[i * 3] = grey[i * 3 + 1] = grey[i * 3 + 2] = style[i * 3];
  ns_color_map grey_map;
  ns_color_map_matching (grey, 3, PIXELS, content, 4, PIXELS, &grey_map);
  float *grey_mapped = to_planar (grey, 3);
  ns_color_map_apply (&grey_map, grey_mapped, PIXELS);
  int finite = 1;
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      finite = finite && isfinite (grey_map.matrix[a][b]) && isfinite (grey_map.offset[a]);
  double grey_mean[3], grey_cov[3][3], grey_mean_error = 0.0;
  for (size_t i = 0; i < 3 * PIXELS; i++)
    finite = finite && grey_mapped[i] >= 0.0f && grey_mapped[i] <= 1.0f;
  statistics (grey_mapped, 1, 0, PIXELS, grey_mean, grey_cov);
  for (int a = 0; a < 3; a++)
    grey_mean_error = fmax (grey_mean_error, fabs (grey_mean[a] - mean_c[a]));
  tap_check (finite && grey_mean_error < 0.02,
             "match-style: a grey style maps to finite colours in [0,1] around the content's "
             "mean (off by %.2e)",
             grey_mean_error);

  free (style);
  free (content);
  free (mapped);
  free (style_p);
  free (content_p);
  free (grey);
  free (grey_mapped);
}

static int
compare_floats (const void *a, const void *b)
{
  const float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

static void
test_histogram_matching (void)
{
  /* the result uniform, the content skewed and coarse (8-bit levels, so
   * with many ties); the result has ties too */
  ns_random rng;
  ns_random_seed (&rng, 5);
  float *result = malloc (sizeof (float) * 3 * PIXELS),
        *before = malloc (sizeof (float) * 3 * PIXELS);
  float *content = malloc (sizeof (float) * 3 * PIXELS);
  for (size_t i = 0; i < 3 * PIXELS; i++)
    {
      const double u = ns_random_uniform (&rng);
      content[i] = (float) (round (255.0 * u * u) / 255.0);
      result[i] = i % 5 == 0 ? 0.5f : (float) ns_random_uniform (&rng);
    }
  memcpy (before, result, sizeof (float) * 3 * PIXELS);
  ns_error err = { 0 };
  const ns_status status = ns_match_histograms (result, content, 3, PIXELS, &err);

  int sorted_equal = status == NS_OK, order_kept = status == NS_OK;
  double quantile_error = 0.0;
  float *mine = malloc (sizeof (float) * PIXELS), *theirs = malloc (sizeof (float) * PIXELS);
  for (int c = 0; c < 3; c++)
    {
      const float *plane = result + c * PIXELS, *old = before + c * PIXELS;
      for (size_t i = 0; i < PIXELS; i++)
        {
          mine[i] = plane[i];
          theirs[i] = content[i * 3 + c];
        }
      qsort (mine, PIXELS, sizeof (float), compare_floats);
      qsort (theirs, PIXELS, sizeof (float), compare_floats);
      sorted_equal = sorted_equal && memcmp (mine, theirs, sizeof (float) * PIXELS) == 0;
      /* the quartiles, as a reader would check them */
      for (int q = 1; q < 4; q++)
        quantile_error = fmax (quantile_error, fabs (mine[q * PIXELS / 4] - theirs[q * PIXELS / 4]));
      for (size_t i = 1; i < PIXELS && order_kept; i++)
        if (old[i - 1] < old[i])
          order_kept = plane[i - 1] <= plane[i];
        else if (old[i - 1] > old[i])
          order_kept = plane[i - 1] >= plane[i];
    }
  tap_check (sorted_equal && quantile_error == 0.0,
             "histogram: each channel's sorted values are exactly the content's (quartiles off by "
             "%g): %s",
             quantile_error, status == NS_OK ? "matched" : err.message);
  tap_check (order_kept, "histogram: a brighter value of the result stays at least as bright");
  tap_check (ns_match_histograms_bytes (PIXELS) >= 8 * PIXELS,
             "histogram: its scratch is counted (%zu bytes for %zu pixels)",
             ns_match_histograms_bytes (PIXELS), PIXELS);
  free (result);
  free (before);
  free (content);
  free (mine);
  free (theirs);
}

int
main (void)
{
  test_linear_transfer ();
  test_histogram_matching ();
  return tap_done ();
}
