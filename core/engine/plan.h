/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plan of a run: its scales and, for each, how it runs within the
 * memory limit (which optimiser with how much state, what its tiles may
 * take), made before any work so that a run that does not fit is refused
 * at once, naming the least limit that runs it. */
#ifndef NS_PLAN_H
#define NS_PLAN_H

#include "adam.h"
#include "neural_style.h"
#include "objective.h"
#include "regions.h"
#include "schedule.h"

typedef struct
{
  int size; /* longest side */
  int width, height;
  int style_width[NS_MAX_STYLES], style_height[NS_MAX_STYLES];
  ns_objective_layers layers;
  int anchor_block;      /* a detail scale's anchor's blocks (0: no anchor) */
  int keeps_full_result; /* its result is the shapes of the detail scales after it */
  ns_optimizer optimizer;
  int lbfgs_memory;
  ns_adam_storage adam_storage;
  int winograd_tile;  /* the convolutions' (see ns_plan_winograd_tile) */
  size_t tile_budget; /* for the objective's networks */
  size_t held;        /* everything else */
} ns_scale_plan;

typedef struct
{
  int scales;
  int sizes[NS_MAX_SCALES]; /* longest sides, coarsest first */
  int iterations[NS_MAX_SCALES];
  ns_scale_plan scale[NS_MAX_SCALES];
} ns_plan;

/* The Winograd tile of a scale whose longest side is size under params'
 * precision: fast's F(4x4) above NS_PLAN_FAST_ABOVE pixels only.  The
 * coarse scales lay out the picture for a fraction of the work, and L-BFGS
 * carries any rounding there into a different layout; a rule by size, not
 * by a scale's place, keeps a run at one scale's size exactly the first
 * scales of a larger run (a preview's picture that OK goes on from). */
#define NS_PLAN_FAST_ABOVE 256
int ns_plan_winograd_tile (const ns_params *params, int size);

/* The network options the objectives of a scale with winograd_tile are
 * built with (ns_objective_net_options adds the loss layers to keep). */
ns_vgg19_net_options ns_plan_net_options (int winograd_tile);

/* Plans request (checked) with regions (its layout) within its memory
 * limit.  NS_ERROR_NOMEM when it does not fit: the message names the least
 * limit that runs it and the largest working size that fits the limit. */
ns_status ns_plan_make (const ns_weights *weights, const ns_request *request,
                        const ns_region_layout *regions, ns_plan *plan, ns_error *err);

#endif
