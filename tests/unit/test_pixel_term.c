/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The request's pixel term (an animation's temporal term) in whole runs,
 * with synthetic weights: a strong term with a mask of 1 ends nearer its
 * target than a run without it; a mask of 0 gives the run without it bit
 * for bit (it adds exactly 0 to the loss and leaves every gradient entry
 * as it is); the progress reports its unweighted value within the total.
 * And the requests it refuses, each with a message naming the problem. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "neural_style.h"
#include "synthetic_weights.h"
#include "tap.h"
#include "test_images.h"

#define WIDTH 56
#define HEIGHT 44

/* The mean squared difference of a's and b's colour channels. */
static double
mean_squared_difference (const ns_image *a, const ns_image *b)
{
  double sum = 0.0;
  const size_t pixels = (size_t) a->width * a->height;
  for (size_t i = 0; i < pixels; i++)
    for (int c = 0; c < 3; c++)
      {
        const double d = a->data[i * a->channels + c] - b->data[i * b->channels + c];
        sum += d * d;
      }
  return sum / (3.0 * pixels);
}

/* What the last progress report of a run said. */
typedef struct
{
  int reports;
  double loss, content_loss, style_loss, temporal_loss;
} last_report;

static ns_progress_reply
remember (const ns_progress *progress, void *user_data)
{
  last_report *last = user_data;
  if (progress->tile == 0)
    {
      last->reports++;
      last->loss = progress->loss;
      last->content_loss = progress->content_loss;
      last->style_loss = progress->style_loss;
      last->temporal_loss = progress->temporal_loss;
    }
  return NS_PROGRESS_CONTINUE;
}

static void
test_runs (const ns_weights *weights)
{
  ns_image content = test_image (WIDTH, HEIGHT, 3, 0.3), style = test_image (40, 50, 3, 1.9);
  ns_image target = test_image (WIDTH, HEIGHT, 4, 2.6);
  ns_image ones = { 0 }, zeros = { 0 };
  ns_image without = { 0 }, pulled = { 0 }, masked_out = { 0 };
  ns_image_alloc (&ones, WIDTH, HEIGHT, 1, NULL);
  ns_image_alloc (&zeros, WIDTH, HEIGHT, 1, NULL);
  for (int i = 0; i < WIDTH * HEIGHT; i++)
    ones.data[i] = 1.0f;
  ns_params p;
  two_scale_params (&p, 6);
  /* the same plan with and without the term's images */
  p.memory_limit = 512;
  const ns_style styles[1] = { { &style, 1.0, NULL } };
  last_report plain = { 0 }, strong = { 0 }, nothing = { 0 };
  ns_request request = { .content = &content,
                         .styles = styles,
                         .style_count = 1,
                         .params = &p,
                         .progress = remember,
                         .user_data = &plain };
  ns_error err = { 0 };
  ns_status status = ns_stylize (weights, &request, &without, &err);
  request.pixel_term = (ns_pixel_term) { .weight = 100.0, .target = &target, .mask = &ones };
  request.user_data = &strong;
  if (status == NS_OK)
    status = ns_stylize (weights, &request, &pulled, &err);
  request.pixel_term.mask = &zeros;
  request.user_data = &nothing;
  if (status == NS_OK)
    status = ns_stylize (weights, &request, &masked_out, &err);
  if (tap_check (status == NS_OK, "runs without a pixel term, with one of mask 1, of mask 0 (%s)",
                 status == NS_OK ? "ok" : err.message))
    {
      const double far = mean_squared_difference (&without, &target);
      const double near = mean_squared_difference (&pulled, &target);
      tap_check (near < 0.5 * far,
                 "a pixel term of weight 100 and mask 1 ends nearer its target: mean squared "
                 "difference %.4g, %.4g without it (at most half asked)",
                 near, far);
      tap_check (images_identical (&masked_out, &without),
                 "a pixel term of mask 0 gives the run without it, bit for bit");
      /* the reported term is the masked mean at the last iterate, within
       * the total; its weight times it is part of the loss */
      tap_check (plain.reports > 0 && plain.temporal_loss == 0.0 && nothing.temporal_loss == 0.0 &&
                     strong.temporal_loss > 0.0 && strong.loss >= 100.0 * strong.temporal_loss &&
                     fabs (strong.loss - strong.content_loss - strong.style_loss -
                           100.0 * strong.temporal_loss) <= 1e-9 * strong.loss,
                 "the progress reports the term unweighted (%.4g; 0 without it or masked out), "
                 "and the loss %.4g is the content's, the style's and 100 times it",
                 strong.temporal_loss, strong.loss);
    }
  ns_image_clear (&without);
  ns_image_clear (&pulled);
  ns_image_clear (&masked_out);
  ns_image_clear (&content);
  ns_image_clear (&style);
  ns_image_clear (&target);
  ns_image_clear (&ones);
  ns_image_clear (&zeros);
}

/* A request with a bad pixel term is refused with NS_ERROR_ARGUMENT, no
 * result, and a message that holds words naming what is wrong: before the
 * weights are looked at (here none). */
static void
test_refusals (void)
{
  ns_image content = test_image (WIDTH, HEIGHT, 3, 0.3), style = test_image (40, 50, 3, 1.9);
  ns_image target = test_image (WIDTH, HEIGHT, 3, 2.6), small = test_image (30, 20, 3, 2.6);
  ns_image grey = { 0 }, mask = { 0 }, small_mask = { 0 },
           colour_mask = test_image (WIDTH, HEIGHT, 3, 1.0);
  ns_image bad_target = test_image (WIDTH, HEIGHT, 3, 2.6);
  ns_image_alloc (&grey, WIDTH, HEIGHT, 1, NULL);
  ns_image_alloc (&mask, WIDTH, HEIGHT, 1, NULL);
  ns_image_alloc (&small_mask, 30, 20, 1, NULL);
  bad_target.data[17] = NAN;
  ns_params p;
  two_scale_params (&p, 2);
  const ns_style styles[1] = { { &style, 1.0, NULL } };
  const struct
  {
    const char *what;
    ns_pixel_term term;
    const char *says;
  } cases[] = {
    { "a target of another size", { 1.0, &small, NULL }, "target is 30x20" },
    { "a target of one channel", { 1.0, &grey, NULL }, "target image is empty or not RGB" },
    { "a target holding NaN", { 1.0, &bad_target, NULL }, "target holds a value that is not" },
    { "a mask of another size", { 1.0, &target, &small_mask }, "mask is 30x20" },
    { "a mask of three channels", { 1.0, &target, &colour_mask }, "more than one channel" },
    { "a mask without a target", { 1.0, NULL, &mask }, "a mask but no target" },
    { "a weight without a target", { 1.0, NULL, NULL }, "a weight but no target" },
    { "a weight that is NaN", { NAN, &target, NULL }, "weight must be a number of 0 or above" },
    { "a negative weight", { -1.0, &target, NULL }, "weight must be a number of 0 or above" },
    { "an infinite weight", { INFINITY, &target, NULL }, "weight must be a number of 0 or above" },
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
    {
      const ns_request request = { .content = &content,
                                   .styles = styles,
                                   .style_count = 1,
                                   .params = &p,
                                   .pixel_term = cases[k].term };
      ns_image result = { 0 };
      ns_error err = { 0 };
      const ns_status status = ns_stylize (NULL, &request, &result, &err);
      tap_check (status == NS_ERROR_ARGUMENT && strstr (err.message, cases[k].says) && !result.data,
                 "%s is refused: %s", cases[k].what,
                 status == NS_ERROR_ARGUMENT ? err.message : "(not refused as an argument)");
      ns_image_clear (&result);
    }
  ns_image_clear (&content);
  ns_image_clear (&style);
  ns_image_clear (&target);
  ns_image_clear (&small);
  ns_image_clear (&grey);
  ns_image_clear (&mask);
  ns_image_clear (&small_mask);
  ns_image_clear (&colour_mask);
  ns_image_clear (&bad_target);
}

int
main (void)
{
  test_refusals ();
  ns_weights weights;
  const int made = synthetic_weights_make (&weights, NS_VGG19_CONV_COUNT, 5);
  if (tap_check (made, "synthetic weights made"))
    test_runs (&weights);
  if (made)
    ns_weights_clear (&weights);
  return tap_done ();
}
