/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An engine run many times (a dialog's preview): its second run with the
 * same styles takes the style targets it kept instead of computing them,
 * with the result a fresh run has; other styles are computed anew.  A
 * start picture is where the first scale starts.  A run with a pixel term
 * (a frame of an animation) reuses the targets, and gives the fresh run's
 * result.  Synthetic weights. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "neural_style.h"
#include "synthetic_weights.h"
#include "tap.h"
#include "test_images.h"

/* An RGB picture of waves, different for each seed. */
static ns_image
waves (int width, int height, double seed)
{
  ns_image image = { 0 };
  ns_image_alloc (&image, width, height, 3, NULL);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        image.data[((size_t) y * width + x) * 3 + c] =
            (float) (0.5 + 0.45 * cos (seed + 0.17 * (c + 2) * x) * sin (0.11 * (y + seed * c)));
  return image;
}

static void
test_targets_kept (const ns_weights *weights)
{
  ns_image content = waves (56, 44, 0.3), style = waves (50, 60, 1.9), other = waves (44, 44, 4.1);
  ns_image fresh = { 0 }, first = { 0 }, second = { 0 }, changed = { 0 }, changed_fresh = { 0 };
  ns_error err = { 0 };
  ns_params p;
  two_scale_params (&p, 2);
  const ns_style styles[1] = { { &style, 1.0, NULL } };
  const ns_style others[2] = { { &style, 1.0, NULL }, { &other, 0.5, NULL } };
  const ns_request request = { .content = &content, .styles = styles, .style_count = 1, .params = &p };
  const ns_request blended = { .content = &content, .styles = others, .style_count = 2, .params = &p };
  ns_engine *engine = NULL;
  ns_status status = ns_stylize (weights, &request, &fresh, &err);
  if (status == NS_OK)
    status = ns_engine_new (weights, &engine, &err);
  if (status == NS_OK)
    status = ns_engine_run (engine, &request, &first, &err);
  const int made_first = engine ? ns_engine_targets_made (engine) : -1;
  if (status == NS_OK)
    status = ns_engine_run (engine, &request, &second, &err);
  const int made_second = engine ? ns_engine_targets_made (engine) : -1;
  if (status == NS_OK)
    status = ns_engine_run (engine, &blended, &changed, &err);
  const int made_changed = engine ? ns_engine_targets_made (engine) : -1;
  if (status == NS_OK)
    status = ns_stylize (weights, &blended, &changed_fresh, &err);
  if (!tap_check (status == NS_OK, "an engine runs three requests (%s)",
                  status == NS_OK ? "ok" : err.message))
    return;
  tap_check (made_first == 2, "the first run computes the targets of its 2 scales (%d)", made_first);
  tap_check (made_second == made_first,
             "the second run with the same styles computes none (%d in all)", made_second);
  tap_check (images_identical (&first, &fresh) && images_identical (&second, &fresh),
             "both engine runs give exactly the result of ns_stylize");
  tap_check (made_changed == made_first + 2,
             "a run with another blend of styles computes its 2 scales' targets anew (%d in all)",
             made_changed);
  tap_check (images_identical (&changed, &changed_fresh) && !images_identical (&changed, &fresh),
             "and gives the fresh run's result, not the former styles'");
  ns_engine_free (engine);
  ns_image_clear (&fresh);
  ns_image_clear (&first);
  ns_image_clear (&second);
  ns_image_clear (&changed);
  ns_image_clear (&changed_fresh);
  ns_image_clear (&content);
  ns_image_clear (&style);
  ns_image_clear (&other);
}

/* Frames of an animation through one engine: the second frame, pulled
 * towards the first's result by a pixel term, takes the kept targets and
 * gives what ns_stylize gives it. */
static void
test_pixel_term (const ns_weights *weights)
{
  ns_image content = waves (56, 44, 0.3), next = waves (56, 44, 0.4), style = waves (50, 60, 1.9);
  ns_image first = { 0 }, second = { 0 }, fresh = { 0 }, unpulled = { 0 };
  ns_error err = { 0 };
  ns_params p;
  two_scale_params (&p, 2);
  const ns_style styles[1] = { { &style, 1.0, NULL } };
  ns_request request = { .content = &content, .styles = styles, .style_count = 1, .params = &p };
  ns_engine *engine = NULL;
  ns_status status = ns_engine_new (weights, &engine, &err);
  if (status == NS_OK)
    status = ns_engine_run (engine, &request, &first, &err);
  request.content = &next;
  request.start = &first;
  if (status == NS_OK)
    status = ns_stylize (weights, &request, &unpulled, &err);
  request.pixel_term = (ns_pixel_term) { .weight = 10.0, .target = &first };
  if (status == NS_OK)
    status = ns_engine_run (engine, &request, &second, &err);
  const int made = engine ? ns_engine_targets_made (engine) : -1;
  if (status == NS_OK)
    status = ns_stylize (weights, &request, &fresh, &err);
  if (tap_check (status == NS_OK, "two frames through an engine, the second with a pixel term (%s)",
                 status == NS_OK ? "ok" : err.message))
    {
      tap_check (made == 2, "the second frame takes the first's targets (%d made in all)", made);
      tap_check (images_identical (&second, &fresh) && !images_identical (&second, &unpulled),
                 "and gives ns_stylize's result with the term, not the one from the same start "
                 "without it");
    }
  ns_engine_free (engine);
  ns_image_clear (&first);
  ns_image_clear (&second);
  ns_image_clear (&fresh);
  ns_image_clear (&unpulled);
  ns_image_clear (&content);
  ns_image_clear (&next);
  ns_image_clear (&style);
}

static void
test_start_picture (const ns_weights *weights)
{
  ns_image content = waves (56, 44, 0.3), style = waves (50, 60, 1.9), start = waves (30, 20, 2.7);
  ns_image from_content = { 0 }, from_itself = { 0 }, from_start = { 0 };
  ns_error err = { 0 };
  ns_params p;
  two_scale_params (&p, 2);
  const ns_style styles[1] = { { &style, 1.0, NULL } };
  ns_request request = { .content = &content, .styles = styles, .style_count = 1, .params = &p };
  p.init = NS_INIT_CONTENT;
  ns_status status = ns_stylize (weights, &request, &from_content, &err);
  /* noise would be the start without the picture */
  p.init = NS_INIT_NOISE;
  request.start = &content;
  if (status == NS_OK)
    status = ns_stylize (weights, &request, &from_itself, &err);
  request.start = &start;
  if (status == NS_OK)
    status = ns_stylize (weights, &request, &from_start, &err);
  if (!tap_check (status == NS_OK, "runs with start pictures (%s)",
                  status == NS_OK ? "ok" : err.message))
    return;
  tap_check (images_identical (&from_itself, &from_content),
             "starting from the content picture is starting from the content");
  tap_check (!images_identical (&from_start, &from_content),
             "starting from another picture (30x20, stretched) gives another result");

  ns_image_clear (&from_content);
  ns_image_clear (&from_itself);
  ns_image_clear (&from_start);
  ns_image_clear (&content);
  ns_image_clear (&style);
  ns_image_clear (&start);
}

int
main (void)
{
  ns_weights weights;
  const int made = synthetic_weights_make (&weights, NS_VGG19_CONV_COUNT, 5);
  if (tap_check (made, "synthetic weights made"))
    {
      test_targets_kept (&weights);
      test_start_picture (&weights);
      test_pixel_term (&weights);
      ns_weights_clear (&weights);
    }
  return tap_done ();
}
