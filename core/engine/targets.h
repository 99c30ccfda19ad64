/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The style targets an engine keeps between runs, one set per scale, with
 * what they were computed from: the scaled style pictures (after any
 * recolouring), their blends and regions, the layers, the network's
 * Winograd tile (the arithmetic of the precision) and the grids of
 * tiles the pictures ran in (the order of the targets' sums).  A run that
 * finds all of these equal takes the targets instead of computing them. */
#ifndef NS_TARGETS_H
#define NS_TARGETS_H

#include "objective.h"
#include "planar.h"
#include "schedule.h"

/* What a scale's targets depend on; the pictures are borrowed. */
typedef struct
{
  const ns_objective_layers *layers;
  const ns_objective_guides *guides; /* NULL: none */
  const ns_objective_style *styles;
  int style_count;
  int grid_rows[NS_MAX_STYLES], grid_columns[NS_MAX_STYLES]; /* ns_objective_style_grid */
  int winograd_tile;
} ns_target_key;

typedef struct
{
  int kept;
  ns_objective_layers layers;
  int winograd_tile;
  int region_count;
  int style_region[NS_MAX_STYLES];
  int style_count;
  double blend[NS_MAX_STYLES];
  int grid_rows[NS_MAX_STYLES], grid_columns[NS_MAX_STYLES];
  ns_planar styles[NS_MAX_STYLES];
  ns_style_targets targets;
} ns_target_entry;

typedef struct
{
  ns_target_entry scale[NS_MAX_SCALES];
  int made; /* how many times a run computed a scale's targets */
} ns_target_cache;

/* The targets kept for scale with this key, or NULL. */
const ns_style_targets *ns_target_cache_find (const ns_target_cache *cache, int scale,
                                              const ns_target_key *key);

/* Keeps obj's targets for scale with key, replacing what was kept there. */
ns_status ns_target_cache_keep (ns_target_cache *cache, int scale, const ns_target_key *key,
                                const ns_objective *obj, ns_error *err);

void ns_target_cache_clear (ns_target_cache *cache);

#endif
