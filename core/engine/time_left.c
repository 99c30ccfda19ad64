/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The time a run still takes, one rule for the CLI and the plug-in (see
 * neural_style.h). */
#include "neural_style.h"

/* Below these the first scales' short iterations and the fixed costs (the
 * weights, the style's features) weigh too much for the estimate to hold. */
#define TIME_LEFT_MIN_DONE 0.02
#define TIME_LEFT_MIN_SECONDS 10.0

double
ns_progress_time_left (double done, double elapsed)
{
  if (!(done >= TIME_LEFT_MIN_DONE) || !(elapsed >= TIME_LEFT_MIN_SECONDS))
    return -1.0;
  if (done >= 1.0)
    return 0.0;
  return elapsed * (1.0 - done) / done;
}
