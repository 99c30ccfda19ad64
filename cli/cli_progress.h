/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line's progress line and its Ctrl-C: the first SIGINT or
 * SIGTERM asks the run to stop after the step under way and keep its
 * result, a second one ends the process at once. */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <time.h>

#include "neural_style.h"

typedef struct
{
  struct timespec start; /* of the whole command: a still, or every frame */
  int quiet;
  /* An animation's frame being painted (1-based) of frames; 0 for a still. */
  int frame, frames;
  int evaluations; /* of the run under way */
  ns_progress first, last;
  int line_length; /* of the progress line being rewritten, to blank what it leaves */
} cli_progress;

/* SIGINT and SIGTERM to the stop handler, except where they were ignored
 * when the process started (a background job, nohup): whoever ignored them
 * meant it. */
void cli_catch_stop_signals (void);

/* The signal that asked the run to stop, or 0. */
int cli_stop_signal (void);

double cli_seconds_since (const struct timespec *start);

/* Starts a run's count of evaluations (its first and last reports). */
void cli_progress_begin_run (cli_progress *state);

/* The engine's progress callback (user_data: a cli_progress): the line on
 * stderr, and Stop once a signal asked for it. */
ns_progress_reply cli_show_progress (const ns_progress *progress, void *user_data);

/* Ends a progress line a stop left open. */
void cli_progress_end_line (cli_progress *state);

/* "at scale 2/3, iteration 12/35" (or "before the first iteration") of the
 * run's last report, for a stop's message. */
void cli_progress_where (const cli_progress *state, char *text, size_t size);

#endif
