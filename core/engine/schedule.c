/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "schedule.h"

#include <math.h>

#include "layer_sets.h"

/* Each scale is twice as large as the one before, and every scale takes the
 * same number of iterations: the last scale's decide the final loss, and a
 * coarse scale's result loses its fine strokes to the upsampling anyway
 * (docs/performance.md). */
#define SCALE_STEP 2.0

int
ns_conv_count_needed (const ns_params *params)
{
  const ns_objective_layers layers = ns_layer_set_layers (params);
  return ns_objective_conv_count (&layers);
}

ns_status
ns_working_size (int width, int height, int longest_wanted, int only_shrink, const char *what,
                 int *out_width, int *out_height, ns_error *err)
{
  const int longest = width > height ? width : height;
  double scale = longest_wanted > 0 ? (double) longest_wanted / longest : 1.0;
  if (only_shrink && scale > 1.0)
    scale = 1.0;
  const int shortest = width < height ? width : height;
  const int widened = shortest * scale < NS_MIN_WORKING_SIDE;
  if (widened)
    scale = (double) NS_MIN_WORKING_SIDE / shortest;
  const double w = ceil (width * scale - 0.5), h = ceil (height * scale - 0.5);
  if ((w > NS_MAX_WORKING_SIZE || h > NS_MAX_WORKING_SIZE) && widened)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the %s image (%dx%d) is too narrow: its short side would need "
                         "%d pixels, making the long side larger than %d",
                         what, width, height, NS_MIN_WORKING_SIDE, NS_MAX_WORKING_SIZE);
  if (w > NS_MAX_WORKING_SIZE || h > NS_MAX_WORKING_SIZE)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the %s image (%dx%d) would be worked at %.0fx%.0f: the largest "
                         "working size is %d pixels on a side; give a working size up to that",
                         what, width, height, w, h, NS_MAX_WORKING_SIZE);
  *out_width = w < NS_MIN_WORKING_SIDE ? NS_MIN_WORKING_SIDE : (int) w;
  *out_height = h < NS_MIN_WORKING_SIDE ? NS_MIN_WORKING_SIDE : (int) h;
  return NS_OK;
}

ns_status
ns_style_working_size (const ns_params *params, int style_width, int style_height, int working_size,
                       int *width, int *height, ns_error *err)
{
  return ns_working_size (style_width, style_height,
                          (int) lround (working_size * params->style_scale), 1, "style", width,
                          height, err);
}

int
ns_final_size (const ns_params *params, int content_width, int content_height)
{
  const int own = content_width > content_height ? content_width : content_height;
  return params->max_size > 0 && params->max_size < own ? params->max_size : own;
}

ns_objective_layers
ns_scale_layers (const ns_params *params, int scale, const int *sizes)
{
  ns_objective_layers layers = ns_layer_set_layers (params);
  if (params->detail_size > 0 && scale > 0 && sizes[scale] > params->detail_size)
    {
      layers.content_layer = -1;
      layers.style_layer_count = 2;
    }
  return layers;
}

int
ns_anchor_block (const ns_params *params, int scale, const int *sizes)
{
  int full = sizes[0];
  for (int k = 0; k < scale; k++)
    if (sizes[k] <= params->detail_size)
      full = sizes[k];
  const int block = (int) lround ((double) sizes[scale] / full);
  return block > 2 ? block : 2;
}

int
ns_scale_schedule (const ns_params *params, int content_width, int content_height, int *sizes,
                   int *iterations, int max_scales)
{
  const int final = ns_final_size (params, content_width, content_height);
  int scale_sizes[NS_MAX_SCALES], count = 0;

  if (params->multi_scale)
    /* stop a step short when the next would land within 15% of the final size */
    for (double s = params->min_scale_size; s * 1.15 < final && count < NS_MAX_SCALES - 1;
         s *= SCALE_STEP)
      scale_sizes[count++] = (int) lround (s);
  scale_sizes[count++] = final;

  for (int k = 0; k < count && k < max_scales; k++)
    {
      sizes[k] = scale_sizes[k];
      iterations[k] = params->iterations;
    }
  return count < max_scales ? count : max_scales;
}
