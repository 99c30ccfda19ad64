/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shapes a detail scale keeps: x averaged over blocks of block x block
 * pixels must stay what the scale started from (the coarser scale's
 * result, upsampled), relative to that target:
 *   A(x) = |B(x) - B(x0)|^2 / |B(x0)|^2
 * so the fine style layers add strokes within each block but move no
 * shape (Gatys et al. 2017, "Controlling Perceptual Factors", use the
 * coarse result as the fine stage's content in the same way). */
#ifndef ANCHOR_H
#define ANCHOR_H

#include "ns_error.h"

typedef struct
{
  int width, height, block;
  int columns, rows; /* blocks across and down (the last ones may be partial) */
  float *target;     /* 3 x rows x columns block means of x0 */
  float *means;      /* the same of the x evaluated */
  double normaliser; /* 1 / |target|^2 */
} ns_anchor;

/* x0: planar RGB, width x height. */
ns_status ns_anchor_init (ns_anchor *anchor, const float *x0, int width, int height, int block,
                          ns_error *err);
void ns_anchor_clear (ns_anchor *anchor);

/* Returns A(x); when grad is not NULL adds weight * dA/dx to it. */
double ns_anchor_loss (ns_anchor *anchor, const float *x, double weight, float *grad);

#endif
