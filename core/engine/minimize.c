/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "minimize.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "lbfgs_minimize.h"
#include "planar.h"

/* The best iterate measured, for a run stopped on the way: Adam's loss goes
 * up and down.  x is within [0, 1]: 16 bits keep it finer than any output. */
static void
keep_iterate (const float *x, size_t count, uint16_t *kept)
{
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < count; i++)
    kept[i] = (uint16_t) lrintf (x[i] * 65535.0f);
}

static void
restore_iterate (const uint16_t *kept, size_t count, float *x)
{
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < count; i++)
    x[i] = kept[i] / 65535.0f;
}

ns_status
ns_minimize_adam (ns_scale_run *run, float *x, size_t count, ns_adam_storage storage)
{
  ns_adam adam;
  float *grad = malloc (sizeof (float) * count);
  uint16_t *best = malloc (sizeof (uint16_t) * count);
  double best_loss = INFINITY;
  ns_status status = ns_adam_init (&adam, count, storage, run->err);
  if (status == NS_OK && (!grad || !best))
    status = ns_error_set (run->err, NS_ERROR_NOMEM, "out of memory for the gradient");
  for (int it = 1; status == NS_OK && it <= run->iterations; it++)
    {
      const double loss = ns_objective_evaluate (run->obj, x, grad);
      if (run->reply != NS_PROGRESS_CONTINUE)
        break; /* abandoned on the way */
      if (loss < best_loss)
        {
          best_loss = loss;
          keep_iterate (x, count, best);
        }
      if (isfinite (loss))
        {
          ns_adam_step (&adam, x, grad, run->params->learning_rate);
          /* stay within displayable colours: the network never sees out-of-gamut values */
          ns_clamp_unit (x, count);
        }
      if (ns_report_iteration (run, it, loss, x))
        break;
    }
  if (status == NS_OK && run->reply == NS_PROGRESS_STOP && isfinite (best_loss))
    restore_iterate (best, count, x);
  ns_adam_clear (&adam);
  free (grad);
  free (best);
  return status;
}

static double
lbfgs_evaluate (void *user_data, const float *x, float *gradient)
{
  ns_scale_run *run = user_data;
  if (run->reply != NS_PROGRESS_CONTINUE)
    return NAN;
  const double loss = ns_objective_evaluate (run->obj, x, gradient);
  if (!isfinite (loss) && run->reply == NS_PROGRESS_CONTINUE)
    {
      ns_report_iteration (run, run->iteration + 1, loss, x); /* diverged */
      return NAN;
    }
  return run->reply == NS_PROGRESS_CONTINUE ? loss : NAN;
}

static int
lbfgs_iteration (void *user_data, int iteration, double loss, const float *x)
{
  return ns_report_iteration (user_data, iteration, loss, x);
}

ns_status
ns_minimize_lbfgs (ns_scale_run *run, float *x, size_t count, int memory)
{
  const ns_lbfgs_problem problem = {
    .max_iterations = run->iterations,
    .memory = memory,
    .evaluate = lbfgs_evaluate,
    .iteration = lbfgs_iteration,
    .user_data = run,
  };
  int done;
  return ns_lbfgs_minimize (&problem, x, count, &done, run->err);
}
