/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plan.h"

#include <string.h>

#include "anchor.h"
#include "color_transfer.h"
#include "lbfgs_minimize.h"
#include "memory_budget.h"
#include "minimize.h"
#include "objective.h"
#include "planar.h"
#include "resize.h"

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

#define LARGER(a, b) ((a) > (b) ? (a) : (b))

/* What a plan is made for: the request with the params being tried. */
typedef struct
{
  const ns_weights *weights;
  const ns_request *request;
  const ns_params *params;
  const ns_region_layout *regions;
} plan_inputs;

static size_t
image_bytes (const ns_image *image)
{
  return sizeof (float) * (size_t) image->width * image->height * image->channels;
}

/* Bytes of a one-channel plane of width x height. */
static size_t
plane_bytes (int width, int height)
{
  return sizeof (float) * (size_t) width * height;
}

/* The most the resizing of term's target or mask to the scale's size
 * takes besides them (nothing without a pixel term). */
static size_t
pixel_term_scratch (const ns_pixel_term *term, const ns_scale_plan *plan)
{
  const int planes = ns_objective_pixel_planes (term);
  if (!planes)
    return 0;
  const ns_image *t = term->target, *m = term->mask;
  const size_t target = ns_resize_scratch_bytes (3, t->width, t->height, plan->width, plan->height);
  const size_t mask = planes == 4 ? ns_resize_scratch_bytes (1, m->width, m->height, plan->width,
                                                             plan->height) :
                                    0;
  return LARGER (target, mask);
}

/* Plans the scale whose longest side is size within budget bytes; anchor:
 * its anchor's block (0: none); inputs: what the run holds throughout (the
 * weights and the caller's images).  NS_ERROR_NOMEM when it does not fit. */
static ns_status
plan_scale (const plan_inputs *in, const ns_objective_layers *layers, int size, int anchor,
            int winograd_tile, size_t inputs, size_t budget, ns_scale_plan *plan, ns_error *err)
{
  const ns_request *r = in->request;
  const ns_region_layout *regions = in->regions;
  memset (plan, 0, sizeof *plan);
  plan->size = size;
  plan->winograd_tile = winograd_tile;
  plan->layers = *layers;
  plan->anchor_block = anchor;
  ns_status status = ns_working_size (r->content->width, r->content->height, size, 0, "content",
                                      &plan->width, &plan->height, err);
  size_t scaled = ns_planar_bytes (plan->width, plan->height);
  for (int k = 0; k < r->style_count && status == NS_OK; k++)
    {
      status = ns_style_working_size (in->params, r->styles[k].image->width,
                                      r->styles[k].image->height, size, &plan->style_width[k],
                                      &plan->style_height[k], err);
      scaled += ns_planar_bytes (plan->style_width[k], plan->style_height[k]);
    }
  if (status != NS_OK)
    return status;
  scaled += plane_bytes (plan->width, plan->height) * (regions->count + (regions->keep ? 1 : 0));

  const size_t count = 3 * (size_t) plan->width * plan->height;
  /* the tiles of the largest image: the least they can take, and what
   * keeps their work within TILE_OVERHEAD times the untiled */
  const ns_vgg19_net_options run_options = ns_plan_net_options (plan->winograd_tile);
  const ns_vgg19_net_options options = ns_objective_net_options (layers, &run_options);
  size_t least = 0, wanted = 0;
  for (int k = -1; k < r->style_count; k++)
    {
      const int w = k < 0 ? plan->width : plan->style_width[k];
      const int h = k < 0 ? plan->height : plan->style_height[k];
      /* the style images' tiles are never guided */
      const int guided = k < 0 && regions->count > 0;
      const size_t l = ns_objective_least_tiles (layers, &options, w, h, 0.0, guided);
      const size_t t = ns_objective_least_tiles (layers, &options, w, h, TILE_OVERHEAD, guided);
      least = l > least ? l : least;
      wanted = t > wanted ? t : wanted;
    }
  /* the inputs, x, the objective's targets (and anchor), measured by
   * laying them out as the objective does; the scaled inputs until the
   * objective is made, the optimiser's state after */
  ns_budget measure = ns_budget_measuring ();
  ns_objective objective;
  ns_anchor shapes;
  memset (&objective, 0, sizeof objective);
  status = ns_objective_lay_out (&objective, layers, plan->width, plan->height, regions->count,
                                 regions->keep != NULL, ns_objective_pixel_planes (&r->pixel_term),
                                 &measure, err);
  if (status == NS_OK && anchor)
    status = ns_anchor_lay_out (&shapes, plan->width, plan->height, anchor, &measure, err);
  if (status != NS_OK)
    return status;
  const size_t fixed = inputs + sizeof (float) * count + measure.held;
  /* L-BFGS with as many pairs as fit beside efficient tiles, else Adam,
   * its moments in bfloat16 where float ones leave too little for them */
  plan->optimizer = NS_OPTIMIZER_ADAM;
  const size_t adam_float = ns_minimize_adam_measure (count, NS_ADAM_FLOAT);
  plan->adam_storage = fixed + LARGER (adam_float, scaled) + wanted <= budget ? NS_ADAM_FLOAT :
                                                                                NS_ADAM_BFLOAT16;
  if (in->params->optimizer == NS_OPTIMIZER_LBFGS)
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
                           ns_minimize_adam_measure (count, plan->adam_storage);
  plan->held = fixed + LARGER (state, scaled);
  /* the pixel term's images are resized into the objective beside the
   * scaled inputs, before any network is made */
  const size_t resizing = fixed + scaled + pixel_term_scratch (&r->pixel_term, plan);
  if (plan->held + least > budget || resizing > budget)
    return ns_error_set (err, NS_ERROR_NOMEM, "%dx%d needs %.0f MiB", plan->width, plan->height,
                         LARGER (plan->held + least, resizing) / 1048576.0);
  plan->tile_budget = budget - plan->held;
  return NS_OK;
}

/* The most a scale holds while its inputs are made (the driver's
 * prepare_scale): x upsampled from the previous x, then each scaled input
 * beside those before it, each with its resizing's scratch (or the first x
 * and the picture it starts from). */
static size_t
scale_inputs_peak (const plan_inputs *in, const ns_scale_plan *plan, const ns_scale_plan *previous)
{
  const ns_request *r = in->request;
  const ns_region_layout *regions = in->regions;
  const ns_image *content = r->content;
  const int w = plan->width, h = plan->height;
  const size_t x = ns_planar_bytes (w, h);
  size_t held = 0, peak = 0;
  if (previous)
    {
      peak = x + ns_planar_bytes (previous->width, previous->height) +
             ns_resize_scratch_bytes (3, previous->width, previous->height, w, h);
      held = x;
    }
  peak = LARGER (peak, held + x + ns_resize_scratch_bytes (3, content->width, content->height, w, h));
  held += x;
  for (int k = 0; k < r->style_count; k++)
    {
      const ns_image *style = r->styles[k].image;
      const int sw = plan->style_width[k], sh = plan->style_height[k];
      held += ns_planar_bytes (sw, sh);
      peak = LARGER (peak, held + ns_resize_scratch_bytes (3, style->width, style->height, sw, sh));
    }
  /* the regions' planes, all at once, then each resized into its own */
  held += plane_bytes (w, h) * (regions->count + (regions->keep ? 1 : 0));
  for (int g = 0; g < regions->count; g++)
    if (regions->source[g] >= 0)
      {
        const ns_image *mask = r->styles[regions->source[g]].region;
        peak = LARGER (peak, held + ns_resize_scratch_bytes (1, mask->width, mask->height, w, h));
      }
  if (regions->keep)
    peak = LARGER (peak, held + ns_resize_scratch_bytes (1, regions->keep->width,
                                                         regions->keep->height, w, h));
  if (!previous)
    {
      const ns_image *start = r->start                          ? r->start :
                              in->params->init == NS_INIT_STYLE ? r->styles[0].image :
                                                                  NULL;
      held += x;
      if (start)
        held += x + ns_resize_scratch_bytes (3, start->width, start->height, w, h);
    }
  return LARGER (peak, held);
}

/* Plans every scale of a run within budget bytes; the result's resizing
 * at the end too. */
static ns_status
plan_run (const plan_inputs *in, size_t budget, ns_plan *plan, ns_error *err)
{
  const ns_request *r = in->request;
  const ns_params *params = in->params;
  const ns_image *content = r->content;
  plan->scales = ns_scale_schedule (params, content->width, content->height, plan->sizes,
                                    plan->iterations, NS_MAX_SCALES);
  /* the weights and the caller's images throughout */
  size_t inputs = ns_memory_process_bytes (in->weights) + image_bytes (content);
  for (int k = 0; k < r->style_count; k++)
    inputs += image_bytes (r->styles[k].image) +
              (r->styles[k].region ? image_bytes (r->styles[k].region) : 0);
  if (in->regions->keep)
    inputs += image_bytes (in->regions->keep);
  if (r->start)
    inputs += image_bytes (r->start);
  if (r->pixel_term.target)
    inputs += image_bytes (r->pixel_term.target);
  if (r->pixel_term.mask)
    inputs += image_bytes (r->pixel_term.mask);
  ns_status status = NS_OK;
  for (int s = 0; s < plan->scales && status == NS_OK; s++)
    {
      ns_scale_plan *sp = &plan->scale[s];
      const ns_objective_layers layers = ns_scale_layers (params, s, plan->sizes);
      const int anchor = layers.content_layer < 0 ? ns_anchor_block (params, s, plan->sizes) : 0;
      const int tile = ns_plan_winograd_tile (params, plan->sizes[s]);
      status = plan_scale (in, &layers, plan->sizes[s], anchor, tile, inputs, budget, sp, err);
      const size_t making = status == NS_OK ?
                                inputs + scale_inputs_peak (in, sp, s > 0 ? sp - 1 : NULL) :
                                0;
      if (making > budget)
        status = ns_error_set (err, NS_ERROR_NOMEM, "%dx%d needs %.0f MiB", sp->width, sp->height,
                               making / 1048576.0);
    }
  for (int s = 0; s + 1 < plan->scales && status == NS_OK; s++)
    plan->scale[s].keeps_full_result = plan->scale[s].layers.content_layer >= 0 &&
                                       plan->scale[s + 1].layers.content_layer < 0;
  /* at the end: the result in planar form, made from x (which then goes);
   * the colour step's scratch (histograms), or for luminance the content's
   * planar copy, held until the result is an image ("match-style" maps the
   * scaled styles in place: nothing) */
  if (status == NS_OK)
    {
      const ns_scale_plan *last = &plan->scale[plan->scales - 1];
      const size_t result = ns_planar_bytes (content->width, content->height);
      const size_t x = last->width == content->width && last->height == content->height ?
                           0 :
                           ns_planar_bytes (last->width, last->height) +
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

/* The smallest memory limit in MiB at which plan_run plans the run, 0 when
 * not even NS_MAX_MEMORY_LIMIT does; above refused MiB.  A larger budget
 * only lets a scale choose a larger optimiser state when its tiles still
 * fit beside it, so what fits once fits above: a bisection finds it. */
static int
least_limit (const plan_inputs *in, int refused, ns_plan *plan)
{
  ns_error ignored;
  int lo = refused + 1, hi = NS_MAX_MEMORY_LIMIT;
  if (plan_run (in, (size_t) hi << 20, plan, &ignored) != NS_OK)
    return 0;
  while (lo < hi)
    {
      const int mid = lo + (hi - lo) / 2;
      if (plan_run (in, (size_t) mid << 20, plan, &ignored) == NS_OK)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}

int
ns_plan_winograd_tile (const ns_params *params, int size)
{
  return params->precision == NS_PRECISION_FAST && size > NS_PLAN_FAST_ABOVE ? 4 : 2;
}

ns_vgg19_net_options
ns_plan_net_options (int winograd_tile)
{
  ns_vgg19_net_options options;
  ns_vgg19_net_options_init (&options);
  options.keep = 0; /* the loss layers' outputs only */
  options.winograd_tile = winograd_tile;
  return options;
}

ns_status
ns_plan_make (const ns_weights *weights, const ns_request *request, const ns_region_layout *regions,
              ns_plan *plan, ns_error *err)
{
  const ns_params *params = request->params;
  const plan_inputs in = { weights, request, params, regions };
  const size_t budget = ns_memory_budget_bytes (params);
  ns_error why;
  const ns_status status = plan_run (&in, budget, plan, &why);
  if (status != NS_ERROR_NOMEM)
    {
      if (status != NS_OK && err)
        *err = why;
      return status;
    }
  const int limit = (int) (budget >> 20);
  const int least = least_limit (&in, limit, plan);
  if (!least)
    return ns_error_set (err, NS_ERROR_NOMEM,
                         "these images need more than the largest memory limit, %d MiB (%s)",
                         NS_MAX_MEMORY_LIMIT, why.message);
  const int asked = ns_final_size (params, request->content->width, request->content->height);
  /* the largest working size that fits: the plans grow with it */
  ns_params smaller = *params;
  const plan_inputs trial = { weights, request, &smaller, regions };
  int fits = 0, lo = NS_MIN_WORKING_SIDE, hi = asked - 1;
  ns_error ignored;
  while (lo <= hi)
    {
      smaller.max_size = (lo + hi) / 2;
      if (plan_run (&trial, budget, plan, &ignored) == NS_OK)
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
