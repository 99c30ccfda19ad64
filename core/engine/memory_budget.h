/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a run may hold in memory, and what the parts of a scale take: the
 * inputs, the image being optimised, its gradient, the optimiser's state,
 * the objective's targets and its tiles. */
#ifndef MEMORY_BUDGET_H
#define MEMORY_BUDGET_H

#include <stddef.h>

#include "adam.h"
#include "neural_style.h"
#include "ns_weights.h"

/* The run's budget in bytes: params->memory_limit MiB, or the default. */
size_t ns_memory_budget_bytes (const ns_params *params);

/* What the process holds for a run besides the run's own buffers: the
 * weights, and a reserve for the threads' stacks and OpenBLAS's buffers. */
size_t ns_memory_process_bytes (const ns_weights *weights);

/* Bytes of liblbfgs's state for count values with memory correction pairs
 * (its vectors and history are doubles), with our float views. */
size_t ns_lbfgs_bytes (size_t count, int memory);

/* Bytes of Adam's state, kept as storage says, the gradient and the best
 * iterate (16 bits a value) for count values. */
size_t ns_adam_bytes (size_t count, ns_adam_storage storage);

#endif
