/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "lbfgs_minimize.h"

#include "ns_assert.h"
#include "ns_budget.h"

#include <limits.h>
#include <math.h>
#include <lbfgs.h>

typedef struct
{
  const ns_lbfgs_problem *problem;
  size_t count;
  float *x; /* float views of liblbfgs's double vectors */
  float *gradient;
  int iterations;
  int stopped;
  int abandoned; /* an evaluation returned NAN */
} lbfgs_run;

/* What an abandoned run shows liblbfgs: a point far worse than any, with
 * no slope.  At the start that ends the run at once (a zero gradient);
 * within a line search every trial then fails, and liblbfgs goes back to
 * the last accepted iterate when the search gives up. */
#define ABANDONED_LOSS 1e30

/* liblbfgs's SSE2 build wants a multiple of 8 variables: the run pads with
 * inert ones. */
static size_t
padded_count (size_t count)
{
  return (count + 7) / 8 * 8;
}

/* The float views of a run of count values; 0 when out of memory. */
static int
float_views_lay_out (ns_budget *budget, lbfgs_run *run, size_t count)
{
  run->x = ns_budget_alloc (budget, count, sizeof (float));
  run->gradient = ns_budget_alloc (budget, count, sizeof (float));
  return run->x && run->gradient;
}

static void
float_views_clear (ns_budget *budget, lbfgs_run *run, size_t count)
{
  ns_budget_free (budget, run->x, count, sizeof (float));
  ns_budget_free (budget, run->gradient, count, sizeof (float));
}

size_t
ns_lbfgs_bytes (size_t count, int memory)
{
  ns_budget budget = ns_budget_measuring ();
  lbfgs_run run;

  float_views_lay_out (&budget, &run, count);
  /* liblbfgs allocates inside lbfgs (), out of a budget's reach, so its
   * part is counted from its source: x (lbfgs_malloc, ours), xp, g, gp, d,
   * w, and memory pairs of history vectors, doubles of the padded count */
  return budget.peak + (6 + 2 * (size_t) memory) * padded_count (count) * sizeof (double);
}

static lbfgsfloatval_t
evaluate_in_float (void *instance, const lbfgsfloatval_t *x, lbfgsfloatval_t *g, const int n,
                   const lbfgsfloatval_t step)
{
  lbfgs_run *run = instance;
  (void) step;
  double f = ABANDONED_LOSS;
  if (!run->abandoned)
    {
      for (size_t i = 0; i < run->count; i++)
        run->x[i] = (float) x[i];
      f = run->problem->evaluate (run->problem->user_data, run->x, run->gradient);
      run->abandoned = isnan (f);
    }
  if (run->abandoned)
    {
      for (int i = 0; i < n; i++)
        g[i] = 0.0;
      return ABANDONED_LOSS;
    }
  for (size_t i = 0; i < run->count; i++)
    g[i] = run->gradient[i];
  /* padding variables (see ns_lbfgs_minimize) have no effect on f */
  for (int i = (int) run->count; i < n; i++)
    g[i] = 0.0;
  return f;
}

static int
report_iteration (void *instance, const lbfgsfloatval_t *x, const lbfgsfloatval_t *g,
                  const lbfgsfloatval_t fx, const lbfgsfloatval_t xnorm,
                  const lbfgsfloatval_t gnorm, const lbfgsfloatval_t step, int n, int k, int ls)
{
  lbfgs_run *run = instance;
  (void) g;
  (void) xnorm;
  (void) gnorm;
  (void) step;
  (void) n;
  (void) ls;
  run->iterations = k;
  if (!run->problem->iteration)
    return 0;
  for (size_t i = 0; i < run->count; i++)
    run->x[i] = (float) x[i];
  run->stopped = run->problem->iteration (run->problem->user_data, k, fx, run->x) != 0;
  return run->stopped;
}

ns_status
ns_lbfgs_minimize (const ns_lbfgs_problem *problem, float *x, size_t count, int *iterations_done,
                   ns_error *err)
{
  NS_ASSERT (problem && problem->evaluate && x);
  const size_t padded = padded_count (count);
  *iterations_done = 0;
  if (padded > (size_t) INT_MAX)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "too many variables for L-BFGS (%zu)", count);
  ns_budget budget = ns_budget_allocating ();
  lbfgs_run run = { .problem = problem, .count = count };
  lbfgsfloatval_t *xd = lbfgs_malloc ((int) padded);
  if (!float_views_lay_out (&budget, &run, count) || !xd)
    {
      lbfgs_free (xd);
      float_views_clear (&budget, &run, count);
      return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for L-BFGS (%zu variables)", count);
    }
  for (size_t i = 0; i < padded; i++)
    xd[i] = i < count ? x[i] : 0.0;

  lbfgs_parameter_t parameters;
  lbfgs_parameter_init (&parameters);
  parameters.m = problem->memory;
  parameters.max_iterations = problem->max_iterations;
  /* stop on the count or on the problem's own test of a flat loss (liblbfgs's
   * delta test: (f[k - past] - f[k]) / f[k] < delta), not on a gradient norm */
  parameters.epsilon = 1e-10;
  parameters.past = problem->converged_fraction > 0.0 ? problem->converged_window : 0;
  parameters.delta = problem->converged_fraction;

  lbfgsfloatval_t final_loss = 0.0;
  const int code = lbfgs ((int) padded, xd, &final_loss, evaluate_in_float, report_iteration, &run,
                          &parameters);
  ns_status status = NS_OK;
  if (code == LBFGSERR_OUTOFMEMORY)
    status = ns_error_set (err, NS_ERROR_NOMEM,
                           "out of memory for L-BFGS's history (%d corrections of %zu values)",
                           problem->memory, count);
  else if ((code >= LBFGSERR_INVALID_N && code <= LBFGSERR_INVALID_ORTHANTWISE_END) ||
           code == LBFGSERR_INVALIDPARAMETERS || code == LBFGSERR_UNKNOWNERROR ||
           code == LBFGSERR_LOGICERROR)
    status = ns_error_set (err, NS_ERROR_ARGUMENT, "L-BFGS failed (liblbfgs code %d)", code);
  /* Anything else (converged, iteration limit, the line search finding no
   * better point, cancelled by the callback) leaves a usable iterate. */
  if (status == NS_OK)
    for (size_t i = 0; i < count; i++)
      x[i] = (float) xd[i];
  *iterations_done = run.iterations;
  lbfgs_free (xd);
  float_views_clear (&budget, &run, count);
  return status;
}
