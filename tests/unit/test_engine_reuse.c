/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An engine run many times (a dialog's preview): its second run with the
 * same styles takes the style targets it kept instead of computing them,
 * with the result a fresh run has; other styles are computed anew.  A
 * start picture is where the first scale starts, or, given as the result
 * of the first scales, where the next goes on.  A run with a pixel term (a
 * frame of an animation) reuses the targets, and gives the fresh run's
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

/* What a run's progress reports: how many iterations it ran, at which
 * scale first, and its pictures at the end of the scale asked for and of
 * the last. */
typedef struct
{
  int keep_scale;
  int iterations, first_scale;
  ns_image kept, last;
} counted;

static ns_progress_reply
count_iterations (const ns_progress *progress, void *data)
{
  counted *c = data;
  if (!progress->planar_rgb)
    return NS_PROGRESS_CONTINUE;
  if (c->iterations++ == 0)
    c->first_scale = progress->scale;
  if (progress->scale == c->keep_scale)
    {
      ns_image_clear (&c->kept);
      ns_progress_snapshot (progress, 0, &c->kept, NULL);
    }
  if (progress->scale == progress->scales)
    {
      ns_image_clear (&c->last);
      ns_progress_snapshot (progress, 0, &c->last, NULL);
    }
  return NS_PROGRESS_CONTINUE;
}

/* A run given the result of its first scales (start_done) skips them and
 * gives exactly the full run's result: from the picture of the scale
 * (clamped, as the full run clamps it before upsampling) it runs the same
 * operations on the same inputs in the same order.  A run whose working
 * size is one of the scales paints those scales alone, exactly (a
 * preview's picture to go on from). */
static void
test_done_scales (const ns_weights *weights)
{
  ns_image content = waves (128, 96, 0.8), style = waves (60, 50, 1.9);
  ns_image full = { 0 }, resumed = { 0 }, finished = { 0 }, prefix = { 0 }, refused = { 0 };
  ns_image odd = waves (50, 37, 2.2);
  ns_error err = { 0 };
  ns_params p, small;
  ns_params_init (&p);
  p.multi_scale = 1;
  p.min_scale_size = 32;
  p.max_size = 128; /* scales of 32, 64 and 128 px */
  p.iterations = 3;
  small = p;
  small.max_size = 64;
  const ns_style styles[1] = { { &style, 1.0, NULL } };
  counted c_full = { .keep_scale = 2 }, c_resumed = { 0 }, c_finished = { 0 },
          c_prefix = { .keep_scale = 2 };
  ns_request request = { .content = &content,
                         .styles = styles,
                         .style_count = 1,
                         .params = &p,
                         .progress = count_iterations,
                         .user_data = &c_full };
  ns_status status = ns_stylize (weights, &request, &full, &err);
  request.start = &c_full.kept;
  request.start_done = 1;
  request.user_data = &c_resumed;
  if (status == NS_OK)
    status = ns_stylize (weights, &request, &resumed, &err);
  request.start = &c_full.last;
  request.user_data = &c_finished;
  if (status == NS_OK)
    status = ns_stylize (weights, &request, &finished, &err);
  const ns_request small_request = { .content = &content,
                                     .styles = styles,
                                     .style_count = 1,
                                     .params = &small,
                                     .progress = count_iterations,
                                     .user_data = &c_prefix };
  if (status == NS_OK)
    status = ns_stylize (weights, &small_request, &prefix, &err);
  if (!tap_check (status == NS_OK && c_full.kept.data && c_full.last.data && c_prefix.kept.data,
                  "runs from the finished scales of another (%s)",
                  status == NS_OK ? "ok" : err.message))
    return;
  tap_note ("iterations: %d in the full run, %d after its first 2 scales, %d after all 3",
            c_full.iterations, c_resumed.iterations, c_finished.iterations);
  tap_check (c_full.kept.width == 64 && c_full.kept.height == 48,
             "the second scale's picture is 64x48 (%dx%d)", c_full.kept.width, c_full.kept.height);
  tap_check (images_identical (&resumed, &full),
             "a run from the second scale's picture gives exactly the full run's result");
  tap_check (c_resumed.first_scale == 3 && c_resumed.iterations > 0 &&
                 c_resumed.iterations < c_full.iterations,
             "and runs only the third scale: %d of the full run's %d iterations, from scale %d",
             c_resumed.iterations, c_full.iterations, c_resumed.first_scale);
  tap_check (images_identical (&finished, &full) && c_finished.iterations == 0,
             "a run from the last scale's picture runs no iteration (%d) and gives the full "
             "run's result",
             c_finished.iterations);
  tap_check (images_identical (&c_prefix.kept, &c_full.kept),
             "a run at the second scale's working size (64) paints exactly the full run's first "
             "2 scales");

  request.start = &odd;
  request.user_data = &c_finished;
  status = ns_stylize (weights, &request, &refused, &err);
  tap_check (status == NS_ERROR_ARGUMENT && strstr (err.message, "50x37") && !refused.data,
             "a finished start picture of no scale's size (50x37) is refused, naming its size");
  ns_image *owned[] = { &full,          &resumed,       &finished,    &prefix,
                        &odd,           &c_full.kept,   &c_full.last, &c_resumed.last,
                        &c_prefix.kept, &c_prefix.last, &content,     &style };
  for (size_t k = 0; k < sizeof owned / sizeof owned[0]; k++)
    ns_image_clear (owned[k]);
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
      test_done_scales (&weights);
      ns_weights_clear (&weights);
    }
  return tap_done ();
}
