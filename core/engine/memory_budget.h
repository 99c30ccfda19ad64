/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a run may hold in memory, what the process holds besides the run,
 * and liblbfgs's state, which no budget lays out (the objective, its tiles,
 * the anchor and Adam are measured by laying them out: ns_budget.h). */
#ifndef MEMORY_BUDGET_H
#define MEMORY_BUDGET_H

#include <stddef.h>

#include "neural_style.h"
#include "ns_weights.h"

/* The run's budget in bytes: params->memory_limit MiB, or the default. */
size_t ns_memory_budget_bytes (const ns_params *params);

/* What the process holds for a run besides the run's own buffers: the
 * weights, and a reserve for the threads' stacks and OpenBLAS's buffers. */
size_t ns_memory_process_bytes (const ns_weights *weights);

#endif
