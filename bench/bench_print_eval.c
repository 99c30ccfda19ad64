/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-print-eval WEIGHTS CONTENT STYLE NATIVE SMALL: the picture figures
 * of tools/bench-print, evaluated by the engine itself.  Also
 * bench-print-eval resize IN OUT.png LONGEST and
 * bench-print-eval crop IN OUT.png X Y WIDTH HEIGHT [SCALE-TO-W SCALE-TO-H]
 * (IN resized to SCALE-TO first) for the pictures it compares.
 *   detail:    the style loss of the two finest style layers (relu1_1,
 *              relu2_1) of NATIVE (the print run's result) at its size,
 *              over the same of SMALL (a 512 px run's result) scaled up to
 *              that size, both against the print run's style targets (the
 *              style at its working size for the native size);
 *   structure: the content loss (relu4_2) of NATIVE scaled down to SMALL's
 *              size, over that of SMALL, against CONTENT at that size.
 * Prints "print_detail_ratio=…" and "print_structure_ratio=…" with the
 * losses on lines of their own.  The objective runs in tiles within
 * 1024 MiB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_io.h"
#include "image_layout.h"
#include "layer_sets.h"
#include "neural_style.h"
#include "objective.h"
#include "resize.h"

static float *
planar_at (const ns_image *image, int width, int height)
{
  float *own = malloc (sizeof (float) * 3 * (size_t) image->width * image->height);
  float *out = malloc (sizeof (float) * 3 * (size_t) width * height);
  ns_error err;
  if (!own || !out)
    abort ();
  ns_image_to_planar_rgb (image, own);
  if (ns_resize_planar (own, 3, image->width, image->height, out, width, height, &err) != NS_OK)
    {
      fprintf (stderr, "bench-print-eval: %s\n", err.message);
      exit (1);
    }
  free (own);
  return out;
}

/* The unweighted losses of x under layers, in tiles. */
static void
losses (const ns_weights *weights, const ns_objective_layers *layers, const float *content,
        const float *style, int sw, int sh, const float *x, int width, int height,
        double *content_loss, double *style_loss)
{
  const ns_objective_style target = { style, sw, sh, 1.0 };
  const ns_tile_request tiles = { .budget = (size_t) 1024 << 20 };
  ns_objective obj;
  ns_error err;
  if (ns_objective_init_tiled (&obj, weights, layers, content, width, height, &target, 1, 1.0, 1.0,
                               0.0, NULL, &tiles, NULL, &err) != NS_OK)
    {
      fprintf (stderr, "bench-print-eval: %s\n", err.message);
      exit (1);
    }
  ns_objective_evaluate (&obj, x, NULL);
  *content_loss = obj.content_loss;
  *style_loss = obj.style_loss;
  ns_objective_clear (&obj);
}

static int
save (const char *path, const float *rgb, int width, int height)
{
  ns_image out;
  ns_error err;
  if (ns_image_alloc (&out, width, height, 3, &err) != NS_OK)
    return 1;
  ns_image_from_planar_rgb (&out, rgb, NULL);
  const int failed = image_save_png (path, &out, &err) != NS_OK;
  if (failed)
    fprintf (stderr, "bench-print-eval: %s\n", err.message);
  ns_image_clear (&out);
  return failed;
}

static int
resize_or_crop (int argc, char **argv)
{
  ns_image in;
  ns_error err;
  if (image_load (argv[2], &in, &err) != NS_OK)
    {
      fprintf (stderr, "bench-print-eval: %s\n", err.message);
      return 1;
    }
  int status = 2;
  if (strcmp (argv[1], "resize") == 0 && argc == 5)
    {
      const int longest = atoi (argv[4]), own = in.width > in.height ? in.width : in.height;
      const int w = (int) ((double) in.width * longest / own + 0.5);
      const int h = (int) ((double) in.height * longest / own + 0.5);
      float *rgb = planar_at (&in, w, h);
      status = save (argv[3], rgb, w, h);
      free (rgb);
    }
  else if (strcmp (argv[1], "crop") == 0 && (argc == 8 || argc == 10))
    {
      const int x0 = atoi (argv[4]), y0 = atoi (argv[5]), cw = atoi (argv[6]), ch = atoi (argv[7]);
      const int w = argc == 10 ? atoi (argv[8]) : in.width;
      const int h = argc == 10 ? atoi (argv[9]) : in.height;
      float *rgb = planar_at (&in, w, h), *crop = malloc (sizeof (float) * 3 * cw * ch);
      for (int c = 0; c < 3; c++)
        for (int y = 0; y < ch; y++)
          memcpy (crop + ((size_t) c * ch + y) * cw, rgb + ((size_t) c * h + y0 + y) * w + x0,
                  sizeof (float) * cw);
      status = save (argv[3], crop, cw, ch);
      free (rgb);
      free (crop);
    }
  ns_image_clear (&in);
  return status;
}

int
main (int argc, char **argv)
{
  if (argc > 1 && (strcmp (argv[1], "resize") == 0 || strcmp (argv[1], "crop") == 0))
    return resize_or_crop (argc, argv);
  if (argc != 6)
    {
      fprintf (stderr, "usage: bench-print-eval WEIGHTS CONTENT STYLE NATIVE SMALL\n");
      return 2;
    }
  ns_weights weights;
  ns_image content, style, native, small;
  ns_error err;
  ns_params params;
  ns_params_init (&params);
  if (ns_weights_load (&weights, argv[1], ns_conv_count_needed (&params), &err) != NS_OK ||
      image_load (argv[2], &content, &err) != NS_OK || image_load (argv[3], &style, &err) != NS_OK ||
      image_load (argv[4], &native, &err) != NS_OK || image_load (argv[5], &small, &err) != NS_OK)
    {
      fprintf (stderr, "bench-print-eval: %s\n", err.message);
      return 1;
    }
  const int nw = native.width, nh = native.height;
  const int longest = nw > nh ? nw : nh;

  /* detail: the two finest style layers at the native size */
  ns_objective_layers fine = ns_layer_set_layers (&params);
  fine.content_layer = -1;
  fine.style_layer_count = 2;
  fine.style_layer_weights[0] = fine.style_layer_weights[1] = 1.0;
  int sw, sh;
  if (ns_style_working_size (&params, style.width, style.height, longest, &sw, &sh, &err) != NS_OK)
    {
      fprintf (stderr, "bench-print-eval: %s\n", err.message);
      return 1;
    }
  float *style_rgb = planar_at (&style, sw, sh);
  float *native_rgb = planar_at (&native, nw, nh);
  double unused, native_detail, small_detail;
  losses (&weights, &fine, native_rgb, style_rgb, sw, sh, native_rgb, nw, nh, &unused,
          &native_detail);
  float *small_up = planar_at (&small, nw, nh);
  losses (&weights, &fine, native_rgb, style_rgb, sw, sh, small_up, nw, nh, &unused, &small_detail);
  free (small_up);
  free (native_rgb);
  free (style_rgb);

  /* structure: the content layer at the small result's size */
  const ns_objective_layers all = ns_layer_set_layers (&params);
  const int w = small.width, h = small.height;
  float *content_rgb = planar_at (&content, w, h);
  float *native_down = planar_at (&native, w, h);
  float *small_rgb = planar_at (&small, w, h);
  if (ns_style_working_size (&params, style.width, style.height, w > h ? w : h, &sw, &sh, &err) !=
      NS_OK)
    return 1;
  style_rgb = planar_at (&style, sw, sh);
  double native_structure, small_structure;
  losses (&weights, &all, content_rgb, style_rgb, sw, sh, native_down, w, h, &native_structure,
          &unused);
  losses (&weights, &all, content_rgb, style_rgb, sw, sh, small_rgb, w, h, &small_structure, &unused);

  printf ("detail_style_loss_native=%.6g\ndetail_style_loss_small_upscaled=%.6g\n", native_detail,
          small_detail);
  printf ("structure_content_loss_native_downscaled=%.6g\nstructure_content_loss_small=%.6g\n",
          native_structure, small_structure);
  printf ("print_detail_ratio=%.4f\nprint_structure_ratio=%.4f\n", native_detail / small_detail,
          native_structure / small_structure);
  free (content_rgb);
  free (native_down);
  free (small_rgb);
  free (style_rgb);
  ns_image_clear (&content);
  ns_image_clear (&style);
  ns_image_clear (&native);
  ns_image_clear (&small);
  ns_weights_clear (&weights);
  return 0;
}
