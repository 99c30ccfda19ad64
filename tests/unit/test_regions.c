/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A style per region and a region to keep, with the real VGG19 weights
 * (NEURAL_STYLE_TEST_WEIGHTS, the samples in NEURAL_STYLE_TEST_SAMPLES):
 *  - tubingen with starry_night in its top part and the_scream in its
 *    bottom part, and again with the two swapped: in each run, each part's
 *    Gram statistics end closer to its own style's than to the other's;
 *  - a disc of tubingen kept (keep-strength 10) changes less than the same
 *    disc in the same run without it.
 * Figures are printed; the pictures are written for eyeballing, and side by
 * side in regions-sheet.png (the content, the two region runs, the run
 * without and with the disc kept, the disc outlined).  Without
 * the weights or samples the test reports itself skipped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image_io.h"
#include "image_layout.h"
#include "layer_sets.h"
#include "neural_style.h"
#include "objective.h"
#include "resize.h"
#include "tap.h"

#define SIZE 192
#define ITERATIONS 40
/* the top part ends, and the bottom part begins, at these shares of the
 * height; the soft edge of the masks lies between them */
#define TOP_END 0.4
#define BOTTOM_BEGIN 0.6

/* A 1-channel mask of width x height: 1 above y = edge * height (soft over
 * a few pixels), or below it when below is set. */
static ns_status
band_mask (int width, int height, double edge, int below, ns_image *mask, ns_error *err)
{
  ns_status status = ns_image_alloc (mask, width, height, 1, err);
  for (int y = 0; status == NS_OK && y < height; y++)
    {
      const double above = 1.0 / (1.0 + exp ((y - edge * height) / (0.01 * height)));
      for (int x = 0; x < width; x++)
        mask->data[(size_t) y * width + x] = (float) (below ? 1.0 - above : above);
    }
  return status;
}

/* The disc kept: a circle in the middle of the right half. */
static int
in_disc (int x, int y, int width, int height)
{
  return hypot (x - 0.7 * width, y - 0.55 * height) < 0.18 * height;
}

/* The pictures of the runs, side by side. */
#define SHEET_CELLS 5
#define SHEET_GAP 4
typedef struct
{
  ns_image cells[SHEET_CELLS];
  int count;
} picture_sheet;

/* Takes image into the sheet (image is left empty), or clears it when the
 * sheet is full. */
static void
sheet_take (picture_sheet *sheet, ns_image *image)
{
  if (sheet->count < SHEET_CELLS)
    sheet->cells[sheet->count++] = *image;
  else
    ns_image_clear (image);
  memset (image, 0, sizeof *image);
}

/* Writes the sheet's pictures in a row on white, and frees them. */
static void
sheet_write (picture_sheet *sheet, const char *path)
{
  int width = 0, height = 0;
  for (int i = 0; i < sheet->count; i++)
    {
      width += sheet->cells[i].width + (i ? SHEET_GAP : 0);
      if (sheet->cells[i].height > height)
        height = sheet->cells[i].height;
    }
  ns_image canvas;
  ns_error err;
  if (sheet->count > 0 && ns_image_alloc (&canvas, width, height, 3, &err) == NS_OK)
    {
      for (size_t i = 0; i < (size_t) width * height * 3; i++)
        canvas.data[i] = 1.0f;
      for (int i = 0, left = 0; i < sheet->count; left += sheet->cells[i].width + SHEET_GAP, i++)
        for (int y = 0; y < sheet->cells[i].height; y++)
          memcpy (canvas.data + ((size_t) y * width + left) * 3,
                  sheet->cells[i].data + (size_t) y * sheet->cells[i].width * 3,
                  sizeof (float) * 3 * sheet->cells[i].width);
      if (image_save_png (path, &canvas, &err) == NS_OK)
        tap_note ("wrote %s", path);
      ns_image_clear (&canvas);
    }
  for (int i = 0; i < sheet->count; i++)
    ns_image_clear (&sheet->cells[i]);
  sheet->count = 0;
}

/* planar RGB of rows [y0, y1) of an image, resized so that its longest
 * side is longest (the whole image's, as the run works it). */
static float *
planar_rows (const ns_image *image, int y0, int y1, int longest, int *width, int *height)
{
  const double scale = (double) longest /
                       (image->width > image->height ? image->width : image->height);
  *width = (int) lround (image->width * scale);
  *height = (int) lround ((y1 - y0) * scale);
  float *rgb = malloc (sizeof (float) * 3 * (size_t) *width * *height);
  ns_error err;
  if (rgb &&
      ns_resize_interleaved_to_planar (image->data + (size_t) y0 * image->width * image->channels,
                                       image->channels, 3, image->width, y1 - y0, rgb, *width,
                                       *height, &err) != NS_OK)
    {
      free (rgb);
      rgb = NULL;
    }
  return rgb;
}

/* The style loss (paper layers, default layer weights) of a part of
 * picture against a style image, both at the run's working size. */
static double
style_distance (const ns_weights *weights, const ns_image *picture, int y0, int y1,
                const ns_image *style)
{
  ns_params params;
  ns_params_init (&params);
  const ns_objective_layers layers = ns_layer_set_layers (&params);
  int w, h, sw, sh;
  float *part = planar_rows (picture, y0, y1, SIZE, &w, &h);
  float *style_rgb = planar_rows (style, 0, style->height, SIZE, &sw, &sh);
  double distance = NAN;
  ns_objective obj;
  ns_error err;
  const ns_objective_style target = { style_rgb, sw, sh, 1.0 };
  if (part && style_rgb &&
      ns_objective_init (&obj, weights, &layers, part, w, h, &target, 1, 1.0, 1.0, 0.0, NULL,
                         &err) == NS_OK)
    {
      ns_objective_evaluate (&obj, part, NULL);
      distance = obj.style_loss;
      ns_objective_clear (&obj);
    }
  free (part);
  free (style_rgb);
  return distance;
}

/* Mean absolute change from content to result over the disc (inside) or
 * the rest. */
static double
mean_change (const ns_image *content, const ns_image *result, int inside)
{
  double sum = 0.0;
  size_t count = 0;
  for (int y = 0; y < content->height; y++)
    for (int x = 0; x < content->width; x++)
      if (in_disc (x, y, content->width, content->height) == inside)
        {
          const size_t i = ((size_t) y * content->width + x) * content->channels;
          for (int c = 0; c < 3; c++)
            sum += fabs (result->data[i + c] - content->data[i + c]);
          count += 3;
        }
  return sum / count;
}

/* The photo at the working size: the runs' changes are then the
 * painting's alone, not resampling's. */
static int
working_copy (const ns_image *photo, ns_image *copy, ns_error *err)
{
  int w, h;
  float *rgb = planar_rows (photo, 0, photo->height, SIZE, &w, &h);
  if (!rgb || ns_image_alloc (copy, w, h, 3, err) != NS_OK)
    {
      free (rgb);
      return 0;
    }
  ns_image_from_planar_rgb (copy, rgb, NULL);
  free (rgb);
  return 1;
}

static ns_progress_reply
quiet (const ns_progress *progress, void *user_data)
{
  return NS_PROGRESS_CONTINUE;
}

/* A run of tubingen (at SIZE) with the given styles and region to keep;
 * writes the result to out. */
static int
run (const ns_weights *weights, const ns_image *content, const ns_image *keep,
     const ns_style *styles, int style_count, const char *out, ns_image *result)
{
  ns_params params;
  ns_params_init (&params);
  params.max_size = SIZE;
  params.iterations = ITERATIONS;
  ns_error err;
  const ns_request request = { .content = content,
                               .styles = styles,
                               .style_count = style_count,
                               .keep = keep,
                               .params = &params,
                               .progress = quiet };
  if (ns_stylize (weights, &request, result, &err) != NS_OK)
    {
      tap_note ("ns_stylize: %s", err.message);
      return 0;
    }
  if (image_save_png (out, result, &err) == NS_OK)
    tap_note ("wrote %s", out);
  return 1;
}

/* Two styles in two parts of the content: each part's statistics end
 * nearer its own style's. */
static void
test_two_regions (const ns_weights *weights, const ns_image *content, const ns_image *top_style,
                  const char *top_name, const ns_image *bottom_style, const char *bottom_name,
                  picture_sheet *sheet)
{
  ns_image top, bottom, result = { 0 };
  ns_error err;
  if (band_mask (37, 29, TOP_END + 0.1, 0, &top, &err) != NS_OK ||
      band_mask (content->width, content->height, TOP_END + 0.1, 1, &bottom, &err) != NS_OK)
    {
      tap_check (0, "masks: %s", err.message);
      return;
    }
  /* the top region given small (it is stretched to the content), the
   * bottom one at the content's size */
  const ns_style styles[2] = { { top_style, 1.0, &top }, { bottom_style, 1.0, &bottom } };
  char out[256];
  snprintf (out, sizeof out, "regions-%s-top-%s-bottom.png", top_name, bottom_name);
  if (!tap_check (run (weights, content, NULL, styles, 2, out, &result),
                  "%s above, %s below: a run", top_name, bottom_name))
    return;
  const int h = result.height, top_rows = (int) (TOP_END * h), bottom_row = (int) (BOTTOM_BEGIN * h);
  const double top_own = style_distance (weights, &result, 0, top_rows, top_style);
  const double top_other = style_distance (weights, &result, 0, top_rows, bottom_style);
  const double bottom_own = style_distance (weights, &result, bottom_row, h, bottom_style);
  const double bottom_other = style_distance (weights, &result, bottom_row, h, top_style);
  const double content_top_own = style_distance (weights, content, 0, top_rows, top_style);
  const double content_top_other = style_distance (weights, content, 0, top_rows, bottom_style);
  const double content_bottom_own = style_distance (weights, content, bottom_row, h, bottom_style);
  const double content_bottom_other = style_distance (weights, content, bottom_row, h, top_style);
  tap_note ("style loss of the top part against %s %.4g, against %s %.4g (the content's: %.4g, "
            "%.4g)",
            top_name, top_own, bottom_name, top_other, content_top_own, content_top_other);
  tap_note ("style loss of the bottom part against %s %.4g, against %s %.4g (the content's: "
            "%.4g, %.4g)",
            bottom_name, bottom_own, top_name, bottom_other, content_bottom_own,
            content_bottom_other);
  tap_check (top_own < top_other, "%s above, %s below: the top part is nearer %s (%.4g < %.4g)",
             top_name, bottom_name, top_name, top_own, top_other);
  tap_check (bottom_own < bottom_other,
             "%s above, %s below: the bottom part is nearer %s (%.4g < %.4g)", top_name,
             bottom_name, bottom_name, bottom_own, bottom_other);
  sheet_take (sheet, &result);
  ns_image_clear (&top);
  ns_image_clear (&bottom);
}

/* Marks the kept disc's edge in white dots, for the sheet. */
static void
outline_disc (ns_image *image)
{
  for (int y = 1; y + 1 < image->height; y++)
    for (int x = 1; x + 1 < image->width; x++)
      if (in_disc (x, y, image->width, image->height) &&
          !(in_disc (x - 1, y, image->width, image->height) &&
            in_disc (x + 1, y, image->width, image->height) &&
            in_disc (x, y - 1, image->width, image->height) &&
            in_disc (x, y + 1, image->width, image->height)) &&
          (x + y) % 3 == 0)
        for (int c = 0; c < 3; c++)
          image->data[((size_t) y * image->width + x) * 3 + c] = 1.0f;
}

/* A disc kept changes less than in the same run without it. */
static void
test_keep (const ns_weights *weights, const ns_image *content, const ns_image *style,
           picture_sheet *sheet)
{
  ns_image keep, plain = { 0 }, kept = { 0 };
  ns_error err;
  if (ns_image_alloc (&keep, content->width, content->height, 1, &err) != NS_OK)
    {
      tap_check (0, "keep mask: %s", err.message);
      return;
    }
  for (int y = 0; y < content->height; y++)
    for (int x = 0; x < content->width; x++)
      keep.data[(size_t) y * content->width + x] = in_disc (x, y, content->width, content->height);
  const ns_style styles[1] = { { style, 1.0, NULL } };
  if (tap_check (run (weights, content, NULL, styles, 1, "keep-none.png", &plain),
                 "keep: a run without a region to keep") &&
      tap_check (run (weights, content, &keep, styles, 1, "keep-disc.png", &kept),
                 "keep: a run keeping a disc"))
    {
      const double plain_in = mean_change (content, &plain, 1),
                   kept_in = mean_change (content, &kept, 1);
      const double plain_out = mean_change (content, &plain, 0),
                   kept_out = mean_change (content, &kept, 0);
      tap_note ("mean change in the disc %.4f without keeping it, %.4f keeping it; elsewhere %.4f "
                "and %.4f",
                plain_in, kept_in, plain_out, kept_out);
      tap_check (kept_in < 0.7 * plain_in,
                 "the kept disc changes less than 0.7 times as much as without (%.4f vs %.4f)",
                 kept_in, plain_in);
      tap_check (kept_out > 0.7 * plain_out,
                 "outside it the picture is still painted (change %.4f vs %.4f without)", kept_out,
                 plain_out);
      outline_disc (&kept);
      sheet_take (sheet, &plain);
      sheet_take (sheet, &kept);
    }
  ns_image_clear (&plain);
  ns_image_clear (&kept);
  ns_image_clear (&keep);
}

int
main (void)
{
  const char *weights_path = getenv ("NEURAL_STYLE_TEST_WEIGHTS");
  const char *samples = getenv ("NEURAL_STYLE_TEST_SAMPLES");
  if (!weights_path || access (weights_path, R_OK) != 0)
    return tap_skip_all ("no real weights at %s", weights_path && *weights_path ?
                                                      weights_path :
                                                      "(NEURAL_STYLE_TEST_WEIGHTS empty or unset)");
  char content_path[4096], starry_path[4096], scream_path[4096];
  snprintf (content_path, sizeof content_path, "%s/tubingen.jpg", samples ? samples : ".");
  snprintf (starry_path, sizeof starry_path, "%s/starry_night.jpg", samples ? samples : ".");
  snprintf (scream_path, sizeof scream_path, "%s/the_scream.jpg", samples ? samples : ".");
  if (access (content_path, R_OK) != 0 || access (starry_path, R_OK) != 0 ||
      access (scream_path, R_OK) != 0)
    return tap_skip_all ("no sample images at %s",
                         samples ? samples : "(NEURAL_STYLE_TEST_SAMPLES unset)");

  ns_params params;
  ns_params_init (&params);
  ns_error err = { 0 };
  ns_weights weights;
  ns_image photo, content = { 0 }, starry, scream;
  if (ns_weights_load (&weights, weights_path, ns_conv_count_needed (&params), &err) != NS_OK ||
      image_load (content_path, &photo, &err) != NS_OK || !working_copy (&photo, &content, &err) ||
      image_load (starry_path, &starry, &err) != NS_OK ||
      image_load (scream_path, &scream, &err) != NS_OK)
    {
      tap_check (0, "%s", err.message);
      return tap_done ();
    }
  picture_sheet sheet = { .count = 0 };
  ns_image content_cell;
  if (ns_image_alloc (&content_cell, content.width, content.height, 3, &err) == NS_OK)
    {
      memcpy (content_cell.data, content.data, sizeof (float) * 3 * content.width * content.height);
      sheet_take (&sheet, &content_cell);
    }
  test_two_regions (&weights, &content, &starry, "starry_night", &scream, "the_scream", &sheet);
  test_two_regions (&weights, &content, &scream, "the_scream", &starry, "starry_night", &sheet);
  test_keep (&weights, &content, &starry, &sheet);
  sheet_write (&sheet, "regions-sheet.png");

  ns_image_clear (&photo);
  ns_image_clear (&content);
  ns_image_clear (&starry);
  ns_image_clear (&scream);
  ns_weights_clear (&weights);
  return tap_done ();
}
