/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_flow_warp against pictures whose every pixel is known: a whole-pixel
 * shift, a half-pixel shift, a zoom in and a zoom out by 2.  The frame's
 * values are multiples of 1/256 and the bilinear weights 0, 1/2 or 1, so
 * every product and sum the warp forms is exact in float: the expected
 * pixels are compared for equality. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "neural_style.h"
#include "random.h"
#include "tap.h"

enum
{
  W = 37,
  H = 23
};

static float
at (const ns_image *image, int x, int y, int c)
{
  x = x < 0 ? 0 : x > image->width - 1 ? image->width - 1 : x;
  y = y < 0 ? 0 : y > image->height - 1 ? image->height - 1 : y;
  return image->data[((size_t) y * image->width + x) * image->channels + c];
}

/* The bilinear value at a point whose coordinates are whole or half
 * pixels, clamped to the frame: the mean of the 1, 2 or 4 pixels around it. */
static double
expected_at (const ns_image *image, double sx, double sy, int c)
{
  sx = fmin (fmax (sx, 0.0), image->width - 1);
  sy = fmin (fmax (sy, 0.0), image->height - 1);
  const int left = (int) floor (sx), top = (int) floor (sy);
  const int right = sx > left ? left + 1 : left, bottom = sy > top ? top + 1 : top;
  return 0.25 * ((double) at (image, left, top, c) + at (image, right, top, c) +
                 at (image, left, bottom, c) + at (image, right, bottom, c));
}

typedef void (*source_fn) (int x, int y, double *sx, double *sy);

static void
shift_whole (int x, int y, double *sx, double *sy)
{
  *sx = x + 3;
  *sy = y - 2;
}

static void
shift_half (int x, int y, double *sx, double *sy)
{
  *sx = x - 0.5;
  *sy = y + 1.5;
}

/* magnified 2 times about the corner (0, 0) */
static void
zoom_in (int x, int y, double *sx, double *sy)
{
  *sx = 0.5 * x;
  *sy = 0.5 * y;
}

/* shrunk 2 times about the pixel (18, 11) near the centre */
static void
zoom_out (int x, int y, double *sx, double *sy)
{
  *sx = 18 + 2.0 * (x - 18);
  *sy = 11 + 2.0 * (y - 11);
}

/* Warps image by the flow of source and counts the pixels that differ from
 * the expected ones. */
static void
check_warp (const ns_image *image, source_fn source, const char *what)
{
  ns_error err = { 0 };
  ns_flow flow;
  ns_flow_alloc (&flow, W, H, NULL);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double sx, sy;
        source (x, y, &sx, &sy);
        flow.data[2 * ((size_t) y * W + x)] = (float) (sx - x);
        flow.data[2 * ((size_t) y * W + x) + 1] = (float) (sy - y);
      }
  ns_image warped;
  if (ns_flow_warp (image, &flow, &warped, &err) != NS_OK)
    {
      tap_check (0, "%s: %s", what, err.message);
      ns_flow_clear (&flow);
      return;
    }
  int wrong = 0, outside = 0;
  double worst = 0.0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double sx, sy;
        source (x, y, &sx, &sy);
        outside += sx < 0 || sy < 0 || sx > W - 1 || sy > H - 1;
        for (int c = 0; c < image->channels; c++)
          {
            const double want = expected_at (image, sx, sy, c);
            const double got = warped.data[((size_t) y * W + x) * image->channels + c];
            if (got != want)
              wrong++;
            worst = fmax (worst, fabs (got - want));
          }
      }
  tap_check (warped.width == W && warped.height == H && warped.channels == image->channels,
             "%s: %dx%d, %d channels", what, warped.width, warped.height, warped.channels);
  tap_check (wrong == 0,
             "%s: every pixel as expected, %d of them from outside the frame taking the edge's "
             "(%d values differ, by up to %.3g)",
             what, outside, wrong, worst);
  ns_image_clear (&warped);
  ns_flow_clear (&flow);
}

int
main (void)
{
  ns_random rng;
  ns_random_seed (&rng, 30);
  const int channel_counts[] = { 3, 4, 1 };
  for (int k = 0; k < 3; k++)
    {
      const int channels = channel_counts[k];
      ns_image image;
      ns_image_alloc (&image, W, H, channels, NULL);
      for (int i = 0; i < W * H * channels; i++)
        image.data[i] = (float) (int) (256 * ns_random_uniform (&rng)) / 256.0f;
      char what[64];
      snprintf (what, sizeof what, "whole-pixel shift (3, -2), %d channels", channels);
      check_warp (&image, shift_whole, what);
      if (channels == 3)
        {
          check_warp (&image, shift_half, "half-pixel shift (-0.5, 1.5)");
          check_warp (&image, zoom_in, "zoom in by 2 about (0, 0)");
          check_warp (&image, zoom_out, "zoom out by 2 about (18, 11)");
        }
      ns_image_clear (&image);
    }

  /* a flow of another size than the image's */
  ns_image image;
  ns_image_alloc (&image, W, H, 3, NULL);
  ns_flow flow;
  ns_flow_alloc (&flow, W + 1, H, NULL);
  ns_error err = { 0 };
  ns_image warped = { 0 };
  const ns_status status = ns_flow_warp (&image, &flow, &warped, &err);
  tap_check (status == NS_ERROR_ARGUMENT && !warped.data,
             "a flow of another size is refused: \"%s\"", err.message);
  ns_flow_clear (&flow);
  ns_image_clear (&image);
  return tap_done ();
}
