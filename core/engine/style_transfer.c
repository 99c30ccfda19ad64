/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_stylize: Gatys et al.'s optimisation of an image's pixels so that its
 * VGG19 features match the content image's and its Gram matrices match the
 * style images', coarse to fine over several working sizes. */
#include "neural_style.h"

#include "ns_assert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "color_transfer.h"
#include "layer_sets.h"
#include "lbfgs_minimize.h"
#include "image_layout.h"
#include "memory_budget.h"
#include "objective.h"
#include "random.h"
#include "resize.h"

/* Below this the deepest layers shrink to a pixel or two and lose all meaning. */
#define MIN_WORKING_SIDE 32
#define MAX_SCALES 16
/* Each scale is twice as large as the one before, and every scale takes the
 * same number of iterations: the last scale's decide the final loss, and a
 * coarse scale's result loses its fine strokes to the upsampling anyway
 * (docs/performance.md). */
#define SCALE_STEP 2.0
/* L-BFGS keeps this many correction pairs, fewer when they would exceed
 * LBFGS_HISTORY_BYTES (its history is 2 * memory * pixels * 3 doubles) or
 * the memory budget, and never fewer than LBFGS_LEAST_MEMORY: a scale
 * where that many do not fit runs Adam. */
#define LBFGS_MEMORY 10
#define LBFGS_LEAST_MEMORY 3
#define LBFGS_HISTORY_BYTES ((size_t) 512 << 20)
/* The optimiser's state gives way to tiles that cover an image with at
 * most this many times its pixels (their halos). */
#define TILE_OVERHEAD 2.0

int
ns_conv_count_needed (const ns_params *params)
{
  const ns_objective_layers layers = ns_layer_set_layers (params);
  return ns_objective_conv_count (&layers);
}

/* The size an image is worked at: its longest side scaled to longest (only
 * ever shrunk when only_shrink is set; 0 keeps the image's own size), then
 * grown if need be so its shortest side is at least MIN_WORKING_SIDE. */
static ns_status
plan_working_size (int width, int height, int longest_wanted, int only_shrink, const char *what,
                   int *out_width, int *out_height, ns_error *err)
{
  const int longest = width > height ? width : height;
  double scale = longest_wanted > 0 ? (double) longest_wanted / longest : 1.0;
  if (only_shrink && scale > 1.0)
    scale = 1.0;
  const int shortest = width < height ? width : height;
  const int widened = shortest * scale < MIN_WORKING_SIDE;
  if (widened)
    scale = (double) MIN_WORKING_SIDE / shortest;
  const double w = ceil (width * scale - 0.5), h = ceil (height * scale - 0.5);
  if ((w > NS_MAX_WORKING_SIZE || h > NS_MAX_WORKING_SIZE) && widened)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the %s image (%dx%d) is too narrow: its short side would need "
                         "%d pixels, making the long side larger than %d",
                         what, width, height, MIN_WORKING_SIDE, NS_MAX_WORKING_SIZE);
  if (w > NS_MAX_WORKING_SIZE || h > NS_MAX_WORKING_SIZE)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the %s image (%dx%d) would be worked at %.0fx%.0f: the largest "
                         "working size is %d pixels on a side; give a working size up to that",
                         what, width, height, w, h, NS_MAX_WORKING_SIZE);
  *out_width = w < MIN_WORKING_SIDE ? MIN_WORKING_SIDE : (int) w;
  *out_height = h < MIN_WORKING_SIDE ? MIN_WORKING_SIDE : (int) h;
  return NS_OK;
}

ns_status
ns_style_working_size (const ns_params *params, int style_width, int style_height, int working_size,
                       int *width, int *height, ns_error *err)
{
  return plan_working_size (style_width, style_height,
                            (int) lround (working_size * params->style_scale), 1, "style", width,
                            height, err);
}

/* The layers of a scale: all of the set's, or for a detail scale (larger
 * than params->detail_size, after a first scale) only its two finest style
 * layers and no content layer (an anchor keeps the shapes instead). */
static ns_objective_layers
scale_layers (const ns_params *params, int scale, const int *sizes)
{
  ns_objective_layers layers = ns_layer_set_layers (params);
  if (params->detail_size > 0 && scale > 0 && sizes[scale] > params->detail_size)
    {
      layers.content_layer = -1;
      layers.style_layer_count = 2;
    }
  return layers;
}

/* The anchor's blocks at a detail scale: about one per pixel of the last
 * scale painted with all layers. */
static int
anchor_block (int scale, const int *sizes, const ns_params *params)
{
  int full = sizes[0];
  for (int k = 0; k < scale; k++)
    if (sizes[k] <= params->detail_size)
      full = sizes[k];
  const int block = (int) lround ((double) sizes[scale] / full);
  return block > 2 ? block : 2;
}

int
ns_scale_schedule (const ns_params *params, int content_width, int content_height, int *sizes,
                   int *iterations, int max_scales)
{
  const int own = content_width > content_height ? content_width : content_height;
  const int final = params->max_size > 0 && params->max_size < own ? params->max_size : own;
  int scale_sizes[MAX_SCALES], count = 0;

  if (params->multi_scale)
    /* stop a step short when the next would land within 15% of the final size */
    for (double s = params->min_scale_size; s * 1.15 < final && count < MAX_SCALES - 1;
         s *= SCALE_STEP)
      scale_sizes[count++] = (int) lround (s);
  scale_sizes[count++] = final;

  for (int k = 0; k < count && k < max_scales; k++)
    {
      sizes[k] = scale_sizes[k];
      iterations[k] = params->iterations;
    }
  return count < max_scales ? count : max_scales;
}

ns_status
ns_progress_snapshot (const ns_progress *progress, int max_side, ns_image *image, ns_error *err)
{
  memset (image, 0, sizeof *image);
  if (!progress->planar_rgb)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "this progress report has no image");
  const int longest = progress->width > progress->height ? progress->width : progress->height;
  if (max_side <= 0 || longest <= max_side)
    {
      ns_status status = ns_image_alloc (image, progress->width, progress->height, 3, err);
      if (status == NS_OK)
        ns_image_from_planar_rgb (image, progress->planar_rgb, NULL);
      return status;
    }
  const double scale = (double) max_side / longest;
  const int width = (int) fmax (1.0, lround (progress->width * scale));
  const int height = (int) fmax (1.0, lround (progress->height * scale));
  float *shrunk = malloc (sizeof (float) * 3 * (size_t) width * height);
  if (!shrunk)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d preview", width, height);
  ns_status status = ns_resize_planar (progress->planar_rgb, 3, progress->width, progress->height,
                                       shrunk, width, height, err);
  if (status == NS_OK)
    status = ns_image_alloc (image, width, height, 3, err);
  if (status == NS_OK)
    ns_image_from_planar_rgb (image, shrunk, NULL);
  free (shrunk);
  return status;
}

static ns_status
check_image (const ns_image *image, const char *what, ns_error *err)
{
  if (!image || !image->data || image->width < 1 || image->height < 1 || image->channels < 3 ||
      image->channels > 4)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "the %s image is empty or not RGB/RGBA", what);
  return NS_OK;
}

/* A region: one channel of numbers (clamped to [0, 1] when used). */
static ns_status
check_mask (const ns_image *mask, const char *what, ns_error *err)
{
  if (!mask->data || mask->width < 1 || mask->height < 1 || mask->channels != 1)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "%s is empty or has more than one channel", what);
  for (size_t i = 0; i < (size_t) mask->width * mask->height; i++)
    if (!isfinite (mask->data[i]))
      return ns_error_set (err, NS_ERROR_ARGUMENT, "%s holds a value that is not a number", what);
  return NS_OK;
}

/* A planar RGB copy of an image at its own size. */
typedef struct
{
  float *rgb;
  int width, height;
} planar_image;

/* out->rgb, a width x height planar image's room. */
static ns_status
planar_new (int width, int height, planar_image *out, ns_error *err)
{
  out->width = width;
  out->height = height;
  out->rgb = malloc (sizeof (float) * 3 * (size_t) width * height);
  if (!out->rgb)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d image", width, height);
  return NS_OK;
}

/* Frees out when status (of filling it) is an error. */
static ns_status
planar_kept_if (ns_status status, planar_image *out)
{
  if (status != NS_OK)
    {
      free (out->rgb);
      out->rgb = NULL;
    }
  return status;
}

static ns_status
planar_from_image (const ns_image *image, planar_image *out, ns_error *err)
{
  ns_status status = planar_new (image->width, image->height, out, err);
  if (status == NS_OK)
    ns_image_to_planar_rgb (image, out->rgb);
  return status;
}

static ns_status
planar_resized (const planar_image *src, int width, int height, planar_image *out, ns_error *err)
{
  ns_status status = planar_new (width, height, out, err);
  if (status == NS_OK)
    status = planar_kept_if (ns_resize_planar (src->rgb, 3, src->width, src->height, out->rgb,
                                               width, height, err),
                             out);
  return status;
}

/* image's RGB at width x height, planar. */
static ns_status
image_resized (const ns_image *image, int width, int height, planar_image *out, ns_error *err)
{
  ns_status status = planar_new (width, height, out, err);
  if (status == NS_OK)
    status = planar_kept_if (ns_resize_interleaved_to_planar (image->data, image->channels, 3,
                                                              image->width, image->height, out->rgb,
                                                              width, height, err),
                             out);
  return status;
}

static ns_status
planar_copy (const float *rgb, int width, int height, planar_image *out, ns_error *err)
{
  free (out->rgb);
  ns_status status = planar_new (width, height, out, err);
  if (status == NS_OK)
    memcpy (out->rgb, rgb, sizeof (float) * 3 * (size_t) width * height);
  return status;
}

static void
clamp_unit (float *x, size_t count)
{
  for (size_t i = 0; i < count; i++)
    x[i] = x[i] < 0.0f ? 0.0f : x[i] > 1.0f ? 1.0f : x[i];
}

/* What one scale's optimiser run reports through. */
typedef struct
{
  ns_objective *obj;
  const ns_params *params;
  ns_progress_fn progress;
  void *user_data;
  int scale, scales, iterations;
  double done_before, share; /* of the run's work: the scales before, this one */
  ns_progress_reply reply;   /* the callback's last answer */
  ns_status status;          /* NS_ERROR_ARGUMENT once the loss is not finite */
  ns_error *err;
  /* the last iteration reported, for the reports between iterations */
  int iteration;
  double loss, content_loss, style_loss, done;
} scale_run;

/* A report of the run as of its last iteration, done at least as far as
 * iterations (of this scale) say. */
static ns_progress
run_report (scale_run *run, double iterations)
{
  const double scale_done = iterations < run->iterations ? iterations / run->iterations : 1.0;
  const double done = run->done_before + run->share * scale_done;
  run->done = done > run->done ? done : run->done;
  return (ns_progress) {
    .scale = run->scale,
    .scales = run->scales,
    .iteration = run->iteration,
    .iterations = run->iterations,
    .tiles = run->obj->tiling.count,
    .done = run->done < 1.0 ? run->done : 1.0,
    .loss = run->loss,
    .content_loss = run->content_loss,
    .style_loss = run->style_loss,
    .width = run->obj->width,
    .height = run->obj->height,
  };
}

/* Reports iteration it at loss; returns non-zero when the run must end. */
static int
report_iteration (scale_run *run, int it, double loss, const float *x)
{
  if (!isfinite (loss))
    {
      run->status =
          ns_error_set (run->err, NS_ERROR_ARGUMENT,
                        "the optimisation diverged at iteration %d (the loss is not a "
                        "finite number); try a lower learning rate or the other optimiser",
                        it);
      return 1;
    }
  run->iteration = it;
  run->loss = loss;
  run->content_loss = run->obj->content_loss;
  run->style_loss = run->obj->style_loss;
  if (!run->progress)
    return 0;
  ns_progress report = run_report (run, it);
  report.planar_rgb = x;
  run->reply = run->progress (&report, run->user_data);
  return run->reply != NS_PROGRESS_CONTINUE;
}

/* The objective's tile callback: reports the tile of the evaluation under
 * way; non-zero abandons it when the run must end. */
static int
report_tile (void *user_data, int sweep, int tile)
{
  scale_run *run = user_data;
  if (run->reply != NS_PROGRESS_CONTINUE)
    return 1;
  if (!run->progress)
    return 0;
  /* the gradient's sweep runs forward and backward: about twice the first */
  const double tiles = run->obj->tiling.count;
  const double evaluation = sweep == 1 ? tile / tiles / 3.0 : (1.0 + 2.0 * tile / tiles) / 3.0;
  ns_progress report = run_report (run, run->iteration + 0.99 * evaluation);
  report.tile = tile;
  report.sweep = sweep;
  run->reply = run->progress (&report, run->user_data);
  return run->reply != NS_PROGRESS_CONTINUE;
}

/* The best iterate measured, for a run stopped on the way: Adam's loss goes
 * up and down.  x is within [0, 1]: 16 bits keep it finer than any output. */
static void
keep_iterate (const float *x, size_t count, uint16_t *kept)
{
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < count; i++)
    kept[i] = (uint16_t) lrintf (x[i] * 65535.0f);
}

static void
restore_iterate (const uint16_t *kept, size_t count, float *x)
{
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < count; i++)
    x[i] = kept[i] / 65535.0f;
}

static ns_status
run_adam (scale_run *run, float *x, size_t count, ns_adam_storage storage)
{
  ns_adam adam;
  float *grad = malloc (sizeof (float) * count);
  uint16_t *best = malloc (sizeof (uint16_t) * count);
  double best_loss = INFINITY;
  ns_status status = ns_adam_init (&adam, count, storage, run->err);
  if (status == NS_OK && (!grad || !best))
    status = ns_error_set (run->err, NS_ERROR_NOMEM, "out of memory for the gradient");
  for (int it = 1; status == NS_OK && it <= run->iterations; it++)
    {
      const double loss = ns_objective_evaluate (run->obj, x, grad);
      if (run->reply != NS_PROGRESS_CONTINUE)
        break; /* abandoned on the way */
      if (loss < best_loss)
        {
          best_loss = loss;
          keep_iterate (x, count, best);
        }
      if (isfinite (loss))
        {
          ns_adam_step (&adam, x, grad, run->params->learning_rate);
          /* stay within displayable colours: the network never sees out-of-gamut values */
          clamp_unit (x, count);
        }
      if (report_iteration (run, it, loss, x))
        break;
    }
  if (status == NS_OK && run->reply == NS_PROGRESS_STOP && isfinite (best_loss))
    restore_iterate (best, count, x);
  ns_adam_clear (&adam);
  free (grad);
  free (best);
  return status;
}

static double
lbfgs_evaluate (void *user_data, const float *x, float *gradient)
{
  scale_run *run = user_data;
  if (run->reply != NS_PROGRESS_CONTINUE)
    return NAN;
  const double loss = ns_objective_evaluate (run->obj, x, gradient);
  if (!isfinite (loss) && run->reply == NS_PROGRESS_CONTINUE)
    {
      report_iteration (run, run->iteration + 1, loss, x); /* diverged */
      return NAN;
    }
  return run->reply == NS_PROGRESS_CONTINUE ? loss : NAN;
}

static int
lbfgs_iteration (void *user_data, int iteration, double loss, const float *x)
{
  return report_iteration (user_data, iteration, loss, x);
}

static ns_status
run_lbfgs (scale_run *run, float *x, size_t count, int memory)
{
  const ns_lbfgs_problem problem = {
    .max_iterations = run->iterations,
    .memory = memory,
    .evaluate = lbfgs_evaluate,
    .iteration = lbfgs_iteration,
    .user_data = run,
  };
  int done;
  return ns_lbfgs_minimize (&problem, x, count, &done, run->err);
}

/* The first scale's starting image. */
static void
initialise (const ns_params *params, const planar_image *content, const planar_image *style, float *x)
{
  const size_t count = 3 * (size_t) content->width * content->height;
  if (params->init == NS_INIT_CONTENT)
    memcpy (x, content->rgb, sizeof (float) * count);
  else if (params->init == NS_INIT_STYLE)
    memcpy (x, style->rgb, sizeof (float) * count);
  else
    {
      ns_random rng;
      ns_random_seed (&rng, params->seed);
      for (size_t i = 0; i < count; i++)
        x[i] = (float) (0.5 + 0.1 * ns_random_normal (&rng));
      clamp_unit (x, count);
    }
}

/* Where the styles paint (ns_style.region) and the region to keep, as the
 * objective's regions (ns_objective_guides). */
typedef struct
{
  int count;                       /* regions; 0: none, the one blend everywhere */
  int style_region[NS_MAX_STYLES]; /* style k's region */
  int source[NS_MAX_STYLES];       /* region g's style, or -1: where no style's region is */
  const ns_image *keep;            /* NULL: none */
} region_layout;

/* Each style with a region is a region of its own; the styles without
 * one share the rest of the image.  With a region to keep there are
 * regions even without any style's: the style pulls less there. */
static void
layout_regions (const ns_style *styles, int style_count, const ns_image *keep, region_layout *layout)
{
  memset (layout, 0, sizeof *layout);
  layout->keep = keep;
  int rest = -1;
  for (int k = 0; k < style_count; k++)
    if (styles[k].region)
      {
        layout->source[layout->count] = k;
        layout->style_region[k] = layout->count++;
      }
  if (layout->count == 0 && !keep)
    return;
  for (int k = 0; k < style_count; k++)
    if (!styles[k].region)
      {
        if (rest < 0)
          {
            rest = layout->count++;
            layout->source[rest] = -1;
          }
        layout->style_region[k] = rest;
      }
}

/* Bytes of a one-channel plane of width x height. */
static size_t
plane_bytes (int width, int height)
{
  return sizeof (float) * (size_t) width * height;
}

/* Everything ns_stylize allocates, freed in one place.  The caller's
 * images are resized from as they are: no copy of them at their own size
 * is held. */
typedef struct
{
  planar_image scaled_content;
  planar_image scaled_styles[NS_MAX_STYLES];
  float *regions;           /* the regions' planes at the working size */
  float *keep;              /* the region to keep's plane */
  float *x;                 /* the image being optimised */
  planar_image full_result; /* the last scale with all layers' result, for detail scales */
  ns_objective obj;
  /* colors "match-style": each style's colour map, found once at the full
   * sizes and applied to every scale's copy */
  ns_color_map style_colors[NS_MAX_STYLES];
} stylize_buffers;

static void
clear_scale_inputs (stylize_buffers *b, int style_count)
{
  free (b->scaled_content.rgb);
  b->scaled_content.rgb = NULL;
  free (b->regions);
  free (b->keep);
  b->regions = b->keep = NULL;
  for (int k = 0; k < style_count; k++)
    {
      free (b->scaled_styles[k].rgb);
      b->scaled_styles[k].rgb = NULL;
    }
}

/* mask (one channel) at width x height in *out (allocated), within [0, 1]. */
static ns_status
mask_resized (const ns_image *mask, int width, int height, float *out, ns_error *err)
{
  ns_status status = ns_resize_interleaved_to_planar (mask->data, 1, 1, mask->width, mask->height,
                                                      out, width, height, err);
  clamp_unit (out, (size_t) width * height);
  return status;
}

/* The regions' planes and the region to keep's at width x height.  In
 * the region to keep, the style's pull is keep_strength times weaker (its
 * content weight keep_strength times stronger, in the objective): the
 * content weight alone keeps the content layer's shapes, while the fine
 * style layers go on repainting the region's pixels. */
static ns_status
make_region_planes (stylize_buffers *b, const ns_style *styles, const region_layout *layout,
                    double keep_strength, int width, int height, ns_error *err)
{
  const size_t plane = (size_t) width * height;
  ns_status status = NS_OK;
  if (layout->count > 0 && !(b->regions = malloc (plane_bytes (width, height) * layout->count)))
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the regions");
  int rest = -1;
  for (int g = 0; g < layout->count && status == NS_OK; g++)
    if (layout->source[g] < 0)
      rest = g;
    else
      status = mask_resized (styles[layout->source[g]].region, width, height,
                             b->regions + g * plane, err);
  if (status == NS_OK && rest >= 0)
    {
      float *r = b->regions + rest * plane;
      for (size_t i = 0; i < plane; i++)
        {
          float covered = 0.0f;
          for (int g = 0; g < layout->count; g++)
            if (g != rest)
              covered += b->regions[g * plane + i];
          r[i] = covered < 1.0f ? 1.0f - covered : 0.0f;
        }
    }
  if (status == NS_OK && layout->keep)
    {
      if (!(b->keep = malloc (plane_bytes (width, height))))
        return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the region to keep");
      status = mask_resized (layout->keep, width, height, b->keep, err);
      const float weaker = (float) (1.0 - 1.0 / keep_strength);
      for (int g = 0; status == NS_OK && g < layout->count; g++)
        for (size_t i = 0; i < plane; i++)
          b->regions[g * plane + i] *= 1.0f - weaker * b->keep[i];
    }
  return status;
}

/* Resizes content, styles, regions and x to one scale whose longest side
 * is size. */
static ns_status
prepare_scale (stylize_buffers *b, const ns_image *content, const ns_style *styles, int style_count,
               const region_layout *layout, const ns_params *params, int size, int first,
               int previous_width, int previous_height, ns_error *err)
{
  int width, height;
  ns_status status = plan_working_size (content->width, content->height, size, 0, "content", &width,
                                        &height, err);
  clear_scale_inputs (b, style_count);
  if (status == NS_OK && !first)
    {
      /* the previous result, upsampled, before the inputs are made: its
       * resizing's scratch is not held beside them */
      const planar_image previous = { b->x, previous_width, previous_height };
      planar_image upsampled;
      clamp_unit (b->x, 3 * (size_t) previous.width * previous.height);
      status = planar_resized (&previous, width, height, &upsampled, err);
      if (status != NS_OK)
        return status;
      free (b->x);
      b->x = upsampled.rgb;
    }
  if (status == NS_OK)
    status = image_resized (content, width, height, &b->scaled_content, err);
  for (int k = 0; k < style_count && status == NS_OK; k++)
    {
      int sw, sh;
      status = ns_style_working_size (params, styles[k].image->width, styles[k].image->height, size,
                                      &sw, &sh, err);
      if (status == NS_OK)
        status = image_resized (styles[k].image, sw, sh, &b->scaled_styles[k], err);
      if (status == NS_OK && params->colors == NS_COLORS_MATCH_STYLE)
        ns_color_map_apply (&b->style_colors[k], b->scaled_styles[k].rgb, (size_t) sw * sh);
    }
  if (status == NS_OK)
    status = make_region_planes (b, styles, layout, params->keep_strength, width, height, err);
  if (status != NS_OK)
    return status;

  if (first)
    {
      planar_image stretched_style = { 0 };
      b->x = malloc (sizeof (float) * 3 * (size_t) width * height);
      if (!b->x)
        return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d image", width, height);
      if (params->init == NS_INIT_STYLE &&
          (status = image_resized (styles[0].image, width, height, &stretched_style, err)) != NS_OK)
        return status;
      if (params->init == NS_INIT_STYLE && params->colors == NS_COLORS_MATCH_STYLE)
        ns_color_map_apply (&b->style_colors[0], stretched_style.rgb, (size_t) width * height);
      initialise (params, &b->scaled_content, &stretched_style, b->x);
      free (stretched_style.rgb);
    }
  return NS_OK;
}

/* How one scale runs within the memory budget. */
typedef struct
{
  int size; /* longest side */
  int width, height;
  int style_width[NS_MAX_STYLES], style_height[NS_MAX_STYLES];
  ns_optimizer optimizer;
  int lbfgs_memory;
  ns_adam_storage adam_storage;
  size_t tile_budget; /* for the objective's networks */
  size_t held;        /* everything else */
} scale_plan;

static size_t
image_bytes (const ns_image *image)
{
  return sizeof (float) * (size_t) image->width * image->height * image->channels;
}

static size_t
planar_bytes (int width, int height)
{
  return sizeof (float) * 3 * (size_t) width * height;
}

/* Plans the scale whose longest side is size within budget bytes; anchor:
 * its anchor's block (0: none); inputs: what the run holds throughout (the
 * weights and the caller's images).  NS_ERROR_NOMEM when it does not fit. */
static ns_status
plan_scale (const ns_params *params, const ns_objective_layers *layers, const ns_image *content,
            const ns_style *styles, int style_count, const region_layout *regions, int size,
            int anchor, size_t inputs, size_t budget, scale_plan *plan, ns_error *err)
{
  memset (plan, 0, sizeof *plan);
  plan->size = size;
  ns_status status = plan_working_size (content->width, content->height, size, 0, "content",
                                        &plan->width, &plan->height, err);
  size_t scaled = planar_bytes (plan->width, plan->height);
  for (int k = 0; k < style_count && status == NS_OK; k++)
    {
      status = ns_style_working_size (params, styles[k].image->width, styles[k].image->height, size,
                                      &plan->style_width[k], &plan->style_height[k], err);
      scaled += planar_bytes (plan->style_width[k], plan->style_height[k]);
    }
  if (status != NS_OK)
    return status;
  scaled += plane_bytes (plan->width, plan->height) * (regions->count + (regions->keep ? 1 : 0));

  const size_t count = 3 * (size_t) plan->width * plan->height;
  /* the tiles of the largest image: the least they can take, and what
   * keeps their work within TILE_OVERHEAD times the untiled */
  const ns_vgg19_net_options options = ns_objective_net_options (layers, NULL);
  size_t least = 0, wanted = 0;
  for (int k = -1; k < style_count; k++)
    {
      const int w = k < 0 ? plan->width : plan->style_width[k];
      const int h = k < 0 ? plan->height : plan->style_height[k];
      /* the style images' tiles are never guided */
      const int guided = k < 0 && regions->count > 0;
      const size_t l = ns_objective_least_tile_bytes (layers, &options, w, h, 0.0, guided);
      const size_t t = ns_objective_least_tile_bytes (layers, &options, w, h, TILE_OVERHEAD, guided);
      least = l > least ? l : least;
      wanted = t > wanted ? t : wanted;
    }
  /* the inputs, x, the objective's targets; the scaled inputs until the
   * objective is made, the optimiser's state after */
  const size_t fixed = inputs + sizeof (float) * count +
                       ns_objective_image_bytes (layers, plan->width, plan->height, regions->count,
                                                 regions->keep != NULL) +
                       (anchor ? ns_anchor_bytes (plan->width, plan->height, anchor) : 0);
#define LARGER(a, b) ((a) > (b) ? (a) : (b))
  /* L-BFGS with as many pairs as fit beside efficient tiles, else Adam,
   * its moments in bfloat16 where float ones leave too little for them */
  plan->optimizer = NS_OPTIMIZER_ADAM;
  plan->adam_storage = fixed + LARGER (ns_adam_bytes (count, NS_ADAM_FLOAT), scaled) + wanted <=
                               budget ?
                           NS_ADAM_FLOAT :
                           NS_ADAM_BFLOAT16;
  if (params->optimizer == NS_OPTIMIZER_LBFGS)
    for (int m = LBFGS_MEMORY; m >= LBFGS_LEAST_MEMORY; m--)
      if ((2 * (size_t) m * count * sizeof (double) <= LBFGS_HISTORY_BYTES ||
           m == LBFGS_LEAST_MEMORY) &&
          fixed + LARGER (ns_lbfgs_bytes (count, m), scaled) + wanted <= budget)
        {
          plan->optimizer = NS_OPTIMIZER_LBFGS;
          plan->lbfgs_memory = m;
          break;
        }
  const size_t state = plan->optimizer == NS_OPTIMIZER_LBFGS ?
                           ns_lbfgs_bytes (count, plan->lbfgs_memory) :
                           ns_adam_bytes (count, plan->adam_storage);
  plan->held = fixed + LARGER (state, scaled);
#undef LARGER
  if (plan->held + least > budget)
    return ns_error_set (err, NS_ERROR_NOMEM, "%dx%d needs %.0f MiB", plan->width, plan->height,
                         (plan->held + least) / 1048576.0);
  plan->tile_budget = budget - plan->held;
  return NS_OK;
}

/* The most a scale holds while its inputs are made (prepare_scale): x
 * upsampled from the previous x, then each scaled input beside those
 * before it, each with its resizing's scratch (or the first x and the
 * stretched style it may start from). */
static size_t
scale_inputs_peak (const ns_params *params, const ns_image *content, const ns_style *styles,
                   int style_count, const region_layout *regions, const scale_plan *plan,
                   const scale_plan *previous)
{
#define LARGER(a, b) ((a) > (b) ? (a) : (b))
  const int w = plan->width, h = plan->height;
  const size_t x = planar_bytes (w, h);
  size_t held = 0, peak = 0;
  if (previous)
    {
      peak = x + planar_bytes (previous->width, previous->height) +
             ns_resize_scratch_bytes (3, previous->width, previous->height, w, h);
      held = x;
    }
  peak = LARGER (peak, held + x + ns_resize_scratch_bytes (3, content->width, content->height, w, h));
  held += x;
  for (int k = 0; k < style_count; k++)
    {
      const ns_image *style = styles[k].image;
      const int sw = plan->style_width[k], sh = plan->style_height[k];
      held += planar_bytes (sw, sh);
      peak = LARGER (peak, held + ns_resize_scratch_bytes (3, style->width, style->height, sw, sh));
    }
  /* the regions' planes, all at once, then each resized into its own */
  held += plane_bytes (w, h) * (regions->count + (regions->keep ? 1 : 0));
  for (int g = 0; g < regions->count; g++)
    if (regions->source[g] >= 0)
      {
        const ns_image *mask = styles[regions->source[g]].region;
        peak = LARGER (peak, held + ns_resize_scratch_bytes (1, mask->width, mask->height, w, h));
      }
  if (regions->keep)
    peak = LARGER (peak, held + ns_resize_scratch_bytes (1, regions->keep->width,
                                                         regions->keep->height, w, h));
  if (!previous)
    {
      held += x;
      if (params->init == NS_INIT_STYLE)
        held += x +
                ns_resize_scratch_bytes (3, styles[0].image->width, styles[0].image->height, w, h);
    }
  return LARGER (peak, held);
#undef LARGER
}

/* Plans every scale of a run with params within budget bytes; the result's
 * resizing at the end too. */
static ns_status
plan_run (const ns_weights *weights, const ns_params *params, const ns_image *content,
          const ns_style *styles, int style_count, const region_layout *regions, size_t budget,
          scale_plan *plans, int *scales, ns_error *err)
{
  int sizes[MAX_SCALES], iterations[MAX_SCALES];
  *scales = ns_scale_schedule (params, content->width, content->height, sizes, iterations,
                               MAX_SCALES);
  /* the weights and the caller's images throughout */
  size_t inputs = ns_memory_process_bytes (weights) + image_bytes (content);
  for (int k = 0; k < style_count; k++)
    inputs += image_bytes (styles[k].image) + (styles[k].region ? image_bytes (styles[k].region) : 0);
  if (regions->keep)
    inputs += image_bytes (regions->keep);
  ns_status status = NS_OK;
  for (int s = 0; s < *scales && status == NS_OK; s++)
    {
      const ns_objective_layers layers = scale_layers (params, s, sizes);
      const int anchor = layers.content_layer < 0 ? anchor_block (s, sizes, params) : 0;
      status = plan_scale (params, &layers, content, styles, style_count, regions, sizes[s], anchor,
                           inputs, budget, &plans[s], err);
      const size_t making = status == NS_OK ?
                                inputs + scale_inputs_peak (params, content, styles, style_count,
                                                            regions, &plans[s],
                                                            s > 0 ? &plans[s - 1] : NULL) :
                                0;
      if (making > budget)
        status = ns_error_set (err, NS_ERROR_NOMEM, "%dx%d needs %.0f MiB", plans[s].width,
                               plans[s].height, making / 1048576.0);
    }
  /* at the end: the result in planar form, made from x (which then goes);
   * the colour step's scratch (histograms), or for luminance the content's
   * planar copy, held until the result is an image ("match-style" maps the
   * scaled styles in place: nothing) */
  if (status == NS_OK)
    {
      const scale_plan *last = &plans[*scales - 1];
      const size_t result = planar_bytes (content->width, content->height);
      const size_t x = last->width == content->width && last->height == content->height ?
                           0 :
                           planar_bytes (last->width, last->height) +
                               ns_resize_scratch_bytes (3, last->width, last->height,
                                                        content->width, content->height);
      const size_t pixels = (size_t) content->width * content->height;
      const size_t colors = params->colors == NS_COLORS_HISTOGRAM ?
                                ns_match_histograms_bytes (pixels) :
                                0;
      const size_t image = image_bytes (content) +
                           (params->colors == NS_COLORS_LUMINANCE ? result : 0);
      const size_t after = colors > image ? colors : image;
      const size_t end = inputs + result + (x > after ? x : after);
      if (end > budget)
        status = ns_error_set (err, NS_ERROR_NOMEM, "the result needs %.0f MiB", end / 1048576.0);
    }
  return status;
}

/* A scale's share of a run's work, for the progress: its iterations times
 * its pixels. */
static double
scale_work (const scale_plan *plan, int iterations)
{
  return (double) iterations * plan->width * plan->height;
}

/* The smallest memory limit in MiB at which plan_run plans the run, 0 when
 * not even NS_MAX_MEMORY_LIMIT does; above refused MiB.  A larger budget
 * only lets a scale choose a larger optimiser state when its tiles still
 * fit beside it, so what fits once fits above: a bisection finds it. */
static int
least_limit (const ns_weights *weights, const ns_params *params, const ns_image *content,
             const ns_style *styles, int style_count, const region_layout *regions, int refused,
             scale_plan *plans, int *scales)
{
  ns_error ignored;
  int lo = refused + 1, hi = NS_MAX_MEMORY_LIMIT;
  if (plan_run (weights, params, content, styles, style_count, regions, (size_t) hi << 20, plans,
                scales, &ignored) != NS_OK)
    return 0;
  while (lo < hi)
    {
      const int mid = lo + (hi - lo) / 2;
      if (plan_run (weights, params, content, styles, style_count, regions, (size_t) mid << 20,
                    plans, scales, &ignored) == NS_OK)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

/* Refuses a run that does not fit its memory limit before any work, naming
 * the least limit that runs it, and the largest working size that would fit
 * the limit given. */
static ns_status
check_memory (const ns_weights *weights, const ns_params *params, const ns_image *content,
              const ns_style *styles, int style_count, const region_layout *regions,
              scale_plan *plans, int *scales, ns_error *err)
{
  const size_t budget = ns_memory_budget_bytes (params);
  ns_error why;
  const ns_status status = plan_run (weights, params, content, styles, style_count, regions, budget,
                                     plans, scales, &why);
  if (status != NS_ERROR_NOMEM)
    {
      if (status != NS_OK && err)
        *err = why;
      return status;
    }
  const int limit = (int) (budget >> 20);
  const int least = least_limit (weights, params, content, styles, style_count, regions, limit,
                                 plans, scales);
  if (!least)
    return ns_error_set (err, NS_ERROR_NOMEM,
                         "these images need more than the largest memory limit, %d MiB (%s)",
                         NS_MAX_MEMORY_LIMIT, why.message);
  const int own = content->width > content->height ? content->width : content->height;
  const int asked = params->max_size > 0 && params->max_size < own ? params->max_size : own;
  /* the largest working size that fits: the plans grow with it */
  ns_params smaller = *params;
  int fits = 0, lo = MIN_WORKING_SIDE, hi = asked - 1;
  ns_error ignored;
  while (lo <= hi)
    {
      smaller.max_size = (lo + hi) / 2;
      if (plan_run (weights, &smaller, content, styles, style_count, regions, budget, plans, scales,
                    &ignored) == NS_OK)
        {
          fits = smaller.max_size;
          lo = smaller.max_size + 1;
        }
      else
        hi = smaller.max_size - 1;
    }
  if (fits)
    return ns_error_set (err, NS_ERROR_NOMEM,
                         "the memory limit of %d MiB is too small for a working size of %d "
                         "pixels at these settings: a memory limit of at least %d MiB runs it, "
                         "or a working size of at most %d pixels fits %d MiB",
                         limit, asked, least, fits, limit);
  return ns_error_set (err, NS_ERROR_NOMEM,
                       "the memory limit of %d MiB is too small for these images at these "
                       "settings: a memory limit of at least %d MiB runs them",
                       limit, least);
}

ns_status
ns_stylize (const ns_weights *weights, const ns_image *content, const ns_style *styles,
            int style_count, const ns_params *params, ns_progress_fn progress, void *user_data,
            ns_image *result, ns_error *err)
{
  return ns_stylize_keeping (weights, content, NULL, styles, style_count, params, progress,
                             user_data, result, err);
}

ns_status
ns_stylize_keeping (const ns_weights *weights, const ns_image *content, const ns_image *keep,
                    const ns_style *styles, int style_count, const ns_params *params,
                    ns_progress_fn progress, void *user_data, ns_image *result, ns_error *err)
{
  ns_status status;
  memset (result, 0, sizeof *result);
  if ((status = ns_params_check (params, err)) != NS_OK ||
      (status = check_image (content, "content", err)) != NS_OK)
    return status;
  if (!styles || style_count < 1 || style_count > NS_MAX_STYLES)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "between 1 and %d style images are needed (got %d)",
                         NS_MAX_STYLES, style_count);
  double blend_total = 0.0;
  for (int k = 0; k < style_count; k++)
    {
      if ((status = check_image (styles[k].image, "style", err)) != NS_OK)
        return status;
      if (!(styles[k].blend >= NS_BLEND_MIN && styles[k].blend <= NS_BLEND_MAX))
        return ns_error_set (err, NS_ERROR_ARGUMENT,
                             "style blend weights must be %d to %d (style %d has %g)", NS_BLEND_MIN,
                             NS_BLEND_MAX, k + 1, styles[k].blend);
      blend_total += styles[k].blend;
    }
  if (!(blend_total > 0.0))
    return ns_error_set (err, NS_ERROR_ARGUMENT, "at least one style needs a blend weight above 0");
  for (int k = 0; k < style_count; k++)
    if (styles[k].region && (status = check_mask (styles[k].region, "a style's region", err)) != NS_OK)
      return status;
  if (keep && (status = check_mask (keep, "the region to keep", err)) != NS_OK)
    return status;
  region_layout regions;
  layout_regions (styles, style_count, keep, &regions);
  const int conv_count = ns_conv_count_needed (params);
  if (!weights || weights->conv_count < conv_count)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the weights hold %d convolutions; these layers need %d",
                         weights ? weights->conv_count : 0, conv_count);

  int sizes[MAX_SCALES], iterations[MAX_SCALES];
  const int scales = ns_scale_schedule (params, content->width, content->height, sizes, iterations,
                                        MAX_SCALES);
  scale_plan plans[MAX_SCALES];
  int planned;
  if ((status = check_memory (weights, params, content, styles, style_count, &regions, plans,
                              &planned, err)) != NS_OK)
    return status;
  NS_ASSERT (planned == scales);
  double work_total = 0.0, work_done = 0.0;
  for (int s = 0; s < scales; s++)
    work_total += scale_work (&plans[s], iterations[s]);
  stylize_buffers b;
  memset (&b, 0, sizeof b);
  if (params->colors == NS_COLORS_MATCH_STYLE)
    for (int k = 0; k < style_count; k++)
      ns_color_map_matching (styles[k].image->data, styles[k].image->channels,
                             (size_t) styles[k].image->width * styles[k].image->height,
                             content->data, content->channels,
                             (size_t) content->width * content->height, &b.style_colors[k]);
  float *final_rgb = NULL;
  int stopped = 0;

  for (int s = 0; s < scales && status == NS_OK && !stopped; s++)
    {
      /* the previous scale's networks go before this scale's inputs come */
      const int previous_width = b.obj.width, previous_height = b.obj.height;
      ns_objective_clear (&b.obj);
      status = prepare_scale (&b, content, styles, style_count, &regions, params, sizes[s], s == 0,
                              previous_width, previous_height, err);
      ns_objective_style targets[NS_MAX_STYLES];
      for (int k = 0; k < style_count; k++)
        targets[k] = (ns_objective_style) { b.scaled_styles[k].rgb, b.scaled_styles[k].width,
                                            b.scaled_styles[k].height, styles[k].blend };
      ns_vgg19_net_options net_options;
      ns_vgg19_net_options_init (&net_options);
      net_options.keep = 0; /* the loss layers' outputs only */
      const ns_tile_request tiles = { .budget = plans[s].tile_budget };
      const ns_objective_layers layers = scale_layers (params, s, sizes);
      const ns_objective_guides guides = {
        .region_count = regions.count,
        .regions = b.regions,
        .style_region = regions.style_region,
        .keep = b.keep,
        .keep_strength = params->keep_strength,
      };
      if (status == NS_OK)
        status = ns_objective_init_tiled (&b.obj, weights, &layers, b.scaled_content.rgb,
                                          b.scaled_content.width, b.scaled_content.height, targets,
                                          style_count, params->content_weight, params->style_weight,
                                          params->tv_weight, &net_options, &tiles, &guides, err);
      /* the targets are made: the scaled inputs make room for the optimiser */
      clear_scale_inputs (&b, style_count);
      if (status == NS_OK && layers.content_layer < 0)
        {
          /* the shapes of the last full scale, not of the scale before:
           * from one detail scale to the next they would drift */
          planar_image shapes;
          status = planar_resized (&b.full_result, b.obj.width, b.obj.height, &shapes, err);
          if (status == NS_OK)
            status = ns_objective_set_anchor (&b.obj, shapes.rgb, anchor_block (s, sizes, params),
                                              err);
          free (shapes.rgb);
        }
      if (status != NS_OK)
        break;

      scale_run run = {
        .obj = &b.obj,
        .params = params,
        .progress = progress,
        .user_data = user_data,
        .scale = s + 1,
        .scales = scales,
        .iterations = iterations[s],
        .done_before = work_done / work_total,
        .share = scale_work (&plans[s], iterations[s]) / work_total,
        .reply = NS_PROGRESS_CONTINUE,
        .status = NS_OK,
        .err = err,
        .loss = NAN,
        .content_loss = NAN,
        .style_loss = NAN,
      };
      work_done += scale_work (&plans[s], iterations[s]);
      ns_objective_set_tile_callback (&b.obj, report_tile, &run);
      const size_t count = 3 * (size_t) b.obj.width * b.obj.height;
      status = plans[s].optimizer == NS_OPTIMIZER_ADAM ?
                   run_adam (&run, b.x, count, plans[s].adam_storage) :
                   run_lbfgs (&run, b.x, count, plans[s].lbfgs_memory);
      if (status == NS_OK)
        status = run.status;
      if (status == NS_OK && run.reply == NS_PROGRESS_CANCEL)
        status = ns_error_set (err, NS_ERROR_CANCELLED, "cancelled at scale %d of %d", s + 1, scales);
      stopped = run.reply == NS_PROGRESS_STOP;
      if (status == NS_OK && layers.content_layer >= 0 && s + 1 < scales &&
          scale_layers (params, s + 1, sizes).content_layer < 0)
        status = planar_copy (b.x, b.obj.width, b.obj.height, &b.full_result, err);
    }

  const int w = b.obj.width, h = b.obj.height;
  /* the networks go before the result comes */
  ns_objective_clear (&b.obj);
  if (status == NS_OK)
    {
      clamp_unit (b.x, 3 * (size_t) w * h);
      if (w == content->width && h == content->height)
        {
          final_rgb = b.x;
          b.x = NULL;
        }
      else if (!(final_rgb = malloc (sizeof (float) * 3 * (size_t) content->width * content->height)))
        status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the %dx%d result",
                               content->width, content->height);
      else
        status = ns_resize_planar (b.x, 3, w, h, final_rgb, content->width, content->height, err);
      /* x goes before the result comes */
      free (b.x);
      b.x = NULL;
    }
  planar_image original = { 0 };
  const size_t pixels = (size_t) content->width * content->height;
  if (status == NS_OK && params->colors == NS_COLORS_LUMINANCE &&
      (status = planar_from_image (content, &original, err)) == NS_OK)
    ns_keep_content_colors (final_rgb, original.rgb, pixels);
  if (status == NS_OK && params->colors == NS_COLORS_HISTOGRAM)
    status = ns_match_histograms (final_rgb, content->data, content->channels, pixels, err);
  if (status == NS_OK)
    status = ns_image_alloc (result, content->width, content->height, content->channels, err);
  if (status == NS_OK)
    ns_image_from_planar_rgb (result, final_rgb, content);

  free (final_rgb);
  clear_scale_inputs (&b, style_count);
  free (original.rgb);
  free (b.full_result.rgb);
  free (b.x);
  ns_objective_clear (&b.obj);
  return status;
}
