/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-preview WEIGHTS CONTENT STYLE [REPEATS]: the dialog's preview
 * through its worker, driven from a GMainLoop as the dialog drives it
 * (tests/common/preview_harness.h), with the default settings.  The
 * dialog opens (the weights load, the style's targets are made) and its
 * preview finishes; then REPEATS (5) times the style weight changes
 * (between 2 and 1, as a slider's move: the run goes on from the last
 * picture, as the dialog's does), each followed to the finished picture.
 * Prints, as name=value, what the opening took, the resident memory the
 * worker added at its peak and after it was freed, and last the medians
 * over the changes of: the time from the change to the first picture,
 * to the finished one, and the longest gap between the ticks of a 10 ms
 * timer on the main loop while the run was under way. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_io.h"
#include "preview_harness.h"

#define MAX_REPEATS 99
/* generous: a 320 px run takes about a minute on two cores */
#define RUN_TIMEOUT_S 1200.0

static int
by_value (const void *a, const void *b)
{
  const double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values, int count)
{
  qsort (values, count, sizeof *values, by_value);
  return count % 2 ? values[count / 2] : 0.5 * (values[count / 2 - 1] + values[count / 2]);
}

static int
copy_image (const ns_image *from, ns_image *to)
{
  if (ns_image_alloc (to, from->width, from->height, from->channels, NULL) != NS_OK)
    return 0;
  memcpy (to->data, from->data, sizeof (float) * from->width * from->height * from->channels);
  return 1;
}

/* The default settings with style weight beta, over content and style. */
static int
make_input (const ns_image *content, const ns_image *style, double beta, NeuralStyleRunInput *input)
{
  memset (input, 0, sizeof *input);
  ns_params_init (&input->params);
  input->params.style_weight = beta;
  input->style_count = 1;
  input->blends[0] = 1.0;
  return copy_image (content, &input->content) && copy_image (style, &input->style_images[0]);
}

int
main (int argc, char **argv)
{
  ns_image content = { 0 }, style = { 0 };
  ns_error err = { 0 };
  NeuralStyleRunInput input;
  preview_harness h;
  double first[MAX_REPEATS], done[MAX_REPEATS], gap[MAX_REPEATS];
  const int repeats = argc > 4 ? atoi (argv[4]) : 5;

  if (argc < 4 || repeats < 1 || repeats > MAX_REPEATS)
    {
      fprintf (stderr, "usage: bench-preview WEIGHTS CONTENT STYLE [REPEATS]\n");
      return 2;
    }
  if (image_load (argv[2], &content, &err) != NS_OK || image_load (argv[3], &style, &err) != NS_OK)
    {
      fprintf (stderr, "bench-preview: %s\n", err.message);
      return 1;
    }

  const long rss_before = preview_harness_rss_kb ();
  preview_harness_init (&h, argv[1], NULL, 300);
  if (!make_input (&content, &style, 1.0, &input))
    return 1;
  preview_harness_change (&h, &input);
  if (!preview_harness_wait (&h, 0, RUN_TIMEOUT_S))
    {
      fprintf (stderr, "bench-preview: the opening's preview did not finish: %s\n",
               h.error ? h.error : "timed out");
      return 1;
    }
  printf ("preview_open_first_s=%.2f\n", (h.first - h.change) / 1e6);
  printf ("preview_open_done_s=%.2f\n", (h.done - h.change) / 1e6);
  printf ("preview_size=%dx%d\n", h.last.width, h.last.height);
  fflush (stdout);

  for (int i = 0; i < repeats; i++)
    {
      if (!make_input (&content, &style, i % 2 ? 1.0 : 2.0, &input))
        return 1;
      h.max_gap = 0;
      h.last_tick = 0;
      preview_harness_change (&h, &input);
      if (!preview_harness_wait (&h, 0, RUN_TIMEOUT_S) || h.stale)
        {
          fprintf (stderr, "bench-preview: change %d did not finish: %s\n", i + 1,
                   h.error ? h.error :
                   h.stale ? "a replaced run's picture came" :
                             "timed out");
          return 1;
        }
      first[i] = (h.first - h.change) / 1e6;
      done[i] = (h.done - h.change) / 1e6;
      gap[i] = h.max_gap / 1e3;
      fprintf (stderr, "change %d: first %.2f s (scale %d of %d), done %.2f s, main loop %.1f ms\n",
               i + 1, first[i], h.first_scale, h.first_scales, done[i], gap[i]);
    }

  const long rss_peak = h.peak_rss_kb;
  preview_harness_clear (&h);
  const long rss_after = preview_harness_rss_kb ();
  printf ("preview_rss_added_mb=%.0f\n", (rss_peak - rss_before) / 1024.0);
  printf ("preview_rss_after_free_mb=%.0f\n", (rss_after - rss_before) / 1024.0);
  printf ("preview_first_s=%.2f\n", median (first, repeats));
  printf ("preview_done_s=%.2f\n", median (done, repeats));
  printf ("preview_main_loop_max_ms=%.1f\n", median (gap, repeats));
  ns_image_clear (&content);
  ns_image_clear (&style);
  return 0;
}
