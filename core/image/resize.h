/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resampling of planar float images: a triangle (bilinear) filter widened by
 * the reduction factor, so that shrinking averages instead of aliasing. */
#ifndef RESIZE_H
#define RESIZE_H

#include "ns_error.h"

#include <stddef.h>

/* src: channels x src_h x src_w; dst: channels x dst_h x dst_w. */
ns_status ns_resize_planar (const float *src, int channels, int src_w, int src_h, float *dst,
                            int dst_w, int dst_h, ns_error *err);

/* The same from the first channels of an interleaved image of src_channels
 * (src_h x src_w x src_channels), with the same result as from its planar
 * copy: an image is resized without one. */
ns_status ns_resize_interleaved_to_planar (const float *src, int src_channels, int channels,
                                           int src_w, int src_h, float *dst, int dst_w, int dst_h,
                                           ns_error *err);

/* The bytes either takes besides its input and output (none at the same
 * size: a copy). */
size_t ns_resize_scratch_bytes (int channels, int src_w, int src_h, int dst_w, int dst_h);

#endif
