/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_stylize: Gatys et al.'s optimisation of an image's pixels so that its
 * VGG19 features match the content image's and its Gram matrices match the
 * style images', coarse to fine over the scales of the run's plan. */
#include "neural_style.h"

#include "ns_assert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "color_transfer.h"
#include "image_layout.h"
#include "minimize.h"
#include "objective.h"
#include "plan.h"
#include "planar.h"
#include "random.h"
#include "regions.h"
#include "request.h"
#include "resize.h"
#include "schedule.h"
#include "targets.h"

struct ns_engine
{
  const ns_weights *weights;
  ns_target_cache targets;
};

/* Everything a run allocates, freed in one place.  The caller's images are
 * resized from as they are: no copy of them at their own size is held. */
typedef struct
{
  ns_planar scaled_content;
  ns_planar scaled_styles[NS_MAX_STYLES];
  float *regions;        /* the regions' planes at the working size */
  float *keep;           /* the region to keep's plane */
  float *x;              /* the image being optimised */
  int x_width, x_height; /* its size: the last scale's */
  ns_planar full_result; /* the last scale with all layers' result, for detail scales */
  ns_objective obj;
  /* colors "match-style": each style's colour map, found once at the full
   * sizes and applied to every scale's copy */
  ns_color_map style_colors[NS_MAX_STYLES];
} run_buffers;

static void
clear_scale_inputs (run_buffers *b, int style_count)
{
  ns_planar_clear (&b->scaled_content);
  free (b->regions);
  free (b->keep);
  b->regions = b->keep = NULL;
  for (int k = 0; k < style_count; k++)
    ns_planar_clear (&b->scaled_styles[k]);
}

/* The first scale's starting image: the request's start picture, else as
 * params->init says (start: the picture stretched to the working size, or
 * for NS_INIT_STYLE the first style). */
static void
initialise (const ns_params *params, const ns_planar *content, const ns_planar *start, float *x,
            int from_start)
{
  const size_t count = 3 * (size_t) content->width * content->height;
  if (from_start)
    {
      memcpy (x, start->rgb, sizeof (float) * count);
      ns_clamp_unit (x, count);
    }
  else if (params->init == NS_INIT_CONTENT)
    memcpy (x, content->rgb, sizeof (float) * count);
  else if (params->init == NS_INIT_STYLE)
    memcpy (x, start->rgb, sizeof (float) * count);
  else
    {
      ns_random rng;
      ns_random_seed (&rng, params->seed);
      for (size_t i = 0; i < count; i++)
        x[i] = (float) (0.5 + 0.1 * ns_random_normal (&rng));
      ns_clamp_unit (x, count);
    }
}

/* Resizes content, styles, regions and x to the scale sp plans (the plan's
 * scale_inputs_peak counts what this holds); first: the first scale. */
static ns_status
prepare_scale (run_buffers *b, const ns_request *r, const ns_region_layout *layout,
               const ns_scale_plan *sp, int first, int previous_width, int previous_height,
               ns_error *err)
{
  const ns_params *params = r->params;
  const int width = sp->width, height = sp->height;
  ns_status status = NS_OK;
  clear_scale_inputs (b, r->style_count);
  if (status == NS_OK && !first)
    {
      /* the previous result, upsampled, before the inputs are made: its
       * resizing's scratch is not held beside them */
      const ns_planar previous = { b->x, previous_width, previous_height };
      ns_planar upsampled;
      ns_clamp_unit (b->x, 3 * (size_t) previous.width * previous.height);
      status = ns_planar_resized (&previous, width, height, &upsampled, err);
      if (status != NS_OK)
        return status;
      free (b->x);
      b->x = upsampled.rgb;
    }
  if (status == NS_OK)
    status = ns_planar_from_image_resized (r->content, width, height, &b->scaled_content, err);
  for (int k = 0; k < r->style_count && status == NS_OK; k++)
    {
      const int sw = sp->style_width[k], sh = sp->style_height[k];
      status = ns_planar_from_image_resized (r->styles[k].image, sw, sh, &b->scaled_styles[k], err);
      if (status == NS_OK && params->colors == NS_COLORS_MATCH_STYLE)
        ns_color_map_apply (&b->style_colors[k], b->scaled_styles[k].rgb, (size_t) sw * sh);
    }
  if (status == NS_OK)
    status = ns_region_planes (r->styles, layout, params->keep_strength, width, height, &b->regions,
                               &b->keep, err);
  if (status != NS_OK)
    return status;

  if (first)
    {
      const ns_image *start = r->start                      ? r->start :
                              params->init == NS_INIT_STYLE ? r->styles[0].image :
                                                              NULL;
      ns_planar stretched = { 0 };
      b->x = malloc (sizeof (float) * 3 * (size_t) width * height);
      if (!b->x)
        return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d image", width, height);
      if (start &&
          (status = ns_planar_from_image_resized (start, width, height, &stretched, err)) != NS_OK)
        return status;
      if (!r->start && start && params->colors == NS_COLORS_MATCH_STYLE)
        ns_color_map_apply (&b->style_colors[0], stretched.rgb, (size_t) width * height);
      initialise (params, &b->scaled_content, &stretched, b->x, r->start != NULL);
      ns_planar_clear (&stretched);
    }
  return NS_OK;
}

/* The objective of scale s (its inputs made by prepare_scale), with the
 * style targets kept in cache when they are there (cache NULL: none). */
static ns_status
make_objective (run_buffers *b, const ns_weights *weights, const ns_request *r,
                const ns_region_layout *regions, const ns_plan *plan, int s, ns_target_cache *cache,
                ns_error *err)
{
  const ns_params *params = r->params;
  ns_objective_style styles[NS_MAX_STYLES];
  for (int k = 0; k < r->style_count; k++)
    styles[k] = (ns_objective_style) { b->scaled_styles[k].rgb, b->scaled_styles[k].width,
                                       b->scaled_styles[k].height, r->styles[k].blend };
  const ns_vgg19_net_options net_options = ns_plan_net_options (plan->scale[s].winograd_tile);
  const ns_tile_request tiles = { .budget = plan->scale[s].tile_budget };
  const ns_objective_layers layers = plan->scale[s].layers;
  const ns_objective_guides guides = {
    .region_count = regions->count,
    .regions = b->regions,
    .style_region = regions->style_region,
    .keep = b->keep,
    .keep_strength = params->keep_strength,
  };
  ns_target_key key = {
    .layers = &layers,
    .guides = &guides,
    .styles = styles,
    .style_count = r->style_count,
    .winograd_tile = net_options.winograd_tile,
  };
  ns_status status = NS_OK;
  for (int k = 0; cache && k < r->style_count && status == NS_OK; k++)
    status = ns_objective_style_grid (&layers, &net_options, styles[k].width, styles[k].height,
                                      &tiles, &key.grid_rows[k], &key.grid_columns[k], err);
  const ns_objective_spec spec = {
    .weights = weights,
    .layers = &layers,
    .content = b->scaled_content.rgb,
    .width = b->scaled_content.width,
    .height = b->scaled_content.height,
    .styles = styles,
    .style_count = r->style_count,
    .content_weight = params->content_weight,
    .style_weight = params->style_weight,
    .tv_weight = params->tv_weight,
    .net_options = &net_options,
    .tiles = &tiles,
    .guides = &guides,
    .pixel = &r->pixel_term,
    .targets = cache && status == NS_OK ? ns_target_cache_find (cache, s, &key) : NULL,
  };
  if (status == NS_OK)
    status = ns_objective_make (&b->obj, &spec, err);
  if (status == NS_OK && cache && !spec.targets)
    {
      cache->made++;
      status = ns_target_cache_keep (cache, s, &key, &b->obj, err);
    }
  return status;
}

/* A scale's share of a run's work, for the progress: its iterations times
 * its pixels. */
static double
scale_work (const ns_plan *plan, int s)
{
  return (double) plan->iterations[s] * plan->scale[s].width * plan->scale[s].height;
}

/* The result at the content's size from the last scale's x, in the colours
 * params->colors asks for. */
static ns_status
finish (run_buffers *b, const ns_request *r, ns_image *result, ns_error *err)
{
  const ns_image *content = r->content;
  const ns_params *params = r->params;
  const int w = b->x_width, h = b->x_height;
  float *final_rgb = NULL;
  ns_status status = NS_OK;
  /* the networks go before the result comes */
  ns_objective_clear (&b->obj);
  ns_clamp_unit (b->x, 3 * (size_t) w * h);
  if (w == content->width && h == content->height)
    {
      final_rgb = b->x;
      b->x = NULL;
    }
  else if (!(final_rgb = malloc (sizeof (float) * 3 * (size_t) content->width * content->height)))
    status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the %dx%d result",
                           content->width, content->height);
  else
    status = ns_resize_planar (b->x, 3, w, h, final_rgb, content->width, content->height, err);
  /* x goes before the result comes */
  free (b->x);
  b->x = NULL;
  ns_planar original = { 0 };
  const size_t pixels = (size_t) content->width * content->height;
  if (status == NS_OK && params->colors == NS_COLORS_LUMINANCE &&
      (status = ns_planar_from_image (content, &original, err)) == NS_OK)
    ns_keep_content_colors (final_rgb, original.rgb, pixels);
  if (status == NS_OK && params->colors == NS_COLORS_HISTOGRAM)
    status = ns_match_histograms (final_rgb, content->data, content->channels, pixels, err);
  if (status == NS_OK)
    status = ns_image_alloc (result, content->width, content->height, content->channels, err);
  if (status == NS_OK)
    ns_image_from_planar_rgb (result, final_rgb, content);
  free (final_rgb);
  ns_planar_clear (&original);
  return status;
}

/* The scale of plan whose result a finished start picture is (its
 * longest side is the scale's), or -1 when none is. */
static int
done_scale_of (const ns_plan *plan, const ns_image *start)
{
  const int longest = start->width > start->height ? start->width : start->height;
  for (int s = plan->scales - 1; s >= 0; s--)
    {
      const ns_scale_plan *sp = &plan->scale[s];
      if ((sp->width > sp->height ? sp->width : sp->height) == longest)
        return s;
    }
  return -1;
}

/* x (and the shapes the detail scales after it keep) from start, the
 * result of the scale sp plans: the next scale upsamples it as it would
 * its own. */
static ns_status
take_done_scale (run_buffers *b, const ns_image *start, const ns_scale_plan *sp, ns_error *err)
{
  ns_planar x;
  ns_status status = start->width == sp->width && start->height == sp->height ?
                         ns_planar_from_image (start, &x, err) :
                         ns_planar_from_image_resized (start, sp->width, sp->height, &x, err);
  if (status != NS_OK)
    return status;
  b->x = x.rgb;
  b->x_width = x.width;
  b->x_height = x.height;
  ns_clamp_unit (b->x, 3 * (size_t) x.width * x.height);
  return sp->keeps_full_result ? ns_planar_copy (b->x, x.width, x.height, &b->full_result, err) :
                                 NS_OK;
}

/* Runs the checked request r with weights along plan, after its scale
 * done_scale (-1: from the first); cache: the style targets kept between
 * runs (NULL: none). */
static ns_status
run_plan (const ns_weights *weights, const ns_request *r, const ns_region_layout *regions,
          const ns_plan *plan, int done_scale, ns_target_cache *cache, ns_image *result,
          ns_error *err)
{
  const ns_params *params = r->params;
  const ns_image *content = r->content;
  const int scales = plan->scales;
  double work_total = 0.0, work_done = 0.0;
  for (int s = 0; s < scales; s++)
    work_total += scale_work (plan, s);
  run_buffers b;
  memset (&b, 0, sizeof b);
  if (params->colors == NS_COLORS_MATCH_STYLE)
    for (int k = 0; k < r->style_count; k++)
      ns_color_map_matching (r->styles[k].image->data, r->styles[k].image->channels,
                             (size_t) r->styles[k].image->width * r->styles[k].image->height,
                             content->data, content->channels,
                             (size_t) content->width * content->height, &b.style_colors[k]);
  ns_status status = NS_OK;
  int stopped = 0;
  const int first = done_scale + 1;
  if (done_scale >= 0)
    {
      status = take_done_scale (&b, r->start, &plan->scale[done_scale], err);
      for (int s = 0; s < first; s++)
        work_done += scale_work (plan, s);
    }

  for (int s = first; s < scales && status == NS_OK && !stopped; s++)
    {
      if (r->cancel && atomic_load (r->cancel))
        {
          status = ns_error_set (err, NS_ERROR_CANCELLED, "cancelled before scale %d of %d", s + 1,
                                 scales);
          break;
        }
      /* the previous scale's networks go before this scale's inputs come */
      ns_objective_clear (&b.obj);
      const ns_scale_plan *sp = &plan->scale[s];
      status = prepare_scale (&b, r, regions, sp, s == 0, b.x_width, b.x_height, err);
      b.x_width = sp->width;
      b.x_height = sp->height;
      if (status == NS_OK)
        status = make_objective (&b, weights, r, regions, plan, s, cache, err);
      /* the targets are made: the scaled inputs make room for the optimiser */
      clear_scale_inputs (&b, r->style_count);
      if (status == NS_OK && sp->anchor_block > 0)
        {
          /* the shapes of the last full scale, not of the scale before:
           * from one detail scale to the next they would drift */
          ns_planar shapes;
          status = ns_planar_resized (&b.full_result, b.obj.width, b.obj.height, &shapes, err);
          if (status == NS_OK)
            status = ns_objective_set_anchor (&b.obj, shapes.rgb, sp->anchor_block, err);
          ns_planar_clear (&shapes);
        }
      if (status != NS_OK)
        break;

      ns_scale_run run = {
        .obj = &b.obj,
        .params = params,
        .progress = r->progress,
        .user_data = r->user_data,
        .scale = s + 1,
        .scales = scales,
        .iterations = plan->iterations[s],
        .done_before = work_done / work_total,
        .share = scale_work (plan, s) / work_total,
        .reply = NS_PROGRESS_CONTINUE,
        .status = NS_OK,
        .err = err,
        .loss = NAN,
        .content_loss = NAN,
        .style_loss = NAN,
        .pixel_loss = NAN,
      };
      work_done += scale_work (plan, s);
      ns_objective_set_tile_callback (&b.obj, ns_report_tile, &run);
      /* only now: the targets made above are always whole */
      b.obj.net.stop = r->cancel;
      const size_t count = 3 * (size_t) b.obj.width * b.obj.height;
      status = sp->optimizer == NS_OPTIMIZER_ADAM ?
                   ns_minimize_adam (&run, b.x, count, sp->adam_storage) :
                   ns_minimize_lbfgs (&run, b.x, count, sp->lbfgs_memory);
      if (status == NS_OK)
        status = run.status;
      if (status == NS_OK && run.reply == NS_PROGRESS_CANCEL)
        status = ns_error_set (err, NS_ERROR_CANCELLED, "cancelled at scale %d of %d", s + 1, scales);
      stopped = run.reply == NS_PROGRESS_STOP;
      if (status == NS_OK && sp->keeps_full_result)
        status = ns_planar_copy (b.x, b.obj.width, b.obj.height, &b.full_result, err);
    }

  if (status == NS_OK)
    status = finish (&b, r, result, err);
  clear_scale_inputs (&b, r->style_count);
  ns_planar_clear (&b.full_result);
  free (b.x);
  ns_objective_clear (&b.obj);
  return status;
}

/* Checks, plans and runs request. */
static ns_status
stylize (const ns_weights *weights, const ns_request *request, ns_target_cache *cache,
         ns_image *result, ns_error *err)
{
  memset (result, 0, sizeof *result);
  ns_status status = ns_request_check (weights, request, err);
  if (status != NS_OK)
    return status;
  ns_region_layout regions;
  ns_region_layout_make (request->styles, request->style_count, request->keep, &regions);
  ns_plan plan;
  if ((status = ns_plan_make (weights, request, &regions, &plan, err)) != NS_OK)
    return status;
  const int done_scale = request->start_done ? done_scale_of (&plan, request->start) : -1;
  if (request->start_done && done_scale < 0)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the start picture (%dx%d) is the size of none of the run's scales",
                         request->start->width, request->start->height);
  return run_plan (weights, request, &regions, &plan, done_scale, cache, result, err);
}

ns_status
ns_stylize (const ns_weights *weights, const ns_request *request, ns_image *result, ns_error *err)
{
  return stylize (weights, request, NULL, result, err);
}

ns_status
ns_engine_new (const ns_weights *weights, ns_engine **engine, ns_error *err)
{
  *engine = calloc (1, sizeof **engine);
  if (!*engine)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for an engine");
  (*engine)->weights = weights;
  return NS_OK;
}

ns_status
ns_engine_run (ns_engine *engine, const ns_request *request, ns_image *result, ns_error *err)
{
  return stylize (engine->weights, request, &engine->targets, result, err);
}

int
ns_engine_targets_made (const ns_engine *engine)
{
  return engine->targets.made;
}

void
ns_engine_free (ns_engine *engine)
{
  if (!engine)
    return;
  ns_target_cache_clear (&engine->targets);
  free (engine);
}
