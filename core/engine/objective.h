/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The style-transfer objective of Gatys et al. for one working size:
 *   loss(x) = alpha * L_content(x) + beta * sum_l w_l E_l(x) + tv * TV(x)
 *             + pixel_weight * P(x)
 * (see losses.h for the relative normalisation of each term), and its
 * gradient in x.  The layers are chosen by the caller.
 *
 * P is a pull of the pixels towards a target picture t where a mask m says
 * (an animation's temporal term, Ruder, Dosovitskiy, Brox 2016):
 *   P(x) = 1/D sum over the pixels i and channels c of m_i (x_ci - t_ci)^2
 * with D = 3 W H, in the units x is optimised in: [0,1] R'G'B' planes at
 * the working size (the network's input convention is applied inside the
 * network, after it).  t and m are the request's, resized to the working
 * size, m clamped to [0,1]; being a mean, P means the same at every scale.
 * Like TV it is computed on the whole image, never per tile: each pixel
 * counts once however the network's work is cut.
 *
 * An image whose network would not fit a memory budget is evaluated in
 * tiles (tiling.h), exactly: a first pass over the tiles sums the whole
 * image's Gram matrices from each tile's inner part; a second runs each
 * tile forward and backward with the gradient of the whole image's loss at
 * its inner features, and adds its input gradient into the image's. */
#ifndef OBJECTIVE_H
#define OBJECTIVE_H

#include "anchor.h"
#include "neural_style.h"
#include "ns_budget.h"
#include "ns_error.h"
#include "tiling.h"
#include "vgg19_net.h"

#define NS_OBJECTIVE_MAX_STYLE_LAYERS 8
#define NS_OBJECTIVE_MAX_TARGETS NS_MAX_STYLES

typedef struct
{
  int content_layer; /* conv index of the content ReLU; -1: no content loss */
  int style_layer_count;
  int style_layers[NS_OBJECTIVE_MAX_STYLE_LAYERS]; /* conv indices */
  double style_layer_weights[NS_OBJECTIVE_MAX_STYLE_LAYERS];
} ns_objective_layers;

/* A style image (planar RGB) and its share of the blended style targets. */
typedef struct
{
  const float *rgb;
  int width, height;
  double blend;
} ns_objective_style;

/* Gatys et al. 2017's spatial control.  Regions of the working image,
 * each matched to its own style target by guided Gram matrices: at each
 * style layer a region's mask g (taken to the layer's grid and eroded by
 * one position, so that a region's statistics do not take in its
 * neighbour's) gives
 *   G_g = (F g)(F g)^T / (C sum g^2),  term  share_g |G_g - A_g|^2 / |A_g|^2
 * with share_g = sum g^2 / positions: a pixel pulls as hard towards its
 * region's style as it would towards a style of the whole image.  And a
 * region whose content weight is raised. */
typedef struct
{
  int region_count;        /* 0: one target, the blend of every style, matched everywhere */
  const float *regions;    /* region_count planes of the working size, 0 to 1 */
  const int *style_region; /* style k's region; the styles of a region blend */
  const float *keep;       /* NULL, or a plane of the working size, 0 to 1 */
  double keep_strength;    /* the content weight's factor where keep is 1 */
} ns_objective_guides;

/* Called after each tile of an evaluation in several tiles: sweep 1 sums
 * the Gram matrices, sweep 2 the gradient; tile counts the sweep's tiles
 * done (1 to the tiling's count).  Non-zero abandons the evaluation. */
typedef int (*ns_objective_tile_fn) (void *user_data, int sweep, int tile);

typedef struct
{
  ns_objective_layers layers;
  int height, width;     /* the working image's */
  ns_tiling tiling;      /* of the working image: one tile when it fits the budget */
  ns_vgg19_net net;      /* sized for the largest tile's crop */
  float *content_target; /* the whole image's, at the content layer */
  double content_normaliser;
  float *keep_map;  /* the content weight's factor on the content layer's grid; NULL: 1 */
  int guided;       /* regions: each target matched through its guides */
  int target_count; /* style targets: one per region, or the one blend */
  /* per target and style layer */
  float *style_gram[NS_OBJECTIVE_MAX_TARGETS][NS_OBJECTIVE_MAX_STYLE_LAYERS];
  double style_normaliser[NS_OBJECTIVE_MAX_TARGETS][NS_OBJECTIVE_MAX_STYLE_LAYERS];
  float *gram[NS_OBJECTIVE_MAX_TARGETS][NS_OBJECTIVE_MAX_STYLE_LAYERS]; /* the image's; then
                                                                           dLoss/dGram */
  /* a region's mask on the layer's grid over the whole image (NULL without
   * regions), and its share (0: the region is empty there, or has no style) */
  float *guide[NS_OBJECTIVE_MAX_TARGETS][NS_OBJECTIVE_MAX_STYLE_LAYERS];
  double guide_share[NS_OBJECTIVE_MAX_TARGETS][NS_OBJECTIVE_MAX_STYLE_LAYERS];
  float *guided_features; /* a tile's features times a guide */
  float *gram_scratch;
  /* with several tiles: a crop of the image and its gradient; a loss
   * layer's features of a tile's inner part */
  float *crop_rgb, *crop_gradient;
  float *inner_features;
  ns_anchor anchor; /* a detail scale's shapes (target NULL: none) */
  /* P's target (3 planes) and mask (one plane; NULL: 1 everywhere) at the
   * working size; target NULL: no P */
  float *pixel_target, *pixel_mask;
  double content_weight, style_weight, tv_weight, pixel_weight;
  /* unweighted terms of the last evaluation (style: sum of w_l E_l;
   * content: with an anchor, the anchor's term too; pixel: P) */
  double content_loss, style_loss, tv_loss, pixel_loss;
  size_t held_bytes;              /* what ns_objective_lay_out allocated */
  size_t tile_bytes;              /* what the network and buffers of its tiles took */
  ns_objective_tile_fn tile_done; /* NULL: none */
  void *tile_user_data;
} ns_objective;

/* Convolutions needed for these layers (the network is cut after the deepest). */
int ns_objective_conv_count (const ns_objective_layers *layers);

/* content: planar RGB width x height, the size x will have.  The style
 * targets are the blend-weighted mean of each style's Gram matrices, each
 * computed at that style image's own size.  Computes the targets once.
 * The networks keep the ReLU outputs of the loss layers and of
 * net_options->keep, and use its Winograd tile; NULL: tile 2, keep no more. */
ns_status ns_objective_init (ns_objective *obj, const ns_weights *weights,
                             const ns_objective_layers *layers, const float *content, int width,
                             int height, const ns_objective_style *styles, int style_count,
                             double content_weight, double style_weight, double tv_weight,
                             const ns_vgg19_net_options *net_options, ns_error *err);

/* How ns_objective_init_tiled cuts images (the style images too): into
 * tiles whose networks and buffers take at most budget bytes, or (rows > 0)
 * into a grid of rows x columns tiles whatever they take.  The content
 * target, the Gram matrices and x are not part of the budget (see
 * ns_objective_lay_out). */
typedef struct
{
  size_t budget; /* 0 and no grid: the whole image as one tile */
  int rows, columns;
} ns_tile_request;

/* The style targets of an objective: per target and style layer, the
 * Gram matrices it matches and their normalisers.  Computing them runs a
 * network over every style image; a run that paints with the same style
 * images again may keep them (ns_objective_copy_targets) and give them to
 * the next objective (ns_objective_spec.targets). */
typedef struct
{
  int target_count, layer_count;
  float *gram[NS_OBJECTIVE_MAX_TARGETS][NS_OBJECTIVE_MAX_STYLE_LAYERS];
  double normaliser[NS_OBJECTIVE_MAX_TARGETS][NS_OBJECTIVE_MAX_STYLE_LAYERS];
} ns_style_targets;

/* A copy of obj's style targets in *targets (freed by ns_style_targets_clear). */
ns_status ns_objective_copy_targets (const ns_objective *obj, ns_style_targets *targets,
                                     ns_error *err);
void ns_style_targets_clear (ns_style_targets *targets);

/* The grid (rows x columns) of tiles a style image of width x height is
 * run in under request (NULL: one tile): its targets are sums in that
 * order. */
ns_status ns_objective_style_grid (const ns_objective_layers *layers,
                                   const ns_vgg19_net_options *net_options, int width, int height,
                                   const ns_tile_request *request, int *rows, int *columns,
                                   ns_error *err);

/* What ns_objective_make builds from. */
typedef struct
{
  const ns_weights *weights;
  const ns_objective_layers *layers;
  const float *content; /* planar RGB, width x height: the size x will have */
  int width, height;
  const ns_objective_style *styles;
  int style_count;
  double content_weight, style_weight, tv_weight;
  const ns_vgg19_net_options *net_options; /* NULL: tile 2, keep no more */
  const ns_tile_request *tiles;            /* NULL: one tile */
  const ns_objective_guides *guides;       /* NULL: no regions, no region to keep */
  /* P's weight, target and mask, each image of any size (resized to
   * width x height here); NULL, weight 0 or no target: no P */
  const ns_pixel_term *pixel;
  /* NULL: computed from styles.  Else copied: the targets of an objective
   * made with the same layers, region count, style images and blends, and
   * style grids (ns_objective_style_grid). */
  const ns_style_targets *targets;
} ns_objective_spec;

/* The objective as spec says.  NS_ERROR_NOMEM when no tiling fits the
 * budget, saying what would. */
ns_status ns_objective_make (ns_objective *obj, const ns_objective_spec *spec, ns_error *err);

/* The same, in tiles as requested (NULL: one tile), with regions and a
 * region to keep (guides NULL: none).  NS_ERROR_NOMEM when no tiling fits
 * the budget, saying what would. */
ns_status ns_objective_init_tiled (ns_objective *obj, const ns_weights *weights,
                                   const ns_objective_layers *layers, const float *content,
                                   int width, int height, const ns_objective_style *styles,
                                   int style_count, double content_weight, double style_weight,
                                   double tv_weight, const ns_vgg19_net_options *net_options,
                                   const ns_tile_request *tiles, const ns_objective_guides *guides,
                                   ns_error *err);

/* The network options ns_objective_init builds with (net_options may be
 * NULL), and the least bytes a tiling of a width x height image takes with
 * them whose crops hold at most max_overhead times its pixels (0: any
 * tiling; a tile budget below that fails); guided: with regions. */
ns_vgg19_net_options ns_objective_net_options (const ns_objective_layers *layers,
                                               const ns_vgg19_net_options *net_options);
size_t ns_objective_least_tiles (const ns_objective_layers *layers,
                                 const ns_vgg19_net_options *options, int width, int height,
                                 double max_overhead, int guided);

/* What the networks and buffers of tile_count tiles whose largest crop is
 * crop_height x crop_width take, measured by laying them out as the
 * objective does (options: as ns_objective_net_options builds them). */
size_t ns_objective_measure_tiles (const ns_objective_layers *layers,
                                   const ns_vgg19_net_options *options, int crop_height,
                                   int crop_width, int tile_count, int guided);

/* The planes P holds at the working size for term: 0 (no P: NULL, weight
 * 0 or no target), 3 (the target) or 4 (the target and its mask). */
int ns_objective_pixel_planes (const ns_pixel_term *term);

/* Lays out through budget, computing nothing, what the objective holds
 * besides its tiles: the content target (and with keep, a region to keep,
 * its map), the Gram matrices and their scratch, the guides of
 * region_count regions (0: none), P's pixel_planes planes
 * (ns_objective_pixel_planes), for a width x height image.
 * ns_objective_make lays out the same with an allocating budget; measuring,
 * obj's pointers are placeholders, and obj is only for reading its shape. */
ns_status ns_objective_lay_out (ns_objective *obj, const ns_objective_layers *layers, int width,
                                int height, int region_count, int keep, int pixel_planes,
                                ns_budget *budget, ns_error *err);
void ns_objective_clear (ns_objective *obj);

/* From now on the content term includes the anchor (anchor.h) of x0, a
 * planar RGB image of the working size, in blocks of block pixels: for a
 * detail scale, whose layers have no content layer. */
ns_status ns_objective_set_anchor (ns_objective *obj, const float *x0, int block, ns_error *err);

/* From now on evaluations in several tiles call tile_done after each tile
 * (NULL: none). */
void ns_objective_set_tile_callback (ns_objective *obj, ns_objective_tile_fn tile_done,
                                     void *user_data);

/* Returns the weighted loss at x (planar RGB); fills gradient (same layout)
 * when it is not NULL.  NAN, with the loss terms and the gradient
 * unfinished, when the tile callback abandons it. */
double ns_objective_evaluate (ns_objective *obj, const float *x, float *gradient);

#endif
