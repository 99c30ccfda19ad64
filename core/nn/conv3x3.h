/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 3x3 convolution, stride 1, zero padding 1, on planar (CHW) float tensors. */
#ifndef CONV3X3_H
#define CONV3X3_H

#include <stddef.h>

/* Floats of scratch ns_conv3x3_forward needs for one row of output at width w:
 * it lowers as many rows at a time as fit in the scratch it is given. */
size_t ns_conv3x3_scratch_floats_per_row (int in_channels, int width);

/* out[co,y,x] = bias[co] + sum_{ci,ky,kx} weight[co,ci,ky,kx] * in[ci,y+ky-1,x+kx-1],
 * then, when relu is non-zero, max(0, ·).  bias may be NULL (no bias).
 * scratch holds scratch_floats floats, at least one row's worth. */
void ns_conv3x3_forward (const float *in, int in_channels, int height, int width,
                         const float *weight, const float *bias, int out_channels, int relu,
                         float *out, float *scratch, size_t scratch_floats);

/* Rearranges OIHW weights into the weights of the convolution that maps the
 * gradient at the output to the gradient at the input: swap O and I, rotate
 * each 3x3 kernel by 180 degrees.  flipped holds in*out*9 floats. */
void ns_conv3x3_weights_for_input_gradient (const float *weight, int out_channels, int in_channels,
                                            float *flipped);

#endif
