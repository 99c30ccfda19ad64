/* SPDX-License-Identifier: GPL-3.0-or-later */
/* L-BFGS (Nocedal 1980; Liu & Nocedal 1989) over float vectors, through
 * liblbfgs (Debian's liblbfgs-dev) with its More-Thuente line search. */
#ifndef LBFGS_MINIMIZE_H
#define LBFGS_MINIMIZE_H

#include <stddef.h>

#include "ns_error.h"

/* Returns f(x) and writes its gradient; NAN abandons the run (see
 * ns_lbfgs_minimize). */
typedef double (*ns_lbfgs_evaluate_fn) (void *user_data, const float *x, float *gradient);
/* Called after each iteration (1-based) with the new iterate; non-zero stops. */
typedef int (*ns_lbfgs_iteration_fn) (void *user_data, int iteration, double loss, const float *x);

typedef struct
{
  int max_iterations;
  int memory; /* correction pairs kept; memory use is 2*memory*count doubles */
  /* Converged: the loss fell by less than converged_fraction of itself
   * over the last converged_window iterations; 0 runs max_iterations. */
  double converged_fraction;
  int converged_window;
  ns_lbfgs_evaluate_fn evaluate;
  ns_lbfgs_iteration_fn iteration; /* may be NULL */
  void *user_data;
} ns_lbfgs_problem;

/* Minimises from x (count floats), leaving the last accepted iterate in x.
 * Stopping early (converged, as the problem says or to a vanishing
 * gradient, no further progress possible, the iteration
 * callback said so, or an evaluation abandoned) is NS_OK; *iterations_done
 * says how many ran.
 * NS_ERROR_NOMEM when the history does not fit. */
/* Bytes a run of ns_lbfgs_minimize holds for count values with memory
 * correction pairs: liblbfgs's vectors and history (doubles) and the float
 * views of them. */
size_t ns_lbfgs_bytes (size_t count, int memory);

ns_status ns_lbfgs_minimize (const ns_lbfgs_problem *problem, float *x, size_t count,
                             int *iterations_done, ns_error *err);

#endif
