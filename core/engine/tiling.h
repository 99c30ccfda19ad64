/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tiles of an image for an exact tiled evaluation of the network (as in
 * Galerne et al., "Scaling Painting Style Transfer", EGSR 2024): the image
 * is cut into inner rectangles that cover it once; each is run inside a crop
 * that adds a halo on every side where the image goes on.  The halo is at
 * least the receptive radius of the deepest conv in use, so the features of
 * the inner part, and the input gradient they cause, are the whole image's.
 * Every offset is a multiple of 32: the pools' windows are the whole
 * image's windows, and so are the Winograd F(2x2) tiles of every layer
 * (F(4x4)'s too, up to conv3_x), which thus round as the whole image's do. */
#ifndef TILING_H
#define TILING_H

#include <stddef.h>

#include "ns_error.h"
#include "vgg19_net.h"

/* A rectangle of input pixels: rows y0 .. y1-1, columns x0 .. x1-1. */
typedef struct
{
  int y0, y1, x0, x1;
} ns_rect;

typedef struct
{
  ns_rect inner; /* the part of the image this tile stands for */
  ns_rect crop;  /* what the network runs on: inner and its halo, within the image */
} ns_tile;

#define NS_TILING_ALIGN 32 /* 2^pools * the Winograd tile: 2^4 * 2 at conv5_1 */

typedef struct
{
  int height, width;           /* the image's */
  int halo;                    /* pixels added on each side where the image goes on */
  int rows, columns;           /* tiles down and across */
  int crop_height, crop_width; /* the largest crop */
  int count;                   /* rows * columns */
  ns_tile *tiles;              /* row by row */
} ns_tiling;

/* The halo a network of conv_count convs needs. */
int ns_tiling_halo (int conv_count);

/* Tiles of a height x width image, rows x columns of them (inner sizes
 * rounded up to NS_TILING_ALIGN, so there may be fewer). */
ns_status ns_tiling_grid (ns_tiling *tiling, int height, int width, int halo, int rows, int columns,
                          ns_error *err);
void ns_tiling_clear (ns_tiling *tiling);

/* What the caller's crops take: bytes (user, crop_height, crop_width,
 * tile_count), measured by laying out what it allocates for tile_count
 * tiles whose largest crop is crop_height x crop_width (SIZE_MAX: it cannot
 * be made). */
typedef struct
{
  size_t (*bytes) (const void *user, int crop_height, int crop_width, int tile_count);
  const void *user;
} ns_tile_measure;

/* The fewest pixels of crops that take at most budget bytes, as a tiling;
 * one tile when the whole image fits.  NS_ERROR_NOMEM when no tiling fits
 * the budget, with the budget it would need. */
ns_status ns_tiling_plan (ns_tiling *tiling, int height, int width, int conv_count,
                          const ns_tile_measure *measure, size_t budget, ns_error *err);

/* The fewest bytes a tiling of that image takes whose crops hold at most
 * max_overhead times the image's pixels (0: any tiling, the budget below
 * which ns_tiling_plan fails). */
size_t ns_tiling_least (int height, int width, int conv_count, const ns_tile_measure *measure,
                        double max_overhead);

/* The rectangle r of the input (edges multiples of 2^pools, or the
 * image's), at conv_index's features, 2^pools smaller, rounded down as the
 * pools round. */
ns_rect ns_rect_at_layer (ns_rect r, int conv_index);
/* r moved so that origin is its (0, 0). */
ns_rect ns_rect_within (ns_rect r, ns_rect origin);

/* Copies the rect r (in feature coordinates) of a channels x height x width
 * tensor into a contiguous channels x rows x columns one, and back (adding);
 * or into a tensor of its own size that is zero outside r. */
void ns_rect_gather (const float *src, int channels, int height, int width, ns_rect r, float *dst);
void ns_rect_scatter_add (const float *src, int channels, int height, int width, ns_rect r,
                          float *dst);
void ns_rect_masked_copy (const float *src, int channels, int height, int width, ns_rect r,
                          float *dst);

#endif
