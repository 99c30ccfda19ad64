/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The shapes a detail scale keeps: x averaged over blocks of about block x
 * block pixels must stay what the scale started from (the coarser scale's
 * result, upsampled), relative to that target:
 *   A(x) = |B(x) - B(x0)|^2 / |B(x0)|^2
 * so the fine style layers add strokes within each block but move no
 * shape (Gatys et al. 2017, "Controlling Perceptual Factors", use the
 * coarse result as the fine stage's content in the same way).  B weights
 * each block's pixels by a tent of half-width block on each axis
 * (neighbouring tents add up to 1): its pull on x has no edges at the
 * blocks' borders, which box means printed as a faint grid. */
#ifndef ANCHOR_H
#define ANCHOR_H

#include <stddef.h>

#include "ns_budget.h"
#include "ns_error.h"

typedef struct
{
  int width, height, block;
  int columns, rows;                  /* blocks across and down (the last ones may be partial) */
  double *target;                     /* 3 x rows x columns block means of x0 */
  double *means;                      /* the same of the x evaluated */
  double *column_totals, *row_totals; /* each block's tent summed over the image, per axis */
  double normaliser;                  /* 1 / |target|^2 */
} ns_anchor;

/* Lays out the buffers of an anchor of a width x height image in blocks
 * of block pixels through budget, computing nothing: measuring, its held
 * bytes are what ns_anchor_init allocates. */
ns_status ns_anchor_lay_out (ns_anchor *anchor, int width, int height, int block, ns_budget *budget,
                             ns_error *err);

/* x0: planar RGB, width x height. */
ns_status ns_anchor_init (ns_anchor *anchor, const float *x0, int width, int height, int block,
                          ns_error *err);
void ns_anchor_clear (ns_anchor *anchor);

/* Returns A(x); when grad is not NULL adds weight * dA/dx to it. */
double ns_anchor_loss (ns_anchor *anchor, const float *x, double weight, float *grad);

#endif
