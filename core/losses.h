/* The two losses of Gatys et al., normalised so that their size does not
 * grow with the image (jcjohnson/neural-style's normalisation):
 *   content  L_c = mean over C*H*W of (F - P)^2
 *   style    G = F F^T / (C*H*W),  E = mean over C*C of (G - A)^2 */
#ifndef LOSSES_H
#define LOSSES_H

#include <stddef.h>

/* Returns L_c; when grad is not NULL adds weight * dL_c/dF to it. */
double content_loss (const float *features, const float *target, size_t count,
                     double weight, float *grad);

/* The Gram statistic style_loss compares: gram = F F^T / (channels * n). */
void style_gram (const float *features, int channels, size_t n, float *gram);

/* Returns E for features (channels x n) against target_gram; when grad is not
 * NULL adds weight * dE/dF to it.  scratch holds channels*channels floats. */
double style_loss (const float *features, int channels, size_t n,
                   const float *target_gram, double weight,
                   float *scratch, float *grad);

#endif
