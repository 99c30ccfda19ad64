/* SPDX-License-Identifier: GPL-3.0-or-later */
/* With the real VGG19 weights (../shared/weights, via NEURAL_STYLE_TEST_WEIGHTS):
 * tubingen x starry_night at 128 px, 30 iterations, default settings, must at
 * least halve the style loss (from its value after the first iteration)
 * while the content stays recognisable.  Without
 * the file the test reports itself skipped (TAP "1..0 # SKIP"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image_io.h"
#include "neural_style.h"
#include "tap.h"

typedef struct
{
  int reports;
  ns_progress first, last;
} loss_record;

static ns_progress_reply
record_losses (const ns_progress *progress, void *user_data)
{
  loss_record *record = user_data;
  if (record->reports++ == 0)
    record->first = *progress;
  record->last = *progress;
  return NS_PROGRESS_CONTINUE;
}

int
main (void)
{
  const char *weights_path = getenv ("NEURAL_STYLE_TEST_WEIGHTS");
  const char *samples = getenv ("NEURAL_STYLE_TEST_SAMPLES");
  if (!weights_path || access (weights_path, R_OK) != 0)
    {
      return tap_skip_all ("no real weights at %s",
                           weights_path ? weights_path : "(NEURAL_STYLE_TEST_WEIGHTS unset)");
    }
  char content_path[4096], style_path[4096];
  snprintf (content_path, sizeof content_path, "%s/tubingen.jpg", samples ? samples : ".");
  snprintf (style_path, sizeof style_path, "%s/starry_night.jpg", samples ? samples : ".");
  if (access (content_path, R_OK) != 0 || access (style_path, R_OK) != 0)
    {
      return tap_skip_all ("no sample images at %s",
                           samples ? samples : "(NEURAL_STYLE_TEST_SAMPLES unset)");
    }

  ns_error err = { 0 };
  ns_weights weights;
  ns_image content, style, result;
  ns_params params;
  ns_params_init (&params);
  params.max_size = 128;
  params.iterations = 30;
  if (ns_weights_load (&weights, weights_path, ns_conv_count_needed (&params), &err) != NS_OK ||
      image_load (content_path, &content, &err) != NS_OK ||
      image_load (style_path, &style, &err) != NS_OK)
    {
      tap_check (0, "%s", err.message);
      return tap_done ();
    }

  loss_record record = { 0 };
  const ns_style styles[1] = { { &style, 1.0, NULL } };
  ns_request request = { .content = &content, .styles = styles, .style_count = 1 };
  request.params = &params;
  request.progress = record_losses;
  request.user_data = &record;
  ns_status status = ns_stylize (&weights, &request, &result, &err);
  if (status != NS_OK)
    {
      tap_check (0, "ns_stylize: %s", err.message);
      return tap_done ();
    }
  printf ("# style loss %.6g -> %.6g, content loss %.6g -> %.6g over %d iterations "
          "(%d scale(s), default optimiser and weights)\n",
          record.first.style_loss, record.last.style_loss, record.first.content_loss,
          record.last.content_loss, record.reports, record.last.scales);

#define CHECK(cond, what) tap_check ((cond), "%s", what)
  CHECK (record.reports == 30 && record.last.iteration == 30, "30 iterations ran");
  CHECK (record.last.style_loss <= 0.5 * record.first.style_loss, "style loss at least halved");
  CHECK (record.last.content_loss > 0.0 && record.last.content_loss < 1.0,
         "the image moved away from the content, yet its content features stay within 100%");
  CHECK (result.width == content.width && result.height == content.height &&
             result.channels == content.channels,
         "result has the content's size and channels");

  const char *out = "real-weights-tubingen-starry-128.png";
  if (image_save_png (out, &result, &err) == NS_OK)
    printf ("# wrote %s for eyeballing\n", out);

  ns_image_clear (&result);
  ns_image_clear (&content);
  ns_image_clear (&style);
  ns_weights_clear (&weights);
  return tap_done ();
}
