/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Total variation of a planar image: the mean over channels and pixels of
 * the squared differences to the right and lower neighbours.  A small weight
 * on it smooths the high-frequency noise pixel optimisation leaves. */
#ifndef TOTAL_VARIATION_H
#define TOTAL_VARIATION_H

#define TOTAL_VARIATION_MAX_CHANNELS 4

/* Returns the total variation of x (channels x height x width); when grad
 * is not NULL adds weight * its gradient. */
double ns_total_variation (const float *x, int channels, int height, int width, double weight,
                           float *grad);

#endif
