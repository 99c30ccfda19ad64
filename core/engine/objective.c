/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "objective.h"

#include "ns_assert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gram.h"
#include "losses.h"
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

/* Floats per crop pixel of the buffers a tiled evaluation adds: the crop
 * and its gradient, a loss layer's inner features. */
static size_t
tile_floats_per_pixel (const ns_objective_layers *layers)
{
  return 6 + widest_loss_layer (layers);
}

size_t
ns_objective_image_bytes (const ns_objective_layers *layers, int width, int height)
{
  const int cl = layers->content_layer;
  size_t floats = cl < 0 ? 0 : ns_vgg19_conv_out_channels (cl) * layer_positions (cl, height, width);
  for (int s = 0; s < layers->style_layer_count; s++)
    {
      const size_t c = ns_vgg19_conv_out_channels (layers->style_layers[s]);
      floats += 3 * c * c; /* target, the image's, scratch */
    }
  return sizeof (float) * floats;
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
          for (int x = 0; x < columns; x++)
            {
              const float d = features[f0 + x] - obj->content_target[p0 + x];
              sum += (double) d * d;
              if (grad)
                grad[f0 + x] += g * d;
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
        /* obj->gram[s] holds dLoss/dGram now */
        const float scale = (float) (obj->style_weight * layers->style_layer_weights[s] /
                                     ((double) channels *
                                      layer_positions (l, obj->height, obj->width)));
        ns_gram_backward (inner_features (&obj->net, l, b->tile, obj->inner_features), channels,
                          (size_t) obj->net.height[l] * obj->net.width[l], scale, obj->gram[s], grad);
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

size_t
ns_objective_least_tile_bytes (const ns_objective_layers *layers, const ns_vgg19_net_options *options,
                               int width, int height, double max_overhead)
{
  return ns_tiling_least_bytes (height, width, ns_objective_conv_count (layers), options,
                                tile_floats_per_pixel (layers), max_overhead);
}

/* Tiles of a height x width image: one when there is no request. */
static ns_status
plan_tiles (ns_tiling *tiling, const ns_objective_layers *layers, int height, int width,
            const ns_vgg19_net_options *options, const ns_tile_request *request, ns_error *err)
{
  if (!request || (request->budget == 0 && request->rows < 1))
    return ns_tiling_grid (tiling, height, width, 0, 1, 1, err);
  const int conv_count = ns_objective_conv_count (layers);
  if (request->rows > 0)
    return ns_tiling_grid (tiling, height, width, ns_tiling_halo (conv_count), request->rows,
                           request->columns, err);
  return ns_tiling_plan (tiling, height, width, conv_count, options, tile_floats_per_pixel (layers),
                         request->budget, err);
}

/* Buffers of a tiled pass over a tiling (none for one tile). */
typedef struct
{
  float *crop_rgb, *crop_gradient, *inner_features;
} tile_buffers;

static ns_status
tile_buffers_init (tile_buffers *b, const ns_tiling *tiling, const ns_objective_layers *layers,
                   ns_error *err)
{
  memset (b, 0, sizeof *b);
  if (tiling->count == 1)
    return NS_OK;
  const size_t pixels = (size_t) tiling->crop_height * tiling->crop_width;
  const size_t inner = widest_loss_layer (layers) * pixels;
  b->crop_rgb = malloc (sizeof (float) * 3 * pixels);
  b->crop_gradient = malloc (sizeof (float) * 3 * pixels);
  b->inner_features = malloc (sizeof (float) * inner);
  if (!b->crop_rgb || !b->crop_gradient || !b->inner_features)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for %dx%d tiles", tiling->crop_width,
                         tiling->crop_height);
  return NS_OK;
}

static void
tile_buffers_clear (tile_buffers *b)
{
  free (b->crop_rgb);
  free (b->crop_gradient);
  free (b->inner_features);
  memset (b, 0, sizeof *b);
}

/* Adds share * (Gram matrices of one style image) to the targets, in tiles
 * of its own. */
static ns_status
accumulate_style_grams (ns_objective *obj, const ns_weights *weights,
                        const ns_vgg19_net_options *options, const ns_objective_style *style,
                        double share, const ns_tile_request *request, ns_error *err)
{
  const ns_objective_layers *layers = &obj->layers;
  ns_tiling tiling;
  ns_vgg19_net net;
  tile_buffers b;
  memset (&net, 0, sizeof net);
  memset (&b, 0, sizeof b);
  ns_status status = plan_tiles (&tiling, layers, style->height, style->width, options, request, err);
  if (status == NS_OK)
    status = ns_vgg19_net_init_with (&net, weights, ns_objective_conv_count (layers),
                                     tiling.crop_height, tiling.crop_width, options, err);
  if (status == NS_OK)
    status = tile_buffers_init (&b, &tiling, layers, err);
  for (int k = 0; k < tiling.count && status == NS_OK; k++)
    {
      forward_tile (&net, &tiling.tiles[k], style->rgb, style->height, style->width, b.crop_rgb);
      add_tile_grams (&net, layers, &tiling.tiles[k], style->height, style->width, share,
                      b.inner_features, obj->gram_scratch, obj->style_gram);
    }
  tile_buffers_clear (&b);
  ns_vgg19_net_clear (&net);
  ns_tiling_clear (&tiling);
  return status;
}

/* The content target: the content's features at the content layer, in tiles. */
static ns_status
compute_content_target (ns_objective *obj, const float *content, ns_error *err)
{
  const int l = obj->layers.content_layer;
  if (l < 0)
    return NS_OK;
  const int channels = ns_vgg19_conv_out_channels (l);
  const size_t positions = layer_positions (l, obj->height, obj->width);
  const ns_rect all = ns_rect_at_layer ((ns_rect) { 0, obj->height, 0, obj->width }, l);
  obj->content_target = calloc ((size_t) channels * positions, sizeof (float));
  if (!obj->content_target)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d working image", obj->width,
                         obj->height);
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
  return NS_OK;
}

ns_status
ns_objective_init_tiled (ns_objective *obj, const ns_weights *weights,
                         const ns_objective_layers *layers, const float *content, int width,
                         int height, const ns_objective_style *styles, int style_count,
                         double content_weight, double style_weight, double tv_weight,
                         const ns_vgg19_net_options *net_options, const ns_tile_request *tiles,
                         ns_error *err)
{
  memset (obj, 0, sizeof *obj);
  obj->layers = *layers;
  obj->width = width;
  obj->height = height;
  obj->content_weight = content_weight;
  obj->style_weight = style_weight;
  obj->tv_weight = tv_weight;
  const int conv_count = ns_objective_conv_count (layers);
  if (layers->style_layer_count < 0 || layers->style_layer_count > NS_OBJECTIVE_MAX_STYLE_LAYERS ||
      conv_count > weights->conv_count)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the chosen layers need %d convolutions; the weights hold %d", conv_count,
                         weights->conv_count);

  double blend_total = 0.0;
  for (int k = 0; k < style_count; k++)
    blend_total += styles[k].blend;
  if (style_count < 1 || !(blend_total > 0.0))
    return ns_error_set (err, NS_ERROR_ARGUMENT, "no style image with a positive blend weight");

  const ns_vgg19_net_options options = ns_objective_net_options (layers, net_options);
  ns_status status = NS_OK;
  int widest = 1;
  for (int s = 0; s < layers->style_layer_count; s++)
    if (ns_vgg19_conv_out_channels (layers->style_layers[s]) > widest)
      widest = ns_vgg19_conv_out_channels (layers->style_layers[s]);
  obj->gram_scratch = malloc (sizeof (float) * widest * widest);
  if (!obj->gram_scratch)
    status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the style statistics");
  for (int s = 0; s < layers->style_layer_count && status == NS_OK; s++)
    {
      const size_t channels = ns_vgg19_conv_out_channels (layers->style_layers[s]);
      obj->style_gram[s] = calloc (channels * channels, sizeof (float));
      obj->gram[s] = malloc (sizeof (float) * channels * channels);
      if (!obj->style_gram[s] || !obj->gram[s])
        status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the style statistics");
    }
  /* one style network at a time, freed before the content's is made */
  for (int k = 0; k < style_count && status == NS_OK; k++)
    if (styles[k].blend > 0.0)
      status = accumulate_style_grams (obj, weights, &options, &styles[k],
                                       styles[k].blend / blend_total, tiles, err);
  for (int s = 0; s < layers->style_layer_count && status == NS_OK; s++)
    {
      const int channels = ns_vgg19_conv_out_channels (layers->style_layers[s]);
      obj->style_normaliser[s] = ns_loss_normaliser (
          ns_sum_of_squares (obj->style_gram[s], (size_t) channels * channels));
    }

  if (status == NS_OK)
    status = plan_tiles (&obj->tiling, layers, height, width, &options, tiles, err);
  if (status == NS_OK)
    status = ns_vgg19_net_init_with (&obj->net, weights, conv_count, obj->tiling.crop_height,
                                     obj->tiling.crop_width, &options, err);
  tile_buffers b = { 0 };
  if (status == NS_OK)
    status = tile_buffers_init (&b, &obj->tiling, layers, err);
  obj->crop_rgb = b.crop_rgb;
  obj->crop_gradient = b.crop_gradient;
  obj->inner_features = b.inner_features;
  if (status == NS_OK)
    status = compute_content_target (obj, content, err);
  if (status != NS_OK)
    ns_objective_clear (obj);
  return status;
}

ns_status
ns_objective_init (ns_objective *obj, const ns_weights *weights, const ns_objective_layers *layers,
                   const float *content, int width, int height, const ns_objective_style *styles,
                   int style_count, double content_weight, double style_weight, double tv_weight,
                   const ns_vgg19_net_options *net_options, ns_error *err)
{
  return ns_objective_init_tiled (obj, weights, layers, content, width, height, styles, style_count,
                                  content_weight, style_weight, tv_weight, net_options, NULL, err);
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
  free (obj->gram_scratch);
  for (int s = 0; s < NS_OBJECTIVE_MAX_STYLE_LAYERS; s++)
    {
      free (obj->style_gram[s]);
      free (obj->gram[s]);
    }
  tile_buffers b = { obj->crop_rgb, obj->crop_gradient, obj->inner_features };
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
  obj->content_loss = obj->style_loss = obj->tv_loss = 0.0;
  for (int s = 0; s < layers->style_layer_count; s++)
    {
      const int channels = ns_vgg19_conv_out_channels (layers->style_layers[s]);
      memset (obj->gram[s], 0, sizeof (float) * channels * channels);
    }

  /* pass 1: the whole image's Gram matrices, and the content loss */
  for (int k = 0; k < tiling->count; k++)
    {
      const ns_tile *t = &tiling->tiles[k];
      forward_tile (&obj->net, t, x, obj->height, obj->width, obj->crop_rgb);
      add_tile_grams (&obj->net, layers, t, obj->height, obj->width, 1.0, obj->inner_features,
                      obj->gram_scratch, obj->gram);
      obj->content_loss += tile_content_loss (obj, t, obj->net.activation[layers->content_layer],
                                              NULL);
      if (abandoned (obj, 1, k + 1))
        return NAN;
    }
  for (int s = 0; s < layers->style_layer_count; s++)
    {
      const int channels = ns_vgg19_conv_out_channels (layers->style_layers[s]);
      obj->style_loss += layers->style_layer_weights[s] *
                         ns_style_loss_of_gram (obj->gram[s], obj->style_gram[s],
                                                (size_t) channels * channels,
                                                obj->style_normaliser[s],
                                                gradient ? obj->gram[s] : NULL);
    }

  /* pass 2: each tile's gradient against the whole image's loss, from the
   * last tile, whose forward pass is still in the network */
  if (gradient && tiling->count == 1)
    {
      tile_backward b = { obj, &tiling->tiles[0] };
      ns_vgg19_net_backward (&obj->net, add_tile_gradient, &b, gradient);
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
          ns_rect_scatter_add (obj->crop_gradient, 3, obj->height, obj->width, t->crop, gradient);
          if (abandoned (obj, 2, tiling->count - k))
            return NAN;
        }
    }
  if (obj->anchor.target)
    obj->content_loss += ns_anchor_loss (&obj->anchor, x, obj->content_weight, gradient);
  if (obj->tv_weight > 0.0)
    obj->tv_loss = ns_total_variation (x, 3, obj->height, obj->width, obj->tv_weight, gradient);
  return obj->content_weight * obj->content_loss + obj->style_weight * obj->style_loss +
         obj->tv_weight * obj->tv_loss;
}
