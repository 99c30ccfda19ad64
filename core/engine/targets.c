/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "targets.h"

#include <string.h>

static int
same_layers (const ns_objective_layers *a, const ns_objective_layers *b)
{
  if (a->style_layer_count != b->style_layer_count)
    return 0;
  for (int s = 0; s < a->style_layer_count; s++)
    if (a->style_layers[s] != b->style_layers[s])
      return 0;
  return 1;
}

static int
region_count (const ns_target_key *key)
{
  return key->guides ? key->guides->region_count : 0;
}

const ns_style_targets *
ns_target_cache_find (const ns_target_cache *cache, int scale, const ns_target_key *key)
{
  const ns_target_entry *e = &cache->scale[scale];
  if (!e->kept || !same_layers (&e->layers, key->layers) || e->winograd_tile != key->winograd_tile ||
      e->style_count != key->style_count || e->region_count != region_count (key))
    return NULL;
  for (int k = 0; k < key->style_count; k++)
    {
      const ns_objective_style *s = &key->styles[k];
      const ns_planar *p = &e->styles[k];
      if (e->blend[k] != s->blend || p->width != s->width || p->height != s->height ||
          e->grid_rows[k] != key->grid_rows[k] || e->grid_columns[k] != key->grid_columns[k] ||
          (key->guides && key->guides->region_count > 0 &&
           e->style_region[k] != key->guides->style_region[k]) ||
          memcmp (p->rgb, s->rgb, ns_planar_bytes (s->width, s->height)) != 0)
        return NULL;
    }
  return &e->targets;
}

static void
entry_clear (ns_target_entry *e)
{
  for (int k = 0; k < NS_MAX_STYLES; k++)
    ns_planar_clear (&e->styles[k]);
  ns_style_targets_clear (&e->targets);
  memset (e, 0, sizeof *e);
}

ns_status
ns_target_cache_keep (ns_target_cache *cache, int scale, const ns_target_key *key,
                      const ns_objective *obj, ns_error *err)
{
  ns_target_entry *e = &cache->scale[scale];
  entry_clear (e);
  e->layers = *key->layers;
  e->winograd_tile = key->winograd_tile;
  e->style_count = key->style_count;
  e->region_count = region_count (key);
  ns_status status = NS_OK;
  for (int k = 0; k < key->style_count && status == NS_OK; k++)
    {
      const ns_objective_style *s = &key->styles[k];
      e->blend[k] = s->blend;
      e->grid_rows[k] = key->grid_rows[k];
      e->grid_columns[k] = key->grid_columns[k];
      e->style_region[k] = e->region_count > 0 ? key->guides->style_region[k] : 0;
      status = ns_planar_copy (s->rgb, s->width, s->height, &e->styles[k], err);
    }
  if (status == NS_OK)
    status = ns_objective_copy_targets (obj, &e->targets, err);
  if (status == NS_OK)
    e->kept = 1;
  else
    entry_clear (e);
  return status;
}

void
ns_target_cache_clear (ns_target_cache *cache)
{
  for (int s = 0; s < NS_MAX_SCALES; s++)
    entry_clear (&cache->scale[s]);
  cache->made = 0;
}
