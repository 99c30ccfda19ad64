/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "objective.h"

#include "ns_assert.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gram.h"
#include "losses.h"
#include "planar.h"
#include "resize.h"
#include "total_variation.h"

/* VGG19's most channels at a layer */
#define VGG19_WIDEST 512

int
ns_objective_conv_count (const ns_objective_layers *layers)
{
  int deepest = layers->content_layer;
  for (int s = 0; s < layers->style_layer_count; s++)
    if (layers->style_layers[s] > deepest)
      deepest = layers->style_layers[s];
  return deepest + 1;
}

/* Positions of conv l's features over the whole image. */
static size_t
layer_positions (int l, int height, int width)
{
  const ns_rect r = ns_rect_at_layer ((ns_rect) { 0, height, 0, width }, l);
  return (size_t) (r.y1 - r.y0) * (r.x1 - r.x0);
}

/* The most floats per input pixel a loss layer's features take. */
static size_t
widest_loss_layer (const ns_objective_layers *layers)
{
  size_t widest = 0;
  for (int s = layers->content_layer < 0 ? 0 : -1; s < layers->style_layer_count; s++)
    {
      const int l = s < 0 ? layers->content_layer : layers->style_layers[s];
      const int p = ns_vgg19_pools_before (l);
      const size_t per_pixel = ((size_t) ns_vgg19_conv_out_channels (l) + (1u << 2 * p) - 1) >> 2 * p;
      if (per_pixel > widest)
        widest = per_pixel;
    }
  return widest;
}

int
ns_objective_pixel_planes (const ns_pixel_term *term)
{
  if (!term || !term->target || !(term->weight > 0.0))
    return 0;
  return term->mask ? 4 : 3;
}

ns_status
ns_objective_lay_out (ns_objective *obj, const ns_objective_layers *layers, int width, int height,
                      int region_count, int keep, int pixel_planes, ns_budget *budget, ns_error *err)
{
  obj->layers = *layers;
  obj->width = width;
  obj->height = height;
  obj->guided = region_count > 0;
  obj->target_count = region_count > 0 ? region_count : 1;
  const int cl = layers->content_layer;
  int ok = 1;
  if (cl >= 0)
    {
      const size_t positions = layer_positions (cl, height, width);
      ok = (obj->content_target = ns_budget_alloc (budget, ns_vgg19_conv_out_channels (cl) * positions,
                                                   sizeof (float))) != NULL;
      if (ok && keep)
        ok = (obj->keep_map = ns_budget_alloc (budget, positions, sizeof (float))) != NULL;
    }
  /* one scratch for every layer's Gram matrix: the widest */
  size_t widest = 1;
  for (int s = 0; s < layers->style_layer_count; s++)
    if ((size_t) ns_vgg19_conv_out_channels (layers->style_layers[s]) > widest)
      widest = ns_vgg19_conv_out_channels (layers->style_layers[s]);
  ok = ok && (obj->gram_scratch = ns_budget_alloc (budget, widest * widest, sizeof (float)));
  for (int t = 0; t < obj->target_count && ok; t++)
    for (int s = 0; s < layers->style_layer_count && ok; s++)
      {
        const int l = layers->style_layers[s];
        const size_t channels = ns_vgg19_conv_out_channels (l);
        obj->style_gram[t][s] = ns_budget_alloc (budget, channels * channels, sizeof (float));
        obj->gram[t][s] = ns_budget_alloc (budget, channels * channels, sizeof (float));
        ok = obj->style_gram[t][s] && obj->gram[t][s];
        if (ok && obj->guided)
          ok = (obj->guide[t][s] = ns_budget_alloc (budget, layer_positions (l, height, width),
                                                    sizeof (float))) != NULL;
      }
  const size_t pixels = (size_t) width * height;
  if (ok && pixel_planes >= 3)
    ok = (obj->pixel_target = ns_budget_alloc (budget, 3 * pixels, sizeof (float))) != NULL;
  if (ok && pixel_planes == 4)
    ok = (obj->pixel_mask = ns_budget_alloc (budget, pixels, sizeof (float))) != NULL;
  if (!ok)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d working image", width,
                         height);
  return NS_OK;
}

/* Runs the network on tile t of a height x width planar RGB image. */
static void
forward_tile (ns_vgg19_net *net, const ns_tile *t, const float *rgb, int height, int width,
              float *crop_rgb)
{
  const int ch = t->crop.y1 - t->crop.y0, cw = t->crop.x1 - t->crop.x0;
  const int whole = ch == height && cw == width;
  ns_status status = ns_vgg19_net_set_size (net, ch, cw, NULL);
  NS_ASSERT (status == NS_OK);
  if (!whole)
    ns_rect_gather (rgb, 3, height, width, t->crop, crop_rgb);
  ns_vgg19_net_forward (net, whole ? rgb : crop_rgb);
}

/* Where tile t's inner part lies in conv l's features of its crop. */
static ns_rect
inner_at_layer (const ns_tile *t, int l)
{
  return ns_rect_within (ns_rect_at_layer (t->inner, l), ns_rect_at_layer (t->crop, l));
}

static int
is_all_of (ns_rect r, int height, int width)
{
  return r.y0 == 0 && r.x0 == 0 && r.y1 == height && r.x1 == width;
}

/* Conv l's features of the crop, zero outside the tile's inner part (the
 * activation itself when that is all of it, else a copy in buffer): their
 * Gram matrix is the inner part's, and so is the gradient it passes. */
static const float *
inner_features (const ns_vgg19_net *net, int l, const ns_tile *t, float *buffer)
{
  const ns_rect r = inner_at_layer (t, l);
  if (is_all_of (r, net->height[l], net->width[l]))
    return net->activation[l];
  ns_rect_masked_copy (net->activation[l], ns_vgg19_conv_out_channels (l), net->height[l],
                       net->width[l], r, buffer);
  return buffer;
}

/* Conv l's features of the crop times guide^power (guide: a region's mask
 * on the layer's grid over the whole image), zero outside the tile's inner
 * part, in buffer. */
static const float *
guided_features (const ns_objective *obj, int l, const ns_tile *t, const float *guide, int power,
                 float *buffer)
{
  const int channels = ns_vgg19_conv_out_channels (l);
  const int fh = obj->net.height[l], fw = obj->net.width[l];
  const ns_rect local = inner_at_layer (t, l), global = ns_rect_at_layer (t->inner, l);
  const int grid_width = ns_rect_at_layer ((ns_rect) { 0, obj->height, 0, obj->width }, l).x1;
  const float *f = obj->net.activation[l];
#pragma omp parallel for schedule(static)
  for (int c = 0; c < channels; c++)
    for (int y = 0; y < fh; y++)
      {
        float *out = buffer + ((size_t) c * fh + y) * fw;
        if (y < local.y0 || y >= local.y1)
          {
            memset (out, 0, sizeof (float) * fw);
            continue;
          }
        const float *in = f + ((size_t) c * fh + y) * fw;
        const float *g = guide + (size_t) (global.y0 + y - local.y0) * grid_width + global.x0 -
                         local.x0;
        for (int x = 0; x < fw; x++)
          {
            const float weight = power == 1 ? g[x] : g[x] * g[x];
            out[x] = x >= local.x0 && x < local.x1 ? in[x] * weight : 0.0f;
          }
      }
  return buffer;
}

/* grams[s] += share * (the Gram matrix of the tile's inner part, as a part
 * of the whole height x width image's). */
static void
add_tile_grams (const ns_vgg19_net *net, const ns_objective_layers *layers, const ns_tile *t,
                int height, int width, double share, float *buffer, float *scratch, float **grams)
{
  for (int s = 0; s < layers->style_layer_count; s++)
    {
      const int l = layers->style_layers[s], channels = ns_vgg19_conv_out_channels (l);
      const float *f = inner_features (net, l, t, buffer);
      ns_gram_forward (f, channels, (size_t) net->height[l] * net->width[l],
                       (float) (1.0 / ((double) channels * layer_positions (l, height, width))),
                       scratch);
      const float w = (float) share;
      for (size_t i = 0; i < (size_t) channels * channels; i++)
        grams[s][i] += w * scratch[i];
    }
}

/* The evaluated image's Gram matrices of the tile's inner part, as parts of
 * the whole image's: one per target, guided by its region when there are
 * regions. */
static void
add_image_grams (ns_objective *obj, const ns_tile *t)
{
  const ns_objective_layers *layers = &obj->layers;
  if (!obj->guided)
    {
      add_tile_grams (&obj->net, layers, t, obj->height, obj->width, 1.0, obj->inner_features,
                      obj->gram_scratch, obj->gram[0]);
      return;
    }
  for (int s = 0; s < layers->style_layer_count; s++)
    {
      const int l = layers->style_layers[s], channels = ns_vgg19_conv_out_channels (l);
      const size_t n = (size_t) obj->net.height[l] * obj->net.width[l];
      const double positions = layer_positions (l, obj->height, obj->width);
      for (int g = 0; g < obj->target_count; g++)
        {
          if (!(obj->guide_share[g][s] > 0.0))
            continue;
          const float *f = guided_features (obj, l, t, obj->guide[g][s], 1, obj->guided_features);
          ns_gram_forward (f, channels, n,
                           (float) (1.0 / ((double) channels * obj->guide_share[g][s] * positions)),
                           obj->gram_scratch);
          for (size_t i = 0; i < (size_t) channels * channels; i++)
            obj->gram[g][s][i] += obj->gram_scratch[i];
        }
    }
}

/* normaliser * |F - P|^2 over the tile's inner part at the content layer
 * (F: the net's features of the crop, P: the whole image's target); with
 * grad, adds weight * d(that)/dF to it (the crop's gradient). */
static double
tile_content_loss (const ns_objective *obj, const ns_tile *t, const float *features, float *grad)
{
  const int l = obj->layers.content_layer, channels = ns_vgg19_conv_out_channels (l);
  const ns_rect local = inner_at_layer (t, l), global = ns_rect_at_layer (t->inner, l);
  const ns_rect all = ns_rect_at_layer ((ns_rect) { 0, obj->height, 0, obj->width }, l);
  const int fh = obj->net.height[l], fw = obj->net.width[l];
  const int rows = local.y1 - local.y0, columns = local.x1 - local.x0;
  const float g = (float) (2.0 * obj->content_weight * obj->content_normaliser);
  double partial[VGG19_WIDEST];
  NS_ASSERT (channels <= VGG19_WIDEST);
  /* a sum per channel, added in order: the same result for any thread count */
#pragma omp parallel for schedule(static)
  for (int c = 0; c < channels; c++)
    {
      double sum = 0.0;
      for (int y = 0; y < rows; y++)
        {
          const size_t f0 = ((size_t) c * fh + local.y0 + y) * fw + local.x0;
          const size_t p0 = ((size_t) c * (all.y1 - all.y0) + global.y0 + y) * (all.x1 - all.x0) +
                            global.x0;
          const float *keep = obj->keep_map ?
                                  obj->keep_map + (size_t) (global.y0 + y) * (all.x1 - all.x0) +
                                      global.x0 :
                                  NULL;
          for (int x = 0; x < columns; x++)
            {
              const float d = features[f0 + x] - obj->content_target[p0 + x];
              const float k = keep ? keep[x] : 1.0f;
              sum += (double) k * d * d;
              if (grad)
                grad[f0 + x] += g * k * d;
            }
        }
      partial[c] = sum;
    }
  double sum = 0.0;
  for (int c = 0; c < channels; c++)
    sum += partial[c];
  return obj->content_normaliser * sum;
}

/* What the backward pass of one tile needs. */
typedef struct
{
  ns_objective *obj;
  const ns_tile *tile;
} tile_backward;

static void
add_tile_gradient (int conv_index, const float *activation, float *grad, void *user_data)
{
  const tile_backward *b = user_data;
  ns_objective *obj = b->obj;
  const ns_objective_layers *layers = &obj->layers;
  if (conv_index == layers->content_layer)
    tile_content_loss (obj, b->tile, activation, grad);
  for (int s = 0; s < layers->style_layer_count; s++)
    if (conv_index == layers->style_layers[s])
      {
        const int l = conv_index, channels = ns_vgg19_conv_out_channels (l);
        /* obj->gram holds dLoss/dGram now; a region's share and its
         * Gram matrix's 1 / sum g^2 cancel to the unguided scale */
        const float scale = (float) (obj->style_weight * layers->style_layer_weights[s] /
                                     ((double) channels *
                                      layer_positions (l, obj->height, obj->width)));
        const size_t n = (size_t) obj->net.height[l] * obj->net.width[l];
        if (!obj->guided)
          ns_gram_backward (inner_features (&obj->net, l, b->tile, obj->inner_features), channels,
                            n, scale, obj->gram[0][s], grad);
        for (int g = 0; obj->guided && g < obj->target_count; g++)
          if (obj->guide_share[g][s] > 0.0)
            ns_gram_backward (guided_features (obj, l, b->tile, obj->guide[g][s], 2,
                                               obj->guided_features),
                              channels, n, scale, obj->gram[g][s], grad);
      }
}

ns_vgg19_net_options
ns_objective_net_options (const ns_objective_layers *layers, const ns_vgg19_net_options *net_options)
{
  /* only the loss layers' ReLU outputs are needed: the others' would cost
   * most of the network's memory */
  ns_vgg19_net_options options;
  ns_vgg19_net_options_init (&options);
  options.keep = layers->content_layer < 0 ? 0 : 1u << layers->content_layer;
  for (int s = 0; s < layers->style_layer_count; s++)
    options.keep |= 1u << layers->style_layers[s];
  if (net_options)
    {
      options.keep |= net_options->keep;
      options.winograd_tile = net_options->winograd_tile;
    }
  return options;
}

/* Buffers of a tiled pass: the crop and its gradient, a loss layer's
 * features of a tile's inner part (with one tile, none of them), and those
 * times a guide (with regions). */
typedef struct
{
  float *crop_rgb, *crop_gradient, *inner_features, *guided_features;
} tile_buffers;

/* Lays out through budget a network for crops of crop_height x
 * crop_width and the buffers of tile_count tiles. */
static ns_status
lay_out_tiles (ns_vgg19_net *net, tile_buffers *b, const ns_objective_layers *layers,
               const ns_vgg19_net_options *options, int crop_height, int crop_width, int tile_count,
               int guided, ns_budget *budget, ns_error *err)
{
  memset (b, 0, sizeof *b);
  ns_status status = ns_vgg19_net_lay_out (net, ns_objective_conv_count (layers), crop_height,
                                           crop_width, options, budget, err);
  if (status != NS_OK)
    return status;
  const size_t pixels = (size_t) crop_height * crop_width, widest = widest_loss_layer (layers);
  int ok = 1;
  if (tile_count > 1)
    {
      b->crop_rgb = ns_budget_alloc (budget, 3 * pixels, sizeof (float));
      b->crop_gradient = ns_budget_alloc (budget, 3 * pixels, sizeof (float));
      b->inner_features = ns_budget_alloc (budget, widest * pixels, sizeof (float));
      ok = b->crop_rgb && b->crop_gradient && b->inner_features;
    }
  if (ok && guided)
    ok = (b->guided_features = ns_budget_alloc (budget, widest * pixels, sizeof (float))) != NULL;
  if (!ok)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for %dx%d tiles", crop_width,
                         crop_height);
  return NS_OK;
}

static void
tile_buffers_clear (tile_buffers *b)
{
  float *owned[] = { b->crop_rgb, b->crop_gradient, b->inner_features, b->guided_features };
  for (size_t i = 0; i < sizeof owned / sizeof *owned; i++)
    free (owned[i]);
  memset (b, 0, sizeof *b);
}

/* The objective's crops: what laying them out takes. */
typedef struct
{
  const ns_objective_layers *layers;
  const ns_vgg19_net_options *options;
  int guided;
} crop_shape;

static size_t
measure_crops (const void *user, int crop_height, int crop_width, int tile_count)
{
  const crop_shape *shape = user;
  ns_budget budget = ns_budget_measuring ();
  ns_vgg19_net net;
  tile_buffers b;
  return lay_out_tiles (&net, &b, shape->layers, shape->options, crop_height, crop_width,
                        tile_count, shape->guided, &budget, NULL) == NS_OK ?
             budget.held :
             SIZE_MAX;
}

size_t
ns_objective_measure_tiles (const ns_objective_layers *layers, const ns_vgg19_net_options *options,
                            int crop_height, int crop_width, int tile_count, int guided)
{
  const crop_shape shape = { layers, options, guided };
  return measure_crops (&shape, crop_height, crop_width, tile_count);
}

size_t
ns_objective_least_tiles (const ns_objective_layers *layers, const ns_vgg19_net_options *options,
                          int width, int height, double max_overhead, int guided)
{
  const crop_shape shape = { layers, options, guided };
  const ns_tile_measure measure = { measure_crops, &shape };
  return ns_tiling_least (height, width, ns_objective_conv_count (layers), &measure, max_overhead);
}

/* Tiles of a height x width image: one when there is no request. */
static ns_status
plan_tiles (ns_tiling *tiling, const ns_objective_layers *layers, int height, int width,
            const ns_vgg19_net_options *options, const ns_tile_request *request, int guided,
            ns_error *err)
{
  if (!request || (request->budget == 0 && request->rows < 1))
    return ns_tiling_grid (tiling, height, width, 0, 1, 1, err);
  const int conv_count = ns_objective_conv_count (layers);
  if (request->rows > 0)
    return ns_tiling_grid (tiling, height, width, ns_tiling_halo (conv_count), request->rows,
                           request->columns, err);
  const crop_shape shape = { layers, options, guided };
  const ns_tile_measure measure = { measure_crops, &shape };
  return ns_tiling_plan (tiling, height, width, conv_count, &measure, request->budget, err);
}

/* The network and buffers of a tiling's crops, allocated, the network
 * given the weights. */
static ns_status
make_tiles (ns_vgg19_net *net, tile_buffers *b, const ns_weights *weights,
            const ns_objective_layers *layers, const ns_vgg19_net_options *options,
            const ns_tiling *tiling, int guided, size_t *bytes, ns_error *err)
{
  ns_budget budget = ns_budget_allocating ();
  ns_status status = lay_out_tiles (net, b, layers, options, tiling->crop_height,
                                    tiling->crop_width, tiling->count, guided, &budget, err);
  *bytes = budget.held;
  if (status == NS_OK)
    status = ns_vgg19_net_load (net, weights, err);
  return status;
}

ns_status
ns_objective_style_grid (const ns_objective_layers *layers, const ns_vgg19_net_options *net_options,
                         int width, int height, const ns_tile_request *request, int *rows,
                         int *columns, ns_error *err)
{
  const ns_vgg19_net_options options = ns_objective_net_options (layers, net_options);
  ns_tiling tiling;
  const ns_status status = plan_tiles (&tiling, layers, height, width, &options, request, 0, err);
  *rows = status == NS_OK ? tiling.rows : 0;
  *columns = status == NS_OK ? tiling.columns : 0;
  if (status == NS_OK)
    ns_tiling_clear (&tiling);
  return status;
}

/* Adds share * (Gram matrices of one style image) to the targets
 * style_grams, in tiles of its own. */
static ns_status
accumulate_style_grams (ns_objective *obj, const ns_weights *weights,
                        const ns_vgg19_net_options *options, const ns_objective_style *style,
                        double share, const ns_tile_request *request, float **style_grams,
                        ns_error *err)
{
  const ns_objective_layers *layers = &obj->layers;
  ns_tiling tiling;
  ns_vgg19_net net;
  tile_buffers b;
  size_t bytes;
  memset (&net, 0, sizeof net);
  memset (&b, 0, sizeof b);
  ns_status status = plan_tiles (&tiling, layers, style->height, style->width, options, request, 0,
                                 err);
  if (status == NS_OK)
    status = make_tiles (&net, &b, weights, layers, options, &tiling, 0, &bytes, err);
  for (int k = 0; k < tiling.count && status == NS_OK; k++)
    {
      forward_tile (&net, &tiling.tiles[k], style->rgb, style->height, style->width, b.crop_rgb);
      add_tile_grams (&net, layers, &tiling.tiles[k], style->height, style->width, share,
                      b.inner_features, obj->gram_scratch, style_grams);
    }
  tile_buffers_clear (&b);
  ns_vgg19_net_clear (&net);
  ns_tiling_clear (&tiling);
  return status;
}

/* The content target: the content's features at the content layer, in tiles. */
static void
compute_content_target (ns_objective *obj, const float *content)
{
  const int l = obj->layers.content_layer;
  if (l < 0)
    return;
  const int channels = ns_vgg19_conv_out_channels (l);
  const size_t positions = layer_positions (l, obj->height, obj->width);
  const ns_rect all = ns_rect_at_layer ((ns_rect) { 0, obj->height, 0, obj->width }, l);
  for (int k = 0; k < obj->tiling.count; k++)
    {
      const ns_tile *t = &obj->tiling.tiles[k];
      forward_tile (&obj->net, t, content, obj->height, obj->width, obj->crop_rgb);
      const ns_rect r = inner_at_layer (t, l);
      const float *f = obj->net.activation[l];
      if (!is_all_of (r, obj->net.height[l], obj->net.width[l]))
        {
          ns_rect_gather (f, channels, obj->net.height[l], obj->net.width[l], r, obj->inner_features);
          f = obj->inner_features;
        }
      ns_rect_scatter_add (f, channels, all.y1 - all.y0, all.x1 - all.x0,
                           ns_rect_at_layer (t->inner, l), obj->content_target);
    }
  obj->content_normaliser = ns_loss_normaliser (
      ns_sum_of_squares (obj->content_target, (size_t) channels * positions));
}

/* plane (height x width, 0 to 1) on conv l's grid over the whole image, in
 * out; erode: each position the least of its 3 x 3 neighbourhood. */
static ns_status
plane_at_layer (const float *plane, int height, int width, int l, int erode, float *out, ns_error *err)
{
  const ns_rect all = ns_rect_at_layer ((ns_rect) { 0, height, 0, width }, l);
  const int gh = all.y1, gw = all.x1;
  /* eroding reads a copy, made and freed here while no network is held */
  float *grid = erode ? malloc (sizeof (float) * gh * gw) : out;
  if (!grid)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the regions");
  ns_status status = ns_resize_planar (plane, 1, width, height, grid, gw, gh, err);
  for (size_t i = 0; status == NS_OK && i < (size_t) gh * gw; i++)
    grid[i] = grid[i] < 0.0f ? 0.0f : grid[i] > 1.0f ? 1.0f : grid[i];
  if (status == NS_OK && erode)
    for (int y = 0; y < gh; y++)
      for (int x = 0; x < gw; x++)
        {
          float least = grid[(size_t) y * gw + x];
          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              if (y + dy >= 0 && y + dy < gh && x + dx >= 0 && x + dx < gw)
                least = fminf (least, grid[(size_t) (y + dy) * gw + x + dx]);
          out[(size_t) y * gw + x] = least;
        }
  if (erode)
    free (grid);
  return status;
}

/* P's target and mask from term's images, resized into the objective's
 * planes (its scratch goes before any network is made). */
static ns_status
make_pixel_term (ns_objective *obj, const ns_pixel_term *term, ns_error *err)
{
  const ns_image *t = term->target, *m = term->mask;
  const size_t pixels = (size_t) obj->width * obj->height;
  ns_status status = ns_resize_interleaved_to_planar (t->data, t->channels, 3, t->width, t->height,
                                                      obj->pixel_target, obj->width, obj->height,
                                                      err);
  if (status == NS_OK && m)
    status = ns_resize_interleaved_to_planar (m->data, 1, 1, m->width, m->height, obj->pixel_mask,
                                              obj->width, obj->height, err);
  if (status == NS_OK && m)
    ns_clamp_unit (obj->pixel_mask, pixels);
  return status;
}

/* The guides of the regions at every style layer and the keep map at the
 * content layer. */
static ns_status
make_guides (ns_objective *obj, const ns_objective_guides *guides, ns_error *err)
{
  const ns_objective_layers *layers = &obj->layers;
  ns_status status = NS_OK;
  for (int g = 0; g < guides->region_count && status == NS_OK; g++)
    for (int s = 0; s < layers->style_layer_count && status == NS_OK; s++)
      {
        const int l = layers->style_layers[s];
        status = plane_at_layer (guides->regions + (size_t) g * obj->height * obj->width,
                                 obj->height, obj->width, l, 1, obj->guide[g][s], err);
        if (status == NS_OK)
          {
            const double positions = layer_positions (l, obj->height, obj->width);
            const double mass = ns_sum_of_squares (obj->guide[g][s], (size_t) positions);
            /* a region too thin for a deep layer's grid adds no term there */
            obj->guide_share[g][s] = mass > 1e-6 * positions ? mass / positions : 0.0;
          }
      }
  if (status == NS_OK && guides->keep && layers->content_layer >= 0)
    {
      const int l = layers->content_layer;
      status = plane_at_layer (guides->keep, obj->height, obj->width, l, 0, obj->keep_map, err);
      const size_t positions = layer_positions (l, obj->height, obj->width);
      for (size_t i = 0; status == NS_OK && i < positions; i++)
        obj->keep_map[i] = (float) (1.0 + (guides->keep_strength - 1.0) * obj->keep_map[i]);
    }
  return status;
}

ns_status
ns_objective_make (ns_objective *obj, const ns_objective_spec *spec, ns_error *err)
{
  const ns_weights *weights = spec->weights;
  const ns_objective_layers *layers = spec->layers;
  const ns_objective_style *styles = spec->styles;
  const ns_objective_guides *guides = spec->guides;
  const float *content = spec->content;
  const int style_count = spec->style_count, width = spec->width, height = spec->height;
  memset (obj, 0, sizeof *obj);
  obj->content_weight = spec->content_weight;
  obj->style_weight = spec->style_weight;
  obj->tv_weight = spec->tv_weight;
  const int pixel_planes = ns_objective_pixel_planes (spec->pixel);
  obj->pixel_weight = pixel_planes ? spec->pixel->weight : 0.0;
  const int conv_count = ns_objective_conv_count (layers);
  if (layers->style_layer_count < 0 || layers->style_layer_count > NS_OBJECTIVE_MAX_STYLE_LAYERS ||
      conv_count > weights->conv_count)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the chosen layers need %d convolutions; the weights hold %d", conv_count,
                         weights->conv_count);

  const int guided = guides && guides->region_count > 0;
  const int target_count = guided ? guides->region_count : 1;
  if (target_count > NS_OBJECTIVE_MAX_TARGETS)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "%d regions: at most %d", target_count,
                         NS_OBJECTIVE_MAX_TARGETS);
  /* each target blends the styles of its region */
  double blend_total[NS_OBJECTIVE_MAX_TARGETS] = { 0 }, all_blends = 0.0;
  for (int k = 0; k < style_count; k++)
    {
      const int t = guided ? guides->style_region[k] : 0;
      if (t < 0 || t >= target_count)
        return ns_error_set (err, NS_ERROR_ARGUMENT, "style %d's region %d does not exist", k + 1,
                             t + 1);
      blend_total[t] += styles[k].blend;
      all_blends += styles[k].blend;
    }
  if (style_count < 1 || !(all_blends > 0.0))
    return ns_error_set (err, NS_ERROR_ARGUMENT, "no style image with a positive blend weight");

  const ns_vgg19_net_options options = ns_objective_net_options (layers, spec->net_options);
  const ns_tile_request *tiles = spec->tiles;
  const ns_style_targets *given = spec->targets;
  NS_ASSERT (!given || (given->target_count == target_count &&
                        given->layer_count == layers->style_layer_count));
  /* what the objective holds besides its tiles, laid out before any work
   * (the plan measures the same) */
  ns_budget budget = ns_budget_allocating ();
  ns_status status = ns_objective_lay_out (obj, layers, width, height,
                                           guided ? guides->region_count : 0,
                                           guides && guides->keep && layers->content_layer >= 0,
                                           pixel_planes, &budget, err);
  obj->held_bytes = budget.held;
  if (status == NS_OK && pixel_planes)
    status = make_pixel_term (obj, spec->pixel, err);
  /* one style network at a time, freed before the content's is made */
  for (int k = 0; k < style_count && status == NS_OK && !given; k++)
    {
      const int t = guided ? guides->style_region[k] : 0;
      if (styles[k].blend > 0.0)
        status = accumulate_style_grams (obj, weights, &options, &styles[k],
                                         styles[k].blend / blend_total[t], tiles,
                                         obj->style_gram[t], err);
    }
  for (int t = 0; t < obj->target_count; t++)
    for (int s = 0; s < layers->style_layer_count && status == NS_OK; s++)
      {
        const int channels = ns_vgg19_conv_out_channels (layers->style_layers[s]);
        if (given)
          memcpy (obj->style_gram[t][s], given->gram[t][s], sizeof (float) * channels * channels);
        obj->style_normaliser[t][s] = given ? given->normaliser[t][s] :
                                              ns_loss_normaliser (
                                                  ns_sum_of_squares (obj->style_gram[t][s],
                                                                     (size_t) channels * channels));
      }
  if (status == NS_OK && guides)
    status = make_guides (obj, guides, err);
  /* a region whose styles all have blend 0 has nothing to match */
  for (int t = 0; t < obj->target_count && guided; t++)
    if (!(blend_total[t] > 0.0))
      for (int s = 0; s < layers->style_layer_count; s++)
        obj->guide_share[t][s] = 0.0;

  if (status == NS_OK)
    status = plan_tiles (&obj->tiling, layers, height, width, &options, tiles, guided, err);
  tile_buffers b = { 0 };
  if (status == NS_OK)
    status = make_tiles (&obj->net, &b, weights, layers, &options, &obj->tiling, guided,
                         &obj->tile_bytes, err);
  obj->crop_rgb = b.crop_rgb;
  obj->crop_gradient = b.crop_gradient;
  obj->inner_features = b.inner_features;
  obj->guided_features = b.guided_features;
  if (status == NS_OK)
    compute_content_target (obj, content);
  if (status != NS_OK)
    ns_objective_clear (obj);
  return status;
}

ns_status
ns_objective_init_tiled (ns_objective *obj, const ns_weights *weights,
                         const ns_objective_layers *layers, const float *content, int width,
                         int height, const ns_objective_style *styles, int style_count,
                         double content_weight, double style_weight, double tv_weight,
                         const ns_vgg19_net_options *net_options, const ns_tile_request *tiles,
                         const ns_objective_guides *guides, ns_error *err)
{
  const ns_objective_spec spec = {
    .weights = weights,
    .layers = layers,
    .content = content,
    .width = width,
    .height = height,
    .styles = styles,
    .style_count = style_count,
    .content_weight = content_weight,
    .style_weight = style_weight,
    .tv_weight = tv_weight,
    .net_options = net_options,
    .tiles = tiles,
    .guides = guides,
  };
  return ns_objective_make (obj, &spec, err);
}

ns_status
ns_objective_copy_targets (const ns_objective *obj, ns_style_targets *targets, ns_error *err)
{
  memset (targets, 0, sizeof *targets);
  targets->target_count = obj->target_count;
  targets->layer_count = obj->layers.style_layer_count;
  for (int t = 0; t < targets->target_count; t++)
    for (int s = 0; s < targets->layer_count; s++)
      {
        const size_t channels = ns_vgg19_conv_out_channels (obj->layers.style_layers[s]);
        if (!(targets->gram[t][s] = malloc (sizeof (float) * channels * channels)))
          {
            ns_style_targets_clear (targets);
            return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the style statistics");
          }
        memcpy (targets->gram[t][s], obj->style_gram[t][s], sizeof (float) * channels * channels);
        targets->normaliser[t][s] = obj->style_normaliser[t][s];
      }
  return NS_OK;
}

void
ns_style_targets_clear (ns_style_targets *targets)
{
  for (int t = 0; t < NS_OBJECTIVE_MAX_TARGETS; t++)
    for (int s = 0; s < NS_OBJECTIVE_MAX_STYLE_LAYERS; s++)
      free (targets->gram[t][s]);
  memset (targets, 0, sizeof *targets);
}

ns_status
ns_objective_init (ns_objective *obj, const ns_weights *weights, const ns_objective_layers *layers,
                   const float *content, int width, int height, const ns_objective_style *styles,
                   int style_count, double content_weight, double style_weight, double tv_weight,
                   const ns_vgg19_net_options *net_options, ns_error *err)
{
  return ns_objective_init_tiled (obj, weights, layers, content, width, height, styles, style_count,
                                  content_weight, style_weight, tv_weight, net_options, NULL, NULL,
                                  err);
}

ns_status
ns_objective_set_anchor (ns_objective *obj, const float *x0, int block, ns_error *err)
{
  ns_anchor_clear (&obj->anchor);
  return ns_anchor_init (&obj->anchor, x0, obj->width, obj->height, block, err);
}

void
ns_objective_clear (ns_objective *obj)
{
  ns_anchor_clear (&obj->anchor);
  ns_vgg19_net_clear (&obj->net);
  ns_tiling_clear (&obj->tiling);
  free (obj->content_target);
  free (obj->keep_map);
  free (obj->gram_scratch);
  free (obj->pixel_target);
  free (obj->pixel_mask);
  for (int t = 0; t < NS_OBJECTIVE_MAX_TARGETS; t++)
    for (int s = 0; s < NS_OBJECTIVE_MAX_STYLE_LAYERS; s++)
      {
        free (obj->style_gram[t][s]);
        free (obj->gram[t][s]);
        free (obj->guide[t][s]);
      }
  tile_buffers b = { obj->crop_rgb, obj->crop_gradient, obj->inner_features, obj->guided_features };
  tile_buffers_clear (&b);
  memset (obj, 0, sizeof *obj);
}

void
ns_objective_set_tile_callback (ns_objective *obj, ns_objective_tile_fn tile_done, void *user_data)
{
  obj->tile_done = tile_done;
  obj->tile_user_data = user_data;
}

/* Non-zero when the tile callback abandons the evaluation. */
static int
abandoned (const ns_objective *obj, int sweep, int tile)
{
  return obj->tiling.count > 1 && obj->tile_done &&
         obj->tile_done (obj->tile_user_data, sweep, tile) != 0;
}

double
ns_objective_evaluate (ns_objective *obj, const float *x, float *gradient)
{
  NS_ASSERT (obj && x);
  const ns_objective_layers *layers = &obj->layers;
  const ns_tiling *tiling = &obj->tiling;
  obj->content_loss = obj->style_loss = obj->tv_loss = obj->pixel_loss = 0.0;
  for (int t = 0; t < obj->target_count; t++)
    for (int s = 0; s < layers->style_layer_count; s++)
      {
        const int channels = ns_vgg19_conv_out_channels (layers->style_layers[s]);
        memset (obj->gram[t][s], 0, sizeof (float) * channels * channels);
      }

  /* pass 1: the whole image's Gram matrices, and the content loss */
  for (int k = 0; k < tiling->count; k++)
    {
      const ns_tile *t = &tiling->tiles[k];
      forward_tile (&obj->net, t, x, obj->height, obj->width, obj->crop_rgb);
      add_image_grams (obj, t);
      if (ns_vgg19_net_stopped (&obj->net))
        return NAN;
      obj->content_loss += tile_content_loss (obj, t, obj->net.activation[layers->content_layer],
                                              NULL);
      if (abandoned (obj, 1, k + 1))
        return NAN;
    }
  for (int t = 0; t < obj->target_count; t++)
    for (int s = 0; s < layers->style_layer_count; s++)
      {
        const int channels = ns_vgg19_conv_out_channels (layers->style_layers[s]);
        const double share = obj->guided ? obj->guide_share[t][s] : 1.0;
        if (share > 0.0)
          obj->style_loss += layers->style_layer_weights[s] * share *
                             ns_style_loss_of_gram (obj->gram[t][s], obj->style_gram[t][s],
                                                    (size_t) channels * channels,
                                                    obj->style_normaliser[t][s],
                                                    gradient ? obj->gram[t][s] : NULL);
      }

  /* pass 2: each tile's gradient against the whole image's loss, from the
   * last tile, whose forward pass is still in the network */
  if (gradient && tiling->count == 1)
    {
      tile_backward b = { obj, &tiling->tiles[0] };
      ns_vgg19_net_backward (&obj->net, add_tile_gradient, &b, gradient);
      if (ns_vgg19_net_stopped (&obj->net))
        return NAN;
    }
  else if (gradient)
    {
      memset (gradient, 0, sizeof (float) * 3 * obj->height * obj->width);
      for (int k = tiling->count - 1; k >= 0; k--)
        {
          const ns_tile *t = &tiling->tiles[k];
          if (k != tiling->count - 1)
            forward_tile (&obj->net, t, x, obj->height, obj->width, obj->crop_rgb);
          tile_backward b = { obj, t };
          ns_vgg19_net_backward (&obj->net, add_tile_gradient, &b, obj->crop_gradient);
          if (ns_vgg19_net_stopped (&obj->net))
            return NAN;
          ns_rect_scatter_add (obj->crop_gradient, 3, obj->height, obj->width, t->crop, gradient);
          if (abandoned (obj, 2, tiling->count - k))
            return NAN;
        }
    }
  if (obj->anchor.target)
    obj->content_loss += ns_anchor_loss (&obj->anchor, x, obj->content_weight, gradient);
  if (obj->tv_weight > 0.0)
    obj->tv_loss = ns_total_variation (x, 3, obj->height, obj->width, obj->tv_weight, gradient);
  if (obj->pixel_target)
    obj->pixel_loss = ns_pixel_loss (x, obj->pixel_target, obj->pixel_mask,
                                     (size_t) obj->width * obj->height, obj->pixel_weight, gradient);
  return obj->content_weight * obj->content_loss + obj->style_weight * obj->style_loss +
         obj->tv_weight * obj->tv_loss + obj->pixel_weight * obj->pixel_loss;
}
