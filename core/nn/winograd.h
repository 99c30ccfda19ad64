/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 3x3 convolution (stride 1, zero padding 1, planar CHW tensors) by
 * Winograd's minimal filtering F(m x m, 3x3) (Lavin & Gray, CVPR 2016),
 * with output tiles of m = 2 or m = 4 pixels a side ("tile"): each tile
 * costs (m+2)^2 multiplies per channel pair instead of 9 m^2, 2.25 times
 * fewer for m = 2, 4 times fewer for m = 4.  m = 2 rounds as PyTorch's
 * float32 convolutions do (the PyTorch differential test measures both
 * against float64); m = 4's transforms lose several times more, in the
 * forward pass and in the gradient to the input alike: m = 2 is the exact
 * precision, m = 4 the fast one (ns_params.precision), whose error is held
 * to a bound derived from its transforms (tests/unit/test_winograd_fast.c).
 *
 * The weights are transformed once (ns_winograd_transform_weights); the same
 * transformed weights serve the forward pass and the gradient to the input,
 * which is the correlation with the kernels turned by 180 degrees: the
 * forward transform of the turned tile.  Tiles are processed in blocks of
 * whole tile rows whose transformed inputs and outputs fit in the scratch
 * given; OpenMP shares each block's transforms by channel and its matrix
 * products by (point, rows of output channels).  The kernels are compiled
 * for AVX-512, AVX2 and a generic vector width and chosen at run time by
 * the one CPU dispatch (cpu.h). */
#ifndef WINOGRAD_H
#define WINOGRAD_H

#include <stddef.h>
#include <stdint.h>

/* Floats of the transformed weights of a conv with these channel counts. */
size_t ns_winograd_weight_floats (int tile, int in_channels, int out_channels);

/* weight: OIHW (out x in x 3 x 3); u: ns_winograd_weight_floats floats,
 * (tile+2)^2 matrices of out x in in the kernels' own order. */
void ns_winograd_transform_weights (int tile, const float *weight, int out_channels,
                                    int in_channels, float *u);

/* Tile rows per block a layer prefers (more rows: fewer passes over the
 * transformed weights, more scratch). */
int ns_winograd_block_rows (int tile, int in_channels, int out_channels, int height, int width);

/* Floats of scratch a convolution needs with blocks of block_rows tile rows
 * and up to `threads` OpenMP threads. */
size_t ns_winograd_scratch_floats (int tile, int in_channels, int out_channels, int height,
                                   int width, int block_rows, int threads);

/* out = relu?(conv(in, weights) + bias): in is in_channels x H x W, out
 * out_channels x H x W; u from ns_winograd_transform_weights with the same
 * tile; bias may be NULL.  Blocks are as large as scratch allows (at least
 * one tile row must fit).  out may be in (in place), when it holds
 * max(in, out) channels. */
void ns_winograd_conv_forward (int tile, const float *in, int in_channels, int height, int width,
                               const float *u, const float *bias, int out_channels, int relu,
                               float *out, float *scratch, size_t scratch_floats);

/* The forward convolution with ReLU for a network that does not keep its
 * output: out (or NULL) as ns_winograd_conv_forward; mask gets one bit per
 * output value, rows of (W + 63) / 64 words: with pooled NULL, set where the
 * output is positive; else pooled (out_channels x H/2 x W/2) gets the 2x2
 * max pool of the output and the bit is set where a value is its window's
 * first maximum and positive (as ns_maxpool2x2_forward_mask). */
void ns_winograd_conv_forward_masked (int tile, const float *in, int in_channels, int height,
                                      int width, const float *u, const float *bias,
                                      int out_channels, float *out, float *pooled, uint64_t *mask,
                                      float *scratch, size_t scratch_floats);

/* grad_in (in_channels x H x W) = the gradient at the input of the forward
 * convolution with transformed weights u (out_channels x in_channels), for
 * grad_out (out_channels x H x W) at its output.  When relu_output is not
 * NULL, grad_out counts only where relu_output > 0 (the ReLU's backward
 * pass, fused).  grad_in may be grad_out (in place), when it holds
 * max(in, out) channels. */
void ns_winograd_conv_input_gradient (int tile, const float *grad_out, const float *relu_output,
                                      int out_channels, int height, int width, const float *u,
                                      int in_channels, float *grad_in, float *scratch,
                                      size_t scratch_floats);

#endif
