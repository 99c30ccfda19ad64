/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Gram matrices of feature maps, the style statistic of Gatys et al. */
#ifndef GRAM_H
#define GRAM_H

#include <stddef.h>

/* gram (channels x channels) = scale * F F^T, F = features (channels x n). */
void ns_gram_forward (const float *features, int channels, size_t n, float scale, float *gram);

/* For a loss L of gram = scale * F F^T with a symmetric dL/dgram:
 * grad_features += 2 * scale * dL/dgram * F. */
void ns_gram_backward (const float *features, int channels, size_t n, float scale,
                       const float *grad_gram, float *grad_features);

#endif
