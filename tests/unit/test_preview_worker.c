/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dialog's preview worker driven from a GMainLoop as the dialog drives
 * it (tests/common/preview_harness.h), with synthetic weights: pictures
 * come, one at each scale at least, the last the finished run at the
 * content's size; a new input cancels the run under way, whose pictures
 * never come after; a cancel ends the run within the work between two of
 * the engine's cancel checks (one layer of the network, forward or
 * backward); freeing the worker leaves no thread behind; OK's run gets
 * the preview's picture of the largest scale it shares. */
#include <dirent.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "neural_style.h"
#include "preview_harness.h"
#include "synthetic_weights.h"
#include "tap.h"
#include "vgg19_arch.h"

/* An RGB picture of waves, different for each seed. */
static void
waves (ns_image *image, int width, int height, double seed)
{
  ns_image_alloc (image, width, height, 3, NULL);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        image->data[((size_t) y * width + x) * 3 + c] =
            (float) (0.5 + 0.45 * cos (seed + 0.17 * (c + 2) * x) * sin (0.11 * (y + seed * c)));
}

static void
make_input (NeuralStyleRunInput *input, const ns_params *params, int width, int height)
{
  memset (input, 0, sizeof *input);
  input->params = *params;
  waves (&input->content, width, height, 0.3);
  waves (&input->style_images[0], 50, 60, 1.9);
  input->blends[0] = 1.0;
  input->style_count = 1;
}

/* The threads of this process (Linux), -1 when unknown. */
static int
thread_count (void)
{
  DIR *dir = opendir ("/proc/self/task");
  struct dirent *entry;
  int count = 0;
  if (!dir)
    return -1;
  while ((entry = readdir (dir)))
    count += entry->d_name[0] != '.';
  closedir (dir);
  return count;
}

static int
weights (ns_weights *w)
{
  memset (w, 0, sizeof *w);
  return synthetic_weights_make (w, NS_VGG19_CONV_COUNT, 11);
}

/* The defaults at the content's size, with these. */
static ns_params
params_with (int multi_scale, ns_optimizer optimizer, int iterations)
{
  ns_params p;
  ns_params_init (&p);
  p.max_size = 0;
  p.min_scale_size = 32;
  p.multi_scale = multi_scale;
  p.optimizer = optimizer;
  p.iterations = iterations;
  return p;
}

static void
test_pictures_come (void)
{
  ns_weights w;
  preview_harness h;
  NeuralStyleRunInput input;
  const ns_params p = params_with (1, NS_OPTIMIZER_LBFGS, 3);
  if (!tap_check (weights (&w), "synthetic weights"))
    return;
  preview_harness_init (&h, NULL, &w, 10);
  make_input (&input, &p, 64, 48);
  const int scales = ns_scale_schedule (&input.params, 64, 48, (int[8]) { 0 }, (int[8]) { 0 }, 8);
  preview_harness_change (&h, &input);
  const int done = preview_harness_wait (&h, 0, 600.0);
  tap_check (done && !h.error, "the finished picture comes (%s)", h.error ? h.error : "ok");
  tap_check (h.pictures > scales, "a picture at each of the %d scales and the finished one (%d)",
             scales, h.pictures);
  tap_check (h.first_scale == 1 && h.first_scales == scales,
             "the first picture is the first scale's (%d of %d)", h.first_scale, h.first_scales);
  tap_check (h.last.width == 64 && h.last.height == 48 && h.last.channels == 3,
             "the finished picture has the content's size, RGB (%dx%d, %d channels)", h.last.width,
             h.last.height, h.last.channels);
  tap_check (!h.resumed, "the first run starts afresh");

  /* the weights, the colours, the iterations: the next run goes on from
   * the last picture; any other setting: afresh */
  static const struct
  {
    const char *what;
    size_t offset;
    double value;
    int resumes;
  } changes[] = {
    { "the style weight", offsetof (ns_params, style_weight), 3.0, 1 },
    { "the content weight", offsetof (ns_params, content_weight), 0.5, 1 },
    { "the smoothing", offsetof (ns_params, tv_weight), 0.01, 0 },
    { "the style scale", offsetof (ns_params, style_scale), 0.8, 0 },
  };
  ns_params changed = p;
  for (size_t k = 0; k < sizeof changes / sizeof *changes; k++)
    {
      *(double *) ((char *) &changed + changes[k].offset) = changes[k].value;
      make_input (&input, &changed, 64, 48);
      preview_harness_change (&h, &input);
      const int finished = preview_harness_wait (&h, 0, 600.0);
      tap_check (finished && h.resumed == changes[k].resumes,
                 "after a change of %s the run %s (%s)", changes[k].what,
                 changes[k].resumes ? "goes on from the last picture" : "starts afresh",
                 finished ? (h.resumed ? "went on" : "afresh") : "did not finish");
    }
  changed.colors = NS_COLORS_LUMINANCE;
  changed.iterations = 4;
  make_input (&input, &changed, 64, 48);
  preview_harness_change (&h, &input);
  tap_check (
      preview_harness_wait (&h, 0, 600.0) && h.resumed,
      "after a change of the colours and the iterations the run goes on from the last picture");
  preview_harness_clear (&h);
}

/* After a finished preview, the run OK makes of the same input goes on
 * from the preview's picture at the largest scale the two runs share: of
 * a 400x300 content with scales from 128 px, OK's are 128, 256 and 400,
 * the 320 px preview's 128, 256 and 320, so the picture is the preview's
 * at 256 (192 high).  An input with another setting gets none. */
static void
test_ok_start (void)
{
  ns_weights w;
  preview_harness h;
  NeuralStyleRunInput input;
  ns_params p = params_with (1, NS_OPTIMIZER_LBFGS, 1);
  ns_image start = { 0 };
  p.min_scale_size = 128;
  if (!tap_check (weights (&w), "synthetic weights"))
    return;
  preview_harness_init (&h, NULL, &w, 10);
  make_input (&input, &p, 400, 300);
  preview_harness_change (&h, &input);
  const int done = preview_harness_wait (&h, 0, 600.0);
  tap_check (done && !h.error && h.last.width == 320,
             "the 320 px preview of a 400x300 content finishes (%s, %dx%d)",
             h.error ? h.error : "ok", h.last.width, h.last.height);

  p.style_weight = 2.0;
  make_input (&input, &p, 400, 300);
  tap_check (!neural_style_preview_worker_take_start (h.worker, &input, &start) && !start.data,
             "OK with another style weight gets no picture to go on from");
  neural_style_run_input_clear (&input);
  p.style_weight = 1.0;
  make_input (&input, &p, 400, 300);
  const int taken = neural_style_preview_worker_take_start (h.worker, &input, &start);
  tap_check (taken && start.width == 256 && start.height == 192,
             "OK with the preview's settings goes on from its 256 px scale (%dx%d)", start.width,
             start.height);
  tap_check (!neural_style_preview_worker_busy (h.worker), "and the preview is stopped");
  neural_style_run_input_clear (&input);
  ns_image_clear (&start);
  preview_harness_clear (&h);
}

/* The largest share of one evaluation (every conv up to conv_count
 * forward, then back) that one conv's pass takes: the work between two
 * cancel checks, as a share of an evaluation's. */
static double
largest_layer_share (int conv_count)
{
  double total = 0.0, largest = 0.0;
  for (int i = 0; i < conv_count; i++)
    {
      const double positions = ldexp (1.0, -2 * ns_vgg19_pools_before (i));
      const double work = (double) ns_vgg19_conv_in_channels (i) * ns_vgg19_conv_out_channels (i) *
                          positions;
      total += 2.0 * work; /* forward, and back to its input */
      largest = fmax (largest, work);
    }
  return largest / total;
}

static ns_progress_reply
note_report_time (const ns_progress *progress, void *user_data)
{
  (void) progress;
  *(gint64 *) user_data = g_get_monotonic_time ();
  return NS_PROGRESS_CONTINUE;
}

/* Seconds a single-scale run of iterations iterations takes; *tail: from
 * its last progress report to its end (freeing its buffers, which a
 * cancelled run does too). */
static double
run_seconds (const ns_weights *w, const ns_params *base, int iterations, int width, int height,
             double *tail)
{
  NeuralStyleRunInput input;
  ns_request request;
  ns_image result = { 0 };
  ns_params p = *base;
  gint64 last_report = 0;
  p.iterations = iterations;
  make_input (&input, &p, width, height);
  neural_style_run_input_request (&input, &request);
  request.progress = note_report_time;
  request.user_data = &last_report;
  const gint64 start = g_get_monotonic_time ();
  ns_error err = { 0 };
  const ns_status status = ns_stylize (w, &request, &result, &err);
  const gint64 end = g_get_monotonic_time ();
  const double seconds = (end - start) / 1e6;
  *tail = last_report ? (end - last_report) / 1e6 : seconds;
  ns_image_clear (&result);
  neural_style_run_input_clear (&input);
  return status == NS_OK ? seconds : -1.0;
}

static void
test_restart_and_cancel (void)
{
  enum
  {
    SIDE = 192
  };
  ns_weights w;
  preview_harness h;
  NeuralStyleRunInput input;
  /* Adam: one evaluation an iteration */
  ns_params p = params_with (0, NS_OPTIMIZER_ADAM, 1);
  if (!tap_check (weights (&w), "synthetic weights"))
    return;

  /* the time of an evaluation: of one more iteration */
  double tail2, tail6;
  const double t2 = run_seconds (&w, &p, 2, SIDE, SIDE, &tail2);
  const double t6 = run_seconds (&w, &p, 6, SIDE, SIDE, &tail6);
  const double iteration = (t6 - t2) / 4.0;
  const double tail = fmax (tail2, tail6);
  const double share = largest_layer_share (ns_conv_count_needed (&p));
  /* twice the costliest layer's pass (the check can come just after one
   * starts), a run's end as measured (it frees the scale's buffers: slow
   * under ASan), plus a thread's wake-up on a loaded machine: 50 ms, the
   * main loop's own stall bound */
#ifdef __SANITIZE_ADDRESS__
  /* under a sanitizer a layer's time follows its memory traffic, not its
   * multiply-adds, so the share above does not bound it: one evaluation
   * does (the normal build holds the share's bound) */
  const double between_checks = iteration;
#else
  const double between_checks = 2.0 * share * iteration;
#endif
  const double bound = between_checks + tail + 0.05;
  tap_note ("%dx%d: %.3f s an iteration; the costliest layer's pass %.1f%% of an evaluation; "
            "a run's end %.3f s; cancel bound %.3f s",
            SIDE, SIDE, iteration, 100.0 * share, tail, bound);

  int before = thread_count ();
  preview_harness_init (&h, NULL, &w, 10);
  p.iterations = 1000;
  p.converged_fraction = 0.0; /* each taken: the run lasts until it is changed */
  make_input (&input, &p, SIDE, SIDE);
  preview_harness_change (&h, &input);
  tap_check (preview_harness_wait (&h, 1, 600.0), "the first run's first picture comes");
  const guint replaced = h.generation;

  /* a change: the run under way stops within the bound */
  p.style_weight = 2.0;
  make_input (&input, &p, SIDE, SIDE);
  const gint64 change = g_get_monotonic_time ();
  preview_harness_change (&h, &input);
  const int stopped = neural_style_preview_worker_wait_run (h.worker, change + 600 * G_USEC_PER_SEC);
  const double latency = (g_get_monotonic_time () - change) / 1e6;
  tap_check (stopped && latency <= bound,
             "a change cancels the run under way in %.3f s (bound %.3f s)", latency, bound);
  if (bound >= iteration)
    tap_note (
        "an evaluation is shorter than the bound here: the cancel checks between layers are not "
        "told from one at each iteration's end");
  tap_check (h.generation != replaced, "the change is a new generation");
  tap_check (preview_harness_wait (&h, 1, 600.0) && !h.error,
             "the new run's first picture comes (%s)", h.error ? h.error : "ok");
  tap_check (h.stale == 0, "no picture of the replaced run came after the change (%d)", h.stale);

  /* stop: the run ends within the bound, and no picture comes after */
  const int pictures = h.pictures;
  const gint64 stop = g_get_monotonic_time ();
  neural_style_preview_worker_stop (h.worker);
  const int ended = neural_style_preview_worker_wait_run (h.worker, stop + 600 * G_USEC_PER_SEC);
  const double stop_latency = (g_get_monotonic_time () - stop) / 1e6;
  tap_check (ended && stop_latency <= bound, "stop ends the run in %.3f s (bound %.3f s)",
             stop_latency, bound);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  tap_check (h.pictures == pictures && h.stale == 0,
             "no picture comes after the stop (%d new, %d stale)", h.pictures - pictures, h.stale);
  tap_check (!neural_style_preview_worker_busy (h.worker), "the stopped worker is idle");

  /* free while a run is under way: its thread ends */
  p.style_weight = 1.0;
  make_input (&input, &p, SIDE, SIDE);
  preview_harness_change (&h, &input);
  tap_check (preview_harness_wait (&h, 1, 600.0), "a run is under way");
  preview_harness_clear (&h);
  const int after = thread_count ();
  tap_check (after == before, "freeing the worker leaves no thread (%d before, %d after)", before,
             after);
}

int
main (void)
{
  /* the main thread's OpenMP team first, so that the thread count before
   * the worker includes it */
  ns_weights w;
  double tail;
  const ns_params p = params_with (0, NS_OPTIMIZER_LBFGS, 1);
  if (weights (&w))
    run_seconds (&w, &p, 1, 32, 32, &tail);
  ns_weights_clear (&w);

  test_pictures_come ();
  test_ok_start ();
  test_restart_and_cancel ();
  return tap_done ();
}
