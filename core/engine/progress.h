/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What one scale's optimiser run reports to the caller's progress
 * callback: after each iteration, and after each tile of an evaluation in
 * several tiles.  The answer (continue, stop, cancel) is kept here for the
 * optimiser drivers (minimize.h) and the objective's tile loop to obey. */
#ifndef NS_PROGRESS_H
#define NS_PROGRESS_H

#include "neural_style.h"
#include "objective.h"

typedef struct
{
  ns_objective *obj;
  const ns_params *params;
  ns_progress_fn progress;
  void *user_data;
  int scale, scales, iterations;
  double done_before, share; /* of the run's work: the scales before, this one */
  ns_progress_reply reply;   /* the callback's last answer */
  ns_status status;          /* NS_ERROR_ARGUMENT once the loss is not finite */
  ns_error *err;
  /* the last iteration reported, for the reports between iterations */
  int iteration;
  double loss, content_loss, style_loss, pixel_loss, done;
} ns_scale_run;

/* Reports iteration it at loss with the iterate x; non-zero when the run
 * must end (the callback's answer, or a loss that is not finite). */
int ns_report_iteration (ns_scale_run *run, int it, double loss, const float *x);

/* Non-zero once the request's cancel flag (the objective's network's stop
 * flag) is set; the answer becomes NS_PROGRESS_CANCEL then.  For the
 * drivers after each evaluation: an evaluation cut short is meaningless. */
int ns_run_cancelled (ns_scale_run *run);

/* The objective's tile callback (user_data: the ns_scale_run): reports the
 * tile of the evaluation under way; non-zero abandons it. */
int ns_report_tile (void *user_data, int sweep, int tile);

#endif
