/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A run's scales, coarse to fine: their working sizes (the content's and
 * each style's) and the layers each paints with.  The public part is in
 * neural_style.h (ns_scale_schedule, ns_style_working_size). */
#ifndef NS_SCHEDULE_H
#define NS_SCHEDULE_H

#include "neural_style.h"
#include "objective.h"

/* Below this the deepest layers shrink to a pixel or two and lose all meaning. */
#define NS_MIN_WORKING_SIDE 32
#define NS_MAX_SCALES 16

/* The size an image of width x height is worked at: its longest side
 * scaled to longest_wanted (only ever shrunk when only_shrink is set; 0
 * keeps the image's own size), then grown if need be so its shortest side
 * is at least NS_MIN_WORKING_SIDE.  what names the image in errors. */
ns_status ns_working_size (int width, int height, int longest_wanted, int only_shrink,
                           const char *what, int *out_width, int *out_height, ns_error *err);

/* The longest side the run works at last: params->max_size, never beyond
 * the content's own. */
int ns_final_size (const ns_params *params, int content_width, int content_height);

/* The layers of scale (0-based) of a run whose scales' longest sides are
 * sizes: all of the set's, or for a detail scale (larger than
 * params->detail_size, after a first scale) only its two finest style
 * layers and no content layer (an anchor keeps the shapes instead). */
ns_objective_layers ns_scale_layers (const ns_params *params, int scale, const int *sizes);

/* The anchor's blocks at a detail scale: about one per pixel of the last
 * scale painted with all layers. */
int ns_anchor_block (const ns_params *params, int scale, const int *sizes);

#endif
