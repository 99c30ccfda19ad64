/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 2x2 max pooling, stride 2, on planar tensors; odd trailing rows/columns
 * are dropped (floor), as torch.nn.MaxPool2d(2, 2) does. */
#ifndef MAXPOOL2X2_H
#define MAXPOOL2X2_H

#include <stddef.h>
#include <stdint.h>

void ns_maxpool2x2_forward (const float *in, int channels, int height, int width, float *out);

/* grad_in (channels x height x width) = zeros, except that each window's
 * first maximum (in row-major order) receives the window's grad_out. */
void ns_maxpool2x2_backward (const float *in, int channels, int height, int width,
                             const float *grad_out, float *grad_in);

/* Words of 64 bits of one row of a bit mask of a tensor width values wide. */
static inline size_t
ns_maxpool2x2_mask_words (int width)
{
  return ((size_t) width + 63) / 64;
}

/* *lanes = 16 ints, -1 where bit k of `bits` (16 bits of a mask row) is
 * set, else 0, for vector code that reads masks.  (Through a pointer: a
 * 64-byte vector returned by value would change the ABI with AVX-512.) */
typedef int ns_maxpool2x2_mask_lanes __attribute__ ((vector_size (64)));
static inline __attribute__ ((always_inline)) void
ns_maxpool2x2_lanes_of_bits (int bits, ns_maxpool2x2_mask_lanes *lanes)
{
  const ns_maxpool2x2_mask_lanes lane = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
  *lanes = ((((ns_maxpool2x2_mask_lanes) { 0 } + bits) >> lane) & 1) != 0;
}

/* ns_maxpool2x2_forward, also setting mask (channels x height rows of
 * ns_maxpool2x2_mask_words (width) words, one bit per input value): the bit of
 * each window's first maximum is set when that maximum is positive, every
 * other bit is clear.  For an input that is a ReLU's output, the mask is
 * then where the gradient passes through both the pool and the ReLU. */
void ns_maxpool2x2_forward_mask (const float *in, int channels, int height, int width, float *out,
                                 uint64_t *mask);

/* grad_in = grad_out sent back through the pool (and ReLU) of mask. */
void ns_maxpool2x2_backward_mask (const uint64_t *mask, int channels, int height, int width,
                                  const float *grad_out, float *grad_in);

#endif
