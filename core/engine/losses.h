/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The losses of Gatys et al., each made relative to its target so that it
 * means the same at any image size and for any input convention:
 *   content  L_c = |F - P|^2 / |P|^2                  (features F, target P)
 *   style    E   = |G - A|^2 / |A|^2,  G = F F^T / (C*H*W)
 * A weight of 1 on either term thus asks for "this statistic right to the
 * same relative precision" whatever the layer, size or weights file. */
#ifndef LOSSES_H
#define LOSSES_H

#include <stddef.h>

/* Sum of squares of a, in a fixed order whatever the thread count, so that
 * identical inputs give identical losses. */
double ns_sum_of_squares (const float *a, size_t count);

/* Returns normaliser * |F - P|^2; when grad is not NULL adds
 * weight * d(that)/dF to it.  Use normaliser = 1 / |P|^2. */
double ns_content_loss (const float *features, const float *target, size_t count, double normaliser,
                        double weight, float *grad);

/* The Gram statistic style_loss compares: gram = F F^T / (channels * n). */
void ns_style_gram (const float *features, int channels, size_t n, float *gram);

/* Returns normaliser * |G - A|^2 for features (channels x n) against
 * target_gram A; when grad is not NULL adds weight * d(that)/dF to it.
 * scratch holds channels*channels floats.  Use normaliser = 1 / |A|^2. */
double ns_style_loss (const float *features, int channels, size_t n, const float *target_gram,
                      double normaliser, double weight, float *scratch, float *grad);

/* Returns normaliser * |G - A|^2 for a Gram matrix gram (entries floats)
 * against target_gram A; when dgram is not NULL (it may be gram) stores
 * d(that)/dG = 2 normaliser (G - A) in it, for ns_gram_backward. */
double ns_style_loss_of_gram (const float *gram, const float *target_gram, size_t entries,
                              double normaliser, float *dgram);

/* Returns 1/D sum over the pixels i and the 3 channels c of
 * m_i (x_ci - t_ci)^2, D = 3 pixels (x, target: 3 planes of pixels floats;
 * mask m: one plane, NULL: 1 everywhere); when grad is not NULL adds
 * weight * d(that)/dx to it, nothing where m is 0. */
double ns_pixel_loss (const float *x, const float *target, const float *mask, size_t pixels,
                      double weight, float *grad);

/* 1/x, or 1 where x is zero (an all-zero target: the loss stays absolute). */
double ns_loss_normaliser (double squared_norm);

#endif
