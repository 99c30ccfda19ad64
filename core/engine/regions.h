/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the styles paint (ns_style.region) and the region to keep, as the
 * objective's regions (ns_objective_guides), and their planes at a
 * working size. */
#ifndef NS_REGIONS_H
#define NS_REGIONS_H

#include "neural_style.h"

typedef struct
{
  int count;                       /* regions; 0: none, the one blend everywhere */
  int style_region[NS_MAX_STYLES]; /* style k's region */
  int source[NS_MAX_STYLES];       /* region g's style, or -1: where no style's region is */
  const ns_image *keep;            /* NULL: none */
} ns_region_layout;

/* Each style with a region is a region of its own; the styles without
 * one share the rest of the image.  With a region to keep there are
 * regions even without any style's: the style pulls less there. */
void ns_region_layout_make (const ns_style *styles, int style_count, const ns_image *keep,
                            ns_region_layout *layout);

/* The regions' planes (layout->count of them, *regions) and the region to
 * keep's (*keep) at width x height, allocated here (NULL when there are
 * none); the caller frees them, also on an error.  In the region to keep,
 * the style's pull is keep_strength times weaker (its content weight
 * keep_strength times stronger, in the objective): the content weight alone
 * keeps the content layer's shapes, while the fine style layers go on
 * repainting the region's pixels. */
ns_status ns_region_planes (const ns_style *styles, const ns_region_layout *layout,
                            double keep_strength, int width, int height, float **regions,
                            float **keep, ns_error *err);

#endif
