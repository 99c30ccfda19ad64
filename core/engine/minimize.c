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

/* What the Adam driver holds: the optimiser, the gradient and the best
 * iterate. */
typedef struct
{
  ns_adam adam;
  float *grad;
  uint16_t *best;
} adam_run;

static ns_status
adam_run_lay_out (adam_run *a, size_t count, ns_adam_storage storage, ns_budget *budget, ns_error *err)
{
  a->grad = ns_budget_alloc (budget, count, sizeof (float));
  a->best = ns_budget_alloc (budget, count, sizeof (uint16_t));
  ns_status status = ns_adam_lay_out (&a->adam, count, storage, budget, err);
  if (status == NS_OK && (!a->grad || !a->best))
    status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the gradient");
  return status;
}

size_t
ns_minimize_adam_measure (size_t count, ns_adam_storage storage)
{
  ns_budget budget = ns_budget_measuring ();
  adam_run a;
  return adam_run_lay_out (&a, count, storage, &budget, NULL) == NS_OK ? budget.held : SIZE_MAX;
}

ns_status
ns_minimize_adam (ns_scale_run *run, float *x, size_t count, ns_adam_storage storage)
{
  adam_run a;
  ns_budget budget = ns_budget_allocating ();
  double best_loss = INFINITY;
  ns_status status = adam_run_lay_out (&a, count, storage, &budget, run->err);
  float *grad = a.grad;
  uint16_t *best = a.best;
  for (int it = 1; status == NS_OK && it <= run->iterations; it++)
    {
      const double loss = ns_objective_evaluate (run->obj, x, grad);
      ns_run_cancelled (run);
      if (run->reply != NS_PROGRESS_CONTINUE)
        break; /* abandoned on the way */
      if (loss < best_loss)
        {
          best_loss = loss;
          keep_iterate (x, count, best);
        }
      if (isfinite (loss))
        {
          ns_adam_step (&a.adam, x, grad, run->params->learning_rate);
          /* stay within displayable colours: the network never sees out-of-gamut values */
          ns_clamp_unit (x, count);
        }
      if (ns_report_iteration (run, it, loss, x))
        break;
    }
  if (status == NS_OK && run->reply == NS_PROGRESS_STOP && isfinite (best_loss))
    restore_iterate (best, count, x);
  ns_adam_clear (&a.adam);
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
  ns_run_cancelled (run);
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
    .converged_fraction = run->params->converged_fraction,
    .converged_window = NS_CONVERGED_WINDOW,
    .evaluate = lbfgs_evaluate,
    .iteration = lbfgs_iteration,
    .user_data = run,
  };
  int done;
  return ns_lbfgs_minimize (&problem, x, count, &done, run->err);
}
