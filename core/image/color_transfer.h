/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Colour control (Gatys et al. 2017, "Controlling Perceptual Factors in
 * Neural Style Transfer"): "keep original colours" (luminance only, as
 * jcjohnson/neural-style's -original_colors), the linear colour transfer of
 * a style to the content's colour statistics, and histogram matching of a
 * result to the content. */
#ifndef COLOR_TRANSFER_H
#define COLOR_TRANSFER_H

#include <stddef.h>

#include "ns_error.h"

/* Both planar RGB of the same size (3 x pixels).  Replaces the chroma (YIQ's
 * I and Q) of result with that of content, keeping result's Y; clamps to [0,1]. */
void ns_keep_content_colors (float *result, const float *content, size_t pixels);

/* An affine map of RGB colours: x' = matrix x + offset. */
typedef struct
{
  float matrix[3][3];
  float offset[3];
} ns_color_map;

/* The map that gives the style's colours the content's mean and covariance
 * (x' = A (x - mu_s) + mu_c, A = Sigma_c^1/2 Sigma_s^-1/2).  Both images
 * interleaved, RGB first in each pixel of channels values (alpha, if any,
 * is not read); their statistics are taken over every pixel. */
void ns_color_map_matching (const float *style, int style_channels, size_t style_pixels,
                            const float *content, int content_channels, size_t content_pixels,
                            ns_color_map *map);

/* Maps planar RGB (3 x pixels) in place, clamped to [0,1]. */
void ns_color_map_apply (const ns_color_map *map, float *rgb, size_t pixels);

/* Histogram specification: each of result's planes (planar RGB, 3 x pixels)
 * takes the values of the same channel of content (interleaved, channels
 * per pixel, the same number of pixels) in the order of its own values, so
 * that its sorted values are exactly content's.  NS_ERROR_NOMEM without
 * room for its scratch (ns_match_histograms_bytes). */
ns_status ns_match_histograms (float *result, const float *content, int channels, size_t pixels,
                               ns_error *err);
size_t ns_match_histograms_bytes (size_t pixels);

#endif
