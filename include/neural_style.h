/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine's public entry point: optimisation-based neural style transfer
 * (Gatys, Ecker, Bethge 2016) over VGG19.  C11 + OpenBLAS + OpenMP, and
 * OpenCV (C++) for the optical flow of animations. */
#ifndef NEURAL_STYLE_H
#define NEURAL_STYLE_H

#include <stdatomic.h>

#include "ns_error.h"
#include "ns_weights.h"

/* An interleaved float image, values in [0,1] (R'G'B', i.e. gamma-encoded as
 * the image shows it).  channels is 3 (RGB) or 4 (RGBA); the engine reads the
 * colour channels only and gives the result the content's alpha.  A mask
 * (a style's region, the region to keep) has 1 channel: 1 inside, 0
 * outside, anything between for a soft edge. */
typedef struct
{
  int width;
  int height;
  int channels;
  float *data; /* width * height * channels */
} ns_image;

/* Allocates data (zeroed); returns NS_ERROR_NOMEM or NS_ERROR_ARGUMENT on failure. */
ns_status ns_image_alloc (ns_image *image, int width, int height, int channels, ns_error *err);
void ns_image_clear (ns_image *image);
/* A copy of src (any channel count) at width x height in dst, allocated
 * here, by the engine's own resampling (a triangle filter widened when
 * shrinking, so that shrinking averages). */
ns_status ns_image_resize (const ns_image *src, int width, int height, ns_image *dst, ns_error *err);

/* Motion between the frames of an animation (core/motion/).
 *
 * A dense motion field between two frames of one size: pixel (x, y) of the
 * frame it was computed from is at (x + dx, y + dy) in the other. */
typedef struct
{
  int width;
  int height;
  float *data; /* dx, dy per pixel, row-major: width * height * 2 */
} ns_flow;

/* Allocates data (zeroed: no motion); NS_ERROR_NOMEM or NS_ERROR_ARGUMENT on failure. */
ns_status ns_flow_alloc (ns_flow *flow, int width, int height, ns_error *err);
void ns_flow_clear (ns_flow *flow);
/* The flow from `from` to `to` (same size, 3 or 4 channels; alpha ignored)
 * by OpenCV's DIS optical flow (Kroeger et al. 2016) on their Rec. 601 luma
 * at 8 bits; flow is allocated here. */
ns_status ns_flow_compute (const ns_image *from, const ns_image *to, ns_flow *flow, ns_error *err);
/* warped(x) = image(x + flow(x)), bilinear; a source outside the frame takes
 * the nearest edge pixel.  image has flow's size (else NS_ERROR_ARGUMENT);
 * warped is allocated here with image's channel count and flow's size. */
ns_status ns_flow_warp (const ns_image *image, const ns_flow *flow, ns_image *warped, ns_error *err);
/* Ruder, Dosovitskiy and Brox 2016's consistency weight of `flow` (frame t
 * to frame t-1, "backward") given `reverse` (t-1 to t, of the same size): a
 * 1-channel image of flow's size, 0 where the two disagree (disocclusion:
 * |w~ + w|^2 > 0.01 (|w~|^2 + |w|^2) + 0.5 with w = flow(x) and
 * w~ = reverse(x + w), bilinear; also where x + w is outside the frame) or
 * at motion boundaries (|grad w_x|^2 + |grad w_y|^2 > 0.01 |w|^2 + 0.002,
 * central differences), else 1. */
ns_status ns_flow_consistency (const ns_flow *flow, const ns_flow *reverse, ns_image *weight,
                               ns_error *err);

typedef enum
{
  NS_OPTIMIZER_LBFGS = 0, /* the paper's: fewest iterations for a given quality */
  NS_OPTIMIZER_ADAM = 1   /* steady steps of learning_rate */
} ns_optimizer;

typedef enum
{
  NS_LAYERS_PAPER = 0,     /* content relu4_2; style relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 */
  NS_LAYERS_BLOCK_LAST = 1 /* the last ReLU of each block: content relu4_4;
                              style relu1_2, relu2_2, relu3_4, relu4_4, relu5_4 */
} ns_layer_set;

typedef enum
{
  NS_INIT_CONTENT = 0, /* start from the content image */
  NS_INIT_NOISE = 1,   /* mid-grey with seeded noise: a pure style reconstruction at alpha 0 */
  NS_INIT_STYLE = 2    /* start from the (first) style image, stretched to the content */
} ns_init;

/* Whose colours the result has (Gatys et al. 2017, "Controlling Perceptual
 * Factors in Neural Style Transfer", for the two middle ones). */
typedef enum
{
  NS_COLORS_STYLE = 0,       /* as painted: the style's colours */
  NS_COLORS_LUMINANCE = 1,   /* the result's luminance with the content's colour (YIQ) */
  NS_COLORS_MATCH_STYLE = 2, /* each style recoloured to the content's colour mean and
                                covariance before painting */
  NS_COLORS_HISTOGRAM = 3    /* the result's values per channel given the content's histogram */
} ns_colors;

/* The arithmetic of the network's 3x3 convolutions (see core/nn/winograd.h). */
typedef enum
{
  NS_PRECISION_EXACT = 0, /* Winograd F(2x2, 3x3): rounds as float32 PyTorch does */
  NS_PRECISION_FAST = 1   /* F(4x4, 3x3) at the larger scales: 1.78 times fewer multiplies there,
                             a few times the rounding (the default) */
} ns_precision;

#define NS_STYLE_LAYER_COUNT 5

typedef struct
{
  /* Loss weights.  Each term is relative to its target (see core/engine/losses.h),
   * so they mean the same at any size; the default alpha 1, beta 1 is the
   * strongest style at which the objects of every content of the weight
   * sheet stay recognisable (docs/weight-sheet.md). */
  double content_weight; /* alpha */
  double style_weight;   /* beta */
  double tv_weight;      /* total variation: smooths pixel noise; 0 = off */
  double style_layer_weights[NS_STYLE_LAYER_COUNT]; /* relative, shallow to deep */
  ns_layer_set layer_set;
  ns_optimizer optimizer;
  double learning_rate; /* Adam's step, in image units ([0,1] per channel) */
  int iterations;       /* at every scale */
  int max_size;         /* working size: longest side in pixels; 0 = the content's size */
  int multi_scale;      /* coarse to fine, from about min_scale_size up to max_size */
  int min_scale_size;   /* longest side of the coarsest scale */
  int detail_size;      /* scales larger than this paint fine strokes only; 0: none do */
  double style_scale;   /* style image's longest side relative to the working size, never
                           beyond its own */
  ns_colors colors;     /* whose colours the result has */
  double keep_strength; /* the content weight's factor in the region to keep */
  ns_init init;
  unsigned seed;    /* noise; with the same inputs and thread count, the same result */
  int memory_limit; /* MiB the run may hold; 0: ns_memory_default_limit () when it starts */
  ns_precision precision;
  /* An animation's frames: the pixel term's weight (ns_pixel_term) that
   * front ends give each frame after the first; the engine itself reads
   * only the request's, so a still ignores this */
  double temporal_weight;
  /* An animation's frames after the first: iterations at each scale they
   * paint (ns_animation; they start from the painted frame before), and
   * whether they are held to frames t-2 and t-4 too where t-1 does not see
   * what they show */
  int frame_iterations;
  int long_term;
  /* L-BFGS: a scale ends before its iterations once its loss fell by less
   * than this fraction over its last NS_CONVERGED_WINDOW iterations; 0:
   * every iteration runs */
  double converged_fraction;
} ns_params;

#define NS_CONVERGED_WINDOW 10

#define NS_MAX_WORKING_SIZE 16384
#define NS_MAX_ITERATIONS 100000
/* Styles one run blends: the plug-in's dialog has a page for each, and the
 * CLI and the procedure take as many. */
#define NS_MAX_STYLES 4
/* The range of a style's blend (ns_style.blend), relative to the other
 * styles': 0 leaves it out; 100 against 1 is already that style nearly
 * alone.  Whole numbers, so that help texts can spell them. */
#define NS_BLEND_MIN 0
#define NS_BLEND_MAX 100
#define NS_MAX_MEMORY_LIMIT (1 << 20) /* MiB: a terabyte */

/* The memory limit of a run that sets none (MiB): the smaller of 2048 and
 * half of the memory available now (Linux's MemAvailable). */
int ns_memory_default_limit (void);

/* The defaults and ranges come from the settings table (ns_settings.h). */
void ns_params_init (ns_params *params);
/* NS_OK when every field is in range, else NS_ERROR_ARGUMENT naming the setting. */
ns_status ns_params_check (const ns_params *params, ns_error *err);

/* The working sizes (longest sides) of a multi-scale run, coarsest first, for
 * a content of the given size: fills at most max_scales entries of sizes and
 * the iterations each takes; returns how many scales there are. */
int ns_scale_schedule (const ns_params *params, int content_width, int content_height, int *sizes,
                       int *iterations, int max_scales);

/* The size a style image of style_width x style_height is worked at when
 * the working size's longest side is working_size: its longest side
 * style_scale times that, but never more than its own (an enlarged
 * painting paints blur, not strokes).  NS_ERROR_ARGUMENT for a style too
 * narrow to work at any size. */
ns_status ns_style_working_size (const ns_params *params, int style_width, int style_height,
                                 int working_size, int *width, int *height, ns_error *err);

typedef struct
{
  int scale; /* 1-based scale of a multi-scale run (1 of 1 otherwise) */
  int scales;
  int iteration;  /* 1-based, the iteration of this scale just finished */
  int iterations; /* iterations of this scale */
  int tiles;      /* each evaluation runs over this many tiles (1: the whole image) */
  /* Between iterations, in a run over several tiles: the tile just done
   * (1 to tiles) of the evaluation's sweep 1 (the style statistics) or
   * sweep 2 (the gradient); 0 in the report at an iteration's end. */
  int tile, sweep;
  double done;          /* the share of the run's work done, 0 to 1; it never goes back */
  double loss;          /* total: alpha * content + beta * style + tv * variation
                           + the pixel term's weight * temporal_loss */
  double content_loss;  /* unweighted: relative error of the content features */
  double style_loss;    /* unweighted: layer-weighted relative error of the Gram matrices */
  double temporal_loss; /* unweighted: the pixel term's masked mean squared difference
                           (ns_pixel_term; an animation's temporal term), 0 without one */
  /* The current image at the working size of this scale, planar R, G, B
   * planes of width*height floats; valid during the callback only.  Use
   * ns_progress_snapshot for an ns_image. */
  int width, height;
  const float *planar_rgb;
} ns_progress;

/* The time a run still takes, in seconds, at a report elapsed seconds
 * after its start that has done (0 to 1) of the work done:
 * elapsed * (1 - done) / done, 0 once done is 1; -1 until 2% is done
 * and 10 s have passed (the first scales' short iterations and the fixed
 * costs skew it before).  The CLI and the plug-in show it by this rule. */
double ns_progress_time_left (double done, double elapsed);

/* Copies the progress image into a new RGB ns_image (freed by the caller),
 * shrunk to at most max_side pixels on a side (0: at its own size): a
 * preview of a print-size run takes little memory.  NS_ERROR_ARGUMENT for
 * a report without an image. */
ns_status ns_progress_snapshot (const ns_progress *progress, int max_side, ns_image *image,
                                ns_error *err);

typedef enum
{
  NS_PROGRESS_CONTINUE = 0,
  NS_PROGRESS_STOP = 1,  /* stop now and return the result so far */
  NS_PROGRESS_CANCEL = 2 /* stop now and return NS_ERROR_CANCELLED, no result */
} ns_progress_reply;

/* Called after every iteration and, in a run over several tiles, after
 * every tile (tile > 0: planar_rgb is NULL, the losses are the last
 * iteration's), from the thread running ns_stylize.  Stop ends the run with
 * the best image so far: L-BFGS's last iterate, Adam's iterate of the
 * lowest loss measured; a tile's answer takes effect at once. */
typedef ns_progress_reply (*ns_progress_fn) (const ns_progress *progress, void *user_data);

/* A style image, its share in a blend of several (weights are relative)
 * and where it paints. */
typedef struct
{
  const ns_image *image;
  double blend; /* NS_BLEND_MIN to NS_BLEND_MAX */
  /* NULL: wherever no style with a region paints, blended with the other
   * styles without one.  Else a mask over the content's frame, of any size
   * (stretched to the content's): the style's Gram statistics are matched
   * there alone (Gatys et al. 2017's guided Gram matrices). */
  const ns_image *region;
} ns_style;

/* How many leading VGG19 convolutions ns_stylize needs from the weights
 * (ns_weights_load's conv_count). */
int ns_conv_count_needed (const ns_params *params);

/* An extra term per pixel, pulling the image x towards target where mask
 * is 1 (for an animation's frame: the previous painted frame, warped, where
 * the motion is known; Ruder, Dosovitskiy, Brox 2016's temporal term):
 *   weight * 1/D * sum over pixels i and colour channels c of
 *            mask_i * (x_ci - target_ci)^2,   D = width * height * 3
 * in the image's [0,1] R'G'B' values, at every scale's working size (target
 * and mask resized to it): a mean, so the same weight means the same at any
 * size.  The loss's other terms are relative errors of features (about 1
 * where nothing is matched); this one is absolute: 0.01 is a root-mean-square
 * difference of 0.1.  ns_params.temporal_weight is the setting front ends
 * give animation runs for weight; the engine reads only this weight. */
typedef struct
{
  double weight;          /* 0: no such term; else finite and above 0 */
  const ns_image *target; /* RGB(A), of the content's size; NULL: no such term */
  const ns_image *mask;   /* 1 channel of the content's size, values 0 to 1 (clamped);
                             NULL: 1 everywhere */
} ns_pixel_term;

/* One run: what to paint, in which styles, how, and whom to tell. */
typedef struct
{
  const ns_image *content;
  const ns_style *styles; /* 1..NS_MAX_STYLES, each with its blend and region */
  int style_count;
  /* A region of the content to keep: a mask like a style's region; where
   * it is 1 the content weight is params->keep_strength times alpha and the
   * style's pull keep_strength times weaker.  NULL: none. */
  const ns_image *keep;
  /* The picture the first scale starts from (any size: it is stretched to
   * the working size), for a preview that goes on from its last result or
   * a frame from the one before.  NULL: params->init says. */
  const ns_image *start;
  /* Non-zero: start is this run's own result at the end of one of its
   * scales, the one whose longest side is start's (a preview's picture at
   * that scale, say): the run skips the scales up to it and goes on with
   * the next from start, as it would from its own result.  start's size
   * is that scale's working size (another is stretched to it).
   * NS_ERROR_ARGUMENT when no scale has start's longest side. */
  int start_done;
  ns_pixel_term pixel_term;
  const ns_params *params;
  ns_progress_fn progress; /* may be NULL */
  void *user_data;
  /* NULL, or a flag another thread sets (non-zero) to cancel the run:
   * read between the network's layers, so the run ends with
   * NS_ERROR_CANCELLED within one layer's work rather than one iteration's
   * (the style targets, once made, are always made whole). */
  const atomic_int *cancel;
} ns_request;

/* Repaints request->content in the style of the blend of its styles.
 * result is allocated here with the content's size and channel count; the
 * content's alpha is copied through.  No input is modified. */
ns_status ns_stylize (const ns_weights *weights, const ns_request *request, ns_image *result,
                      ns_error *err);

/* An engine runs many requests with the same weights, keeping what does
 * not change between them: each scale's style targets (the Gram matrices
 * of the styles), reused while a run has the same style images, blends,
 * regions' layout, layers and tiles.  What it keeps (a few MiB a
 * scale: the targets and the scaled style images they were made from) is
 * held besides the runs' memory limit.  Not for two threads at once. */
typedef struct ns_engine ns_engine;

/* weights must outlive the engine. */
ns_status ns_engine_new (const ns_weights *weights, ns_engine **engine, ns_error *err);
/* As ns_stylize, with the engine's weights and kept targets. */
ns_status ns_engine_run (ns_engine *engine, const ns_request *request, ns_image *result,
                         ns_error *err);
/* How many times the engine's runs computed a scale's style targets. */
int ns_engine_targets_made (const ns_engine *engine);
void ns_engine_free (ns_engine *engine);

/* An animation: its frames painted in order by one engine, each held to
 * the one before it (Ruder, Dosovitskiy and Brox 2016).  Frame 1 is painted
 * as a still.  Frame t starts from painted frame t-1 warped by the optical
 * flow from content t to content t-1, and its objective adds the pixel
 * term (weight params->temporal_weight) pulling it towards that warped
 * frame where the flows forward and backward agree (ns_flow_consistency),
 * with params->frame_iterations at the last scale of the schedule only (the
 * warped frame is painted at that size already; with detail scales, at
 * every scale).  With params->long_term, where frame t-1 is not consistent
 * the term pulls towards frame t-2 or else t-4 warped, where they are.
 * A frame less than NS_SCENE_CUT_CONSISTENT of which is consistent with the
 * one before is a scene cut: painted afresh, as frame 1, and held to no
 * frame before it.  Frames are painted, warped and kept at the working
 * size, and only the results enlarged to the frame's size (as a still's
 * are).  What it keeps between frames: the last four frames' content and
 * result at the working size. */
typedef struct ns_animation ns_animation;

/* A frame with at most this share consistent with the one before starts
 * afresh: held to it, the new scene would take the old one's strokes. */
#define NS_SCENE_CUT_CONSISTENT 0.5

typedef enum
{
  NS_FRAME_FIRST = 0,     /* the first frame, painted as a still */
  NS_FRAME_HELD = 1,      /* from the frame before, held to it */
  NS_FRAME_SCENE_CUT = 2, /* afresh: too little consistent with the frame before */
  NS_FRAME_ALONE = 3      /* an independent animation's: painted as a still */
} ns_frame_start;

typedef struct
{
  ns_frame_start start;
  double consistent; /* the share (0 to 1) of the frame consistent with the one before; 0 for
                        the first and independent frames */
} ns_frame_report;

/* independent: every frame painted alone, as a still (to compare with).
 * engine must outlive the animation. */
ns_status ns_animation_new (ns_engine *engine, int independent, ns_animation **animation,
                            ns_error *err);

/* Paints the next frame: request->content, of the first frame's size;
 * request->start and request->pixel_term are the animation's to set (a
 * request that sets them is refused).  result as ns_engine_run's; a run
 * stopped (NS_PROGRESS_STOP) gives its result so far, and the next frame is
 * held to that. */
ns_status ns_animation_paint (ns_animation *animation, const ns_request *request, ns_image *result,
                              ns_frame_report *report, ns_error *err);
void ns_animation_free (ns_animation *animation);

/* The share (0 to 1) of an animation done when frame (1-based) of frames
 * is frame_done (0 to 1) painted: its frames take about as long as each
 * other.  frames 0 (a still): frame_done.  The CLI and the plug-in show
 * progress and the time left by it. */
double ns_animation_done (int frame, int frames, double frame_done);

#endif
