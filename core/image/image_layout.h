/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Conversions between the public interleaved ns_image and the planar RGB
 * tensors the network works on. */
#ifndef NS_IMAGE_LAYOUT_H
#define NS_IMAGE_LAYOUT_H

#include "neural_style.h"

/* planar: 3 x height x width, the image's colour channels. */
void ns_image_to_planar_rgb (const ns_image *image, float *planar);

/* Writes planar colour (clamped to [0,1]) into image; a 4th channel gets
 * alpha_source's alpha (same size) or 1 when it has none. */
void ns_image_from_planar_rgb (ns_image *image, const float *planar, const ns_image *alpha_source);

#endif
