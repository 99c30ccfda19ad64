/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The optimisers' drivers over one scale: x (planar RGB, count values)
 * minimises the scale's objective for run->iterations iterations, each
 * reported through the run (progress.h), which may stop or cancel it. */
#ifndef NS_MINIMIZE_H
#define NS_MINIMIZE_H

#include "adam.h"
#include "progress.h"

/* Adam, its moments kept as storage says; x stays within [0, 1].  A run
 * stopped on the way ends at the iterate of the lowest loss measured. */
ns_status ns_minimize_adam (ns_scale_run *run, float *x, size_t count, ns_adam_storage storage);
/* What ns_minimize_adam holds for count values, measured by laying it out
 * (the optimiser's moments, the gradient, the best iterate). */
size_t ns_minimize_adam_measure (size_t count, ns_adam_storage storage);

/* L-BFGS with memory correction pairs. */
ns_status ns_minimize_lbfgs (ns_scale_run *run, float *x, size_t count, int memory);

#endif
