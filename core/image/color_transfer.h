/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Keep original colours" (Gatys et al. 2017, as jcjohnson/neural-style's
 * -original_colors): the result's luminance with the content's chroma. */
#ifndef COLOR_TRANSFER_H
#define COLOR_TRANSFER_H

#include <stddef.h>

/* Both planar RGB of the same size (3 x pixels).  Replaces the chroma (YIQ's
 * I and Q) of result with that of content, keeping result's Y; clamps to [0,1]. */
void ns_keep_content_colors (float *result, const float *content, size_t pixels);

#endif
