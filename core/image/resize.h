/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resampling of planar float images: a triangle (bilinear) filter widened by
 * the reduction factor, so that shrinking averages instead of aliasing. */
#ifndef RESIZE_H
#define RESIZE_H

#include "ns_error.h"

/* src: channels x src_h x src_w; dst: channels x dst_h x dst_w. */
ns_status ns_resize_planar (const float *src, int channels, int src_w, int src_h, float *dst,
                            int dst_w, int dst_h, ns_error *err);

#endif
