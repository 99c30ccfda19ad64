/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The progress line and the stop signals (see cli_progress.h). */
#include "cli_progress.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The signal (SIGINT, SIGTERM) that asked the run to stop, or 0.  The one
 * piece of global state of the command line, and unavoidably so: a signal
 * handler can reach nothing else, and may only set a volatile
 * sig_atomic_t (the progress callback reads it). */
static volatile sig_atomic_t stop_signal = 0;

/* Only async-signal-safe calls: write, signal, raise. */
static void
on_stop_signal (int signal_number)
{
  static const char stopping[] = "\nneural-style: stopping after the step under way to write "
                                 "the result so far (again to end at once)\n";
  static const char ending[] = "\nneural-style: ended at once, nothing more written\n";
  const int saved_errno = errno;
  if (stop_signal)
    {
      if (write (STDERR_FILENO, ending, sizeof ending - 1) < 0)
        {
          /* nothing to do: the process ends */
        }
      signal (signal_number, SIG_DFL);
      raise (signal_number);
    }
  else
    {
      stop_signal = signal_number;
      if (write (STDERR_FILENO, stopping, sizeof stopping - 1) < 0)
        {
          /* the stop goes on without the notice */
        }
    }
  errno = saved_errno;
}

void
cli_catch_stop_signals (void)
{
  static const int signals[] = { SIGINT, SIGTERM };
  for (size_t k = 0; k < sizeof signals / sizeof signals[0]; k++)
    {
      struct sigaction action, old;
      if (sigaction (signals[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        continue;
      memset (&action, 0, sizeof action);
      action.sa_handler = on_stop_signal;
      sigemptyset (&action.sa_mask);
      sigaction (signals[k], &action, NULL);
    }
}

int
cli_stop_signal (void)
{
  return stop_signal;
}

double
cli_seconds_since (const struct timespec *start)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (double) (now.tv_sec - start->tv_sec) + 1e-9 * (double) (now.tv_nsec - start->tv_nsec);
}

void
cli_progress_begin_run (cli_progress *state)
{
  state->evaluations = 0;
  memset (&state->first, 0, sizeof state->first);
  memset (&state->last, 0, sizeof state->last);
}

/* ", about 3:10 left" in text, once ns_progress_time_left has an
 * estimate; else "". */
static void
format_time_left (char *text, size_t size, double fraction, double elapsed)
{
  const double seconds = ns_progress_time_left (fraction, elapsed);
  text[0] = '\0';
  if (seconds < 0.0)
    return;
  const long left = (long) seconds;
  if (left >= 3600)
    snprintf (text, size, ", about %ld:%02ld:%02ld left", left / 3600, left / 60 % 60, left % 60);
  else
    snprintf (text, size, ", about %ld:%02ld left", left / 60, left % 60);
}

ns_progress_reply
cli_show_progress (const ns_progress *progress, void *user_data)
{
  cli_progress *state = user_data;
  /* after the notice on_stop_signal wrote, no more progress line */
  if (stop_signal)
    return NS_PROGRESS_STOP;
  if (progress->tile == 0)
    {
      if (state->evaluations++ == 0)
        state->first = *progress;
      state->last = *progress;
    }
  if (!state->quiet)
    {
      const int width = 30;
      const int done = progress->iteration * width / progress->iterations;
      const double elapsed = cli_seconds_since (&state->start);
      char frame[48] = "", tiles[48] = "", left[96];
      const double fraction = ns_animation_done (state->frame, state->frames, progress->done);
      if (state->frames > 0)
        snprintf (frame, sizeof frame, "frame %d/%d, ", state->frame, state->frames);
      if (progress->tile > 0)
        snprintf (tiles, sizeof tiles, ", tile %d/%d, pass %d/2", progress->tile, progress->tiles,
                  progress->sweep);
      else if (progress->tiles > 1)
        snprintf (tiles, sizeof tiles, ", %d tiles", progress->tiles);
      char losses[96] = "";
      /* a tile's report before a scale's first iteration has no loss yet */
      if (isfinite (progress->loss))
        snprintf (losses, sizeof losses, "  loss %.4g (content %.4g, style %.4g)", progress->loss,
                  progress->content_loss, progress->style_loss);
      format_time_left (left, sizeof left, fraction, elapsed);
      const int length = fprintf (stderr, "\r%sscale %d/%d (%dx%d%s) [%.*s%*s] %d/%d%s  %.1f s%s",
                                  frame, progress->scale, progress->scales, progress->width,
                                  progress->height, tiles, done, "##############################",
                                  width - done, "", progress->iteration, progress->iterations,
                                  losses, elapsed, left);
      /* "\r" only moves back: a shorter line would leave the end of the last. */
      if (length < state->line_length)
        fprintf (stderr, "%*s", state->line_length - length, "");
      state->line_length = length;
      if (progress->iteration == progress->iterations && progress->tile == 0)
        {
          fputc ('\n', stderr);
          state->line_length = 0;
        }
      fflush (stderr);
    }
  return NS_PROGRESS_CONTINUE;
}

void
cli_progress_end_line (cli_progress *state)
{
  /* a signal's notice has ended the line already */
  if (state->line_length > 0 && !stop_signal)
    fputc ('\n', stderr);
  state->line_length = 0;
}

void
cli_progress_where (const cli_progress *state, char *text, size_t size)
{
  if (state->last.scales > 0)
    snprintf (text, size, "at scale %d/%d, iteration %d/%d", state->last.scale, state->last.scales,
              state->last.iteration, state->last.iterations);
  else
    snprintf (text, size, "before the first iteration");
}
