/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A planar RGB image that owns its pixels (3 x height x width floats): the
 * form the network reads, made from the public ns_image or resized from
 * another.  Each maker allocates and leaves nothing behind when it fails. */
#ifndef NS_PLANAR_H
#define NS_PLANAR_H

#include "neural_style.h"

#include <stddef.h>

typedef struct
{
  float *rgb;
  int width, height;
} ns_planar;

/* Bytes of a width x height planar RGB image. */
size_t ns_planar_bytes (int width, int height);

/* out->rgb, a width x height image's room, uninitialised. */
ns_status ns_planar_new (int width, int height, ns_planar *out, ns_error *err);
/* image's colour channels at its own size. */
ns_status ns_planar_from_image (const ns_image *image, ns_planar *out, ns_error *err);
/* image's colour channels at width x height. */
ns_status ns_planar_from_image_resized (const ns_image *image, int width, int height,
                                        ns_planar *out, ns_error *err);
/* src at width x height. */
ns_status ns_planar_resized (const ns_planar *src, int width, int height, ns_planar *out,
                             ns_error *err);
/* A copy of rgb (width x height) in out, whose former pixels go. */
ns_status ns_planar_copy (const float *rgb, int width, int height, ns_planar *out, ns_error *err);
void ns_planar_clear (ns_planar *planar);

/* Clamps count values to [0, 1]. */
void ns_clamp_unit (float *x, size_t count);

#endif
