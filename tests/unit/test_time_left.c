/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_progress_time_left: the rule by which the CLI and the plug-in show the
 * time a run still takes. */
#include <math.h>

#include "neural_style.h"
#include "tap.h"

static void
check_left (double done, double elapsed, double wanted, const char *what)
{
  const double left = ns_progress_time_left (done, elapsed);
  tap_check (fabs (left - wanted) <= 1e-9 * fabs (wanted), "%s: %g done after %g s: %g (wanted %g)",
             what, done, elapsed, left, wanted);
}

int
main (void)
{
  check_left (0.5, 60.0, 60.0, "half done: as long again");
  check_left (0.25, 60.0, 180.0, "a quarter: three times as long");
  check_left (0.02, 10.0, 490.0, "from 2% done and 10 s on");
  check_left (0.0199, 600.0, -1.0, "none below 2% done");
  check_left (0.5, 9.99, -1.0, "none before 10 s");
  check_left (1.0, 42.0, 0.0, "none left when all is done");
  check_left (NAN, 60.0, -1.0, "none from a share that is no number");
  return tap_done ();
}
