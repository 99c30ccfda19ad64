/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pictures the engine's tests paint: smooth stripes of a phase, planar or
 * as an ns_image; whether two results are the same; the small run that
 * paints them. */
#ifndef TEST_IMAGES_H
#define TEST_IMAGES_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neural_style.h"

/* Planar RGB, width x height, values in [0.1, 0.9]. */
static inline float *
smooth_image (int width, int height, double phase)
{
  float *rgb = malloc (sizeof (float) * 3 * (size_t) width * height);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < height; y++)
      for (int x = 0; x < width; x++)
        rgb[((size_t) c * height + y) * width + x] =
            (float) (0.5 + 0.4 * sin (0.21 * x * (c + 1) + phase) * cos (0.13 * y + c + phase));
  return rgb;
}

/* smooth_image interleaved, with an alpha of a pattern when channels is 4. */
static inline ns_image
test_image (int width, int height, int channels, double phase)
{
  ns_image image;
  ns_image_alloc (&image, width, height, channels, NULL);
  float *planar = smooth_image (width, height, phase);
  for (int i = 0; i < width * height; i++)
    {
      for (int c = 0; c < 3; c++)
        image.data[(size_t) i * channels + c] = planar[(size_t) c * width * height + i];
      if (channels == 4)
        image.data[(size_t) i * 4 + 3] = (float) (i % 7) / 6.0f;
    }
  free (planar);
  return image;
}

/* Whether a and b are the same image, bit for bit. */
static inline int
images_identical (const ns_image *a, const ns_image *b)
{
  return a->data && b->data && a->width == b->width && a->height == b->height &&
         a->channels == b->channels &&
         memcmp (a->data, b->data, sizeof (float) * a->width * a->height * a->channels) == 0;
}

/* The defaults at two scales (32 and 48 px), iterations L-BFGS iterations
 * each. */
static inline void
two_scale_params (ns_params *p, int iterations)
{
  ns_params_init (p);
  p->multi_scale = 1;
  p->min_scale_size = 32;
  p->max_size = 48;
  p->iterations = iterations;
}

#endif
