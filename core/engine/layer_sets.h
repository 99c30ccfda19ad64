/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The named layer sets of ns_params as the objective's layer indices. */
#ifndef LAYER_SETS_H
#define LAYER_SETS_H

#include "neural_style.h"
#include "objective.h"

/* The content and style layers (with params' per-layer style weights) that
 * params->layer_set names. */
ns_objective_layers ns_layer_set_layers (const ns_params *params);

#endif
