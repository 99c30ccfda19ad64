/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "regions.h"

#include <stdlib.h>
#include <string.h>

#include "planar.h"
#include "resize.h"

void
ns_region_layout_make (const ns_style *styles, int style_count, const ns_image *keep,
                       ns_region_layout *layout)
{
  memset (layout, 0, sizeof *layout);
  layout->keep = keep;
  int rest = -1;
  for (int k = 0; k < style_count; k++)
    if (styles[k].region)
      {
        layout->source[layout->count] = k;
        layout->style_region[k] = layout->count++;
      }
  if (layout->count == 0 && !keep)
    return;
  for (int k = 0; k < style_count; k++)
    if (!styles[k].region)
      {
        if (rest < 0)
          {
            rest = layout->count++;
            layout->source[rest] = -1;
          }
        layout->style_region[k] = rest;
      }
}

/* mask (one channel) at width x height in out, within [0, 1]. */
static ns_status
mask_resized (const ns_image *mask, int width, int height, float *out, ns_error *err)
{
  ns_status status = ns_resize_interleaved_to_planar (mask->data, 1, 1, mask->width, mask->height,
                                                      out, width, height, err);
  ns_clamp_unit (out, (size_t) width * height);
  return status;
}

ns_status
ns_region_planes (const ns_style *styles, const ns_region_layout *layout, double keep_strength,
                  int width, int height, float **regions, float **keep, ns_error *err)
{
  const size_t plane = (size_t) width * height;
  ns_status status = NS_OK;
  *regions = *keep = NULL;
  if (layout->count > 0 && !(*regions = malloc (sizeof (float) * plane * layout->count)))
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the regions");
  float *r = *regions;
  int rest = -1;
  for (int g = 0; g < layout->count && status == NS_OK; g++)
    if (layout->source[g] < 0)
      rest = g;
    else
      status = mask_resized (styles[layout->source[g]].region, width, height, r + g * plane, err);
  if (status == NS_OK && rest >= 0)
    {
      float *out = r + rest * plane;
      for (size_t i = 0; i < plane; i++)
        {
          float covered = 0.0f;
          for (int g = 0; g < layout->count; g++)
            if (g != rest)
              covered += r[g * plane + i];
          out[i] = covered < 1.0f ? 1.0f - covered : 0.0f;
        }
    }
  if (status == NS_OK && layout->keep)
    {
      if (!(*keep = malloc (sizeof (float) * plane)))
        return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the region to keep");
      status = mask_resized (layout->keep, width, height, *keep, err);
      const float weaker = (float) (1.0 - 1.0 / keep_strength);
      for (int g = 0; status == NS_OK && g < layout->count; g++)
        for (size_t i = 0; i < plane; i++)
          r[g * plane + i] *= 1.0f - weaker * (*keep)[i];
    }
  return status;
}
