/* SPDX-License-Identifier: GPL-3.0-or-later */
/* neural-style animate (see cli_animate.h): the frames, checked, through
 * the engine's ns_animation, each result written as soon as it is
 * painted. */
#include "cli_animate.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_progress.h"
#include "cli_run.h"
#include "image_io.h"
#include "neural_style.h"

/* The result's path of frame: DIR/ and the frame's file name. */
static int
frame_out_path (const char *out_dir, const char *frame, char *path, size_t size)
{
  const char *slash = strrchr (frame, '/');
  const char *name = slash ? slash + 1 : frame;
  return snprintf (path, size, "%s/%s", out_dir, name) < (int) size;
}

/* The folder of path, resolved: for telling whether a result would
 * replace its frame. */
static int
real_folder (const char *path, char *folder)
{
  char copy[PATH_MAX];
  snprintf (copy, sizeof copy, "%s", path);
  return realpath (dirname (copy), folder) != NULL;
}

/* Before any painting: the results' names (one per frame, none a frame's
 * own file), the folder (made when missing), and every frame readable
 * and of the first's size.  A message on stderr and the exit status, or -1. */
static int
check_frames (const cli_run *run, char **frames, int count)
{
  char out_folder[PATH_MAX], frame_folder[PATH_MAX], path[PATH_MAX], other[PATH_MAX];
  ns_error err = { 0 };

  if (mkdir (run->out_dir, 0777) != 0 && errno != EEXIST)
    {
      fprintf (stderr, "neural-style animate: cannot make the folder %s: %s\n", run->out_dir,
               strerror (errno));
      return 1;
    }
  if (!realpath (run->out_dir, out_folder))
    {
      fprintf (stderr, "neural-style animate: %s: %s\n", run->out_dir, strerror (errno));
      return 1;
    }
  for (int t = 0; t < count; t++)
    {
      if (!frame_out_path (run->out_dir, frames[t], path, sizeof path))
        {
          fprintf (stderr, "neural-style animate: the path of %s's result is too long\n", frames[t]);
          return 2;
        }
      if (real_folder (frames[t], frame_folder) && strcmp (frame_folder, out_folder) == 0)
        {
          fprintf (stderr,
                   "neural-style animate: the result of %s would replace the frame itself: "
                   "give another --out-dir\n",
                   frames[t]);
          return 2;
        }
      for (int u = 0; u < t; u++)
        {
          frame_out_path (run->out_dir, frames[u], other, sizeof other);
          if (strcmp (path, other) == 0)
            {
              fprintf (stderr,
                       "neural-style animate: %s and %s would both be written to %s: frames "
                       "need names of their own\n",
                       frames[u], frames[t], path);
              return 2;
            }
        }
    }
  frame_out_path (run->out_dir, frames[0], path, sizeof path);
  if (image_check_output (path, &err) != NS_OK)
    {
      fprintf (stderr, "neural-style animate: %s\n", err.message);
      return 1;
    }
  int width = 0, height = 0;
  for (int t = 0; t < count; t++)
    {
      ns_image frame = { 0 };
      if (image_load (frames[t], &frame, &err) != NS_OK)
        {
          fprintf (stderr, "neural-style animate: frame %d: %s\n", t + 1, err.message);
          return 1;
        }
      if (t == 0)
        {
          width = frame.width;
          height = frame.height;
        }
      else if (frame.width != width || frame.height != height)
        {
          fprintf (stderr,
                   "neural-style animate: the frames differ in size: %s is %dx%d, %s is %dx%d; "
                   "an animation's frames have one size\n",
                   frames[0], width, height, frames[t], frame.width, frame.height);
          ns_image_clear (&frame);
          return 1;
        }
      ns_image_clear (&frame);
    }
  return -1;
}

/* How frame t (0-based) started, for its line. */
static void
describe_start (const ns_frame_report *report, int t, char *text, size_t size)
{
  switch (report->start)
    {
    case NS_FRAME_FIRST:
      snprintf (text, size, "afresh (the first frame)");
      break;
    case NS_FRAME_HELD:
      snprintf (text, size, "from frame %d (%.1f%% consistent)", t, 100.0 * report->consistent);
      break;
    case NS_FRAME_SCENE_CUT:
      snprintf (text, size, "afresh (a scene cut: %.1f%% consistent with frame %d)",
                100.0 * report->consistent, t);
      break;
    case NS_FRAME_ALONE:
      snprintf (text, size, "alone (--independent)");
      break;
    }
}

int
cli_animate_main (int argc, char **argv)
{
  cli_run run;
  char weights_path[4096], out_path[PATH_MAX];
  int code = cli_run_parse (argc, argv, CLI_ANIMATE, &run);
  if (code >= 0)
    return code;
  char **frames = argv + run.operands;
  const int frame_count = argc - run.operands;
  if ((code = cli_run_find_weights (&run, weights_path, sizeof weights_path)) >= 0)
    return code;

  ns_error err = { 0 };
  if (ns_params_check (&run.params, &err) != NS_OK)
    {
      fprintf (stderr, "neural-style animate: %s\n", err.message);
      return 2;
    }
  if ((code = check_frames (&run, frames, frame_count)) >= 0)
    return code;

  cli_inputs inputs = { 0 };
  ns_engine *engine = NULL;
  ns_animation *animation = NULL;
  ns_status status = cli_inputs_load_images (&run, &inputs, &err);
  if (status == NS_OK)
    status = cli_inputs_load_weights (&run, weights_path, &inputs, &err);
  if (status == NS_OK)
    status = ns_engine_new (&inputs.weights, &engine, &err);
  if (status == NS_OK)
    status = ns_animation_new (engine, run.independent, &animation, &err);

  cli_progress state = { .quiet = run.quiet, .frames = frame_count };
  clock_gettime (CLOCK_MONOTONIC, &state.start);
  cli_catch_stop_signals ();
  int painted = 0, stopped_in = 0, cuts = 0;
  double first_seconds = 0.0, later_seconds = 0.0;
  for (int t = 0; t < frame_count && status == NS_OK && !cli_stop_signal (); t++)
    {
      ns_image content = { 0 }, result = { 0 };
      ns_frame_report report = { 0 };
      char how[96];
      struct timespec frame_start;
      clock_gettime (CLOCK_MONOTONIC, &frame_start);
      frame_out_path (run.out_dir, frames[t], out_path, sizeof out_path);
      status = image_load (frames[t], &content, &err);
      const ns_request request = cli_inputs_request (&run, &inputs, &content, cli_show_progress,
                                                     &state);
      state.frame = t + 1;
      cli_progress_begin_run (&state);
      if (status == NS_OK)
        status = ns_animation_paint (animation, &request, &result, &report, &err);
      cli_progress_end_line (&state);
      if (status == NS_OK)
        status = cli_save_result (out_path, &result, &err);
      describe_start (&report, t, how, sizeof how);
      cuts += report.start == NS_FRAME_SCENE_CUT;
      if (status == NS_OK && cli_stop_signal ())
        stopped_in = t + 1;
      else if (status == NS_OK)
        {
          const double seconds = cli_seconds_since (&frame_start);
          if (t == 0)
            first_seconds = seconds;
          else
            later_seconds += seconds;
          painted++;
          printf ("frame %d/%d %s: %s, %d iterations in %.2f s; loss %.6g -> %.6g, "
                  "content %.6g -> %.6g, style %.6g -> %.6g\n",
                  t + 1, frame_count, out_path, how, state.evaluations, seconds, state.first.loss,
                  state.last.loss, state.first.content_loss, state.last.content_loss,
                  state.first.style_loss, state.last.style_loss);
          fflush (stdout);
        }
      ns_image_clear (&content);
      ns_image_clear (&result);
    }

  const int stop_signal = cli_stop_signal ();
  if (status != NS_OK)
    {
      if (state.frame > 0)
        fprintf (stderr, "neural-style animate: frame %d/%d (%s): %s\n", state.frame, frame_count,
                 frames[state.frame - 1], err.message);
      else
        fprintf (stderr, "neural-style animate: %s\n", err.message);
      if (painted > 0)
        fprintf (stderr, "neural-style animate: frames 1 to %d are in %s\n", painted, run.out_dir);
      code = 1;
    }
  else if (stop_signal)
    {
      char when[96];
      cli_progress_where (&state, when, sizeof when);
      char kept[64] = "no frame is painted";
      if (painted == 1)
        snprintf (kept, sizeof kept, "frame 1 is painted");
      else if (painted > 1)
        snprintf (kept, sizeof kept, "frames 1 to %d are painted", painted);
      if (stopped_in)
        fprintf (stderr,
                 "neural-style animate: stopped by %s in frame %d/%d %s: %s and frame %d is "
                 "as painted so far, in %s\n",
                 stop_signal == SIGTERM ? "SIGTERM" : "SIGINT", stopped_in, frame_count, when, kept,
                 stopped_in, run.out_dir);
      else
        fprintf (stderr, "neural-style animate: stopped by %s after frame %d/%d: %s, in %s\n",
                 stop_signal == SIGTERM ? "SIGTERM" : "SIGINT", painted, frame_count, kept,
                 run.out_dir);
      code = 128 + stop_signal;
    }
  else
    {
      printf ("done: %d frames in %.2f s: the first %.2f s, the others %.2f s each; %d scene "
              "cut%s\n",
              painted, cli_seconds_since (&state.start), first_seconds,
              painted > 1 ? later_seconds / (painted - 1) : 0.0, cuts, cuts == 1 ? "" : "s");
      code = 0;
    }
  ns_animation_free (animation);
  ns_engine_free (engine);
  cli_inputs_clear (&inputs);
  return code;
}
