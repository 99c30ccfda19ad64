/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "objective.h"

#include "ns_assert.h"

#include <stdlib.h>
#include <string.h>

#include "losses.h"
#include "total_variation.h"

int
ns_objective_conv_count (const ns_objective_layers *layers)
{
  int deepest = layers->content_layer;
  for (int s = 0; s < layers->style_layer_count; s++)
    if (layers->style_layers[s] > deepest)
      deepest = layers->style_layers[s];
  return deepest + 1;
}

static void
add_loss_gradient (int conv_index, const float *activation, float *grad, void *user_data)
{
  ns_objective *obj = user_data;
  const ns_objective_layers *layers = &obj->layers;
  const int channels = ns_vgg19_conv_out_channels (conv_index);
  const size_t n = (size_t) obj->net.height[conv_index] * obj->net.width[conv_index];

  if (conv_index == layers->content_layer)
    obj->content_loss += ns_content_loss (activation, obj->content_target, channels * n,
                                          obj->content_normaliser, obj->content_weight, grad);
  for (int s = 0; s < layers->style_layer_count; s++)
    if (conv_index == layers->style_layers[s])
      {
        const double w = layers->style_layer_weights[s];
        obj->style_loss += w * ns_style_loss (activation, channels, n, obj->style_gram[s],
                                              obj->style_normaliser[s], obj->style_weight * w,
                                              obj->gram_scratch, grad);
      }
}

/* Adds blend * (Gram matrices of one style image) to the targets. */
static ns_status
accumulate_style_grams (ns_objective *obj, const ns_weights *weights, int conv_count,
                        const ns_vgg19_net_options *options, const ns_objective_style *style,
                        double blend, ns_error *err)
{
  ns_vgg19_net net;
  ns_status status = ns_vgg19_net_init_with (&net, weights, conv_count, style->height, style->width,
                                             options, err);
  if (status != NS_OK)
    return status;
  ns_vgg19_net_forward (&net, style->rgb);
  for (int s = 0; s < obj->layers.style_layer_count; s++)
    {
      const int layer = obj->layers.style_layers[s];
      const int channels = ns_vgg19_conv_out_channels (layer);
      const size_t entries = (size_t) channels * channels;
      ns_style_gram (net.activation[layer], channels, (size_t) net.height[layer] * net.width[layer],
                     obj->gram_scratch);
      for (size_t i = 0; i < entries; i++)
        obj->style_gram[s][i] += (float) blend * obj->gram_scratch[i];
    }
  ns_vgg19_net_clear (&net);
  return NS_OK;
}

ns_status
ns_objective_init (ns_objective *obj, const ns_weights *weights, const ns_objective_layers *layers,
                   const float *content, int width, int height, const ns_objective_style *styles,
                   int style_count, double content_weight, double style_weight, double tv_weight,
                   const ns_vgg19_net_options *net_options, ns_error *err)
{
  memset (obj, 0, sizeof *obj);
  obj->layers = *layers;
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

  /* only the loss layers' ReLU outputs are needed: the others' would cost
   * most of the network's memory */
  ns_vgg19_net_options options;
  ns_vgg19_net_options_init (&options);
  options.keep = 1u << layers->content_layer;
  for (int s = 0; s < layers->style_layer_count; s++)
    options.keep |= 1u << layers->style_layers[s];
  if (net_options)
    {
      options.keep |= net_options->keep;
      options.winograd_tile = net_options->winograd_tile;
    }

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
      const int channels = ns_vgg19_conv_out_channels (layers->style_layers[s]);
      obj->style_gram[s] = calloc ((size_t) channels * channels, sizeof (float));
      if (!obj->style_gram[s])
        status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the style statistics");
    }
  /* one style network at a time, freed before the content's is made */
  for (int k = 0; k < style_count && status == NS_OK; k++)
    if (styles[k].blend > 0.0)
      status = accumulate_style_grams (obj, weights, conv_count, &options, &styles[k],
                                       styles[k].blend / blend_total, err);
  for (int s = 0; s < layers->style_layer_count && status == NS_OK; s++)
    {
      const int channels = ns_vgg19_conv_out_channels (layers->style_layers[s]);
      obj->style_normaliser[s] = ns_loss_normaliser (
          ns_sum_of_squares (obj->style_gram[s], (size_t) channels * channels));
    }

  if (status == NS_OK)
    status = ns_vgg19_net_init_with (&obj->net, weights, conv_count, height, width, &options, err);
  if (status == NS_OK)
    {
      const int layer = layers->content_layer;
      const size_t target_count = (size_t) ns_vgg19_conv_out_channels (layer) *
                                  obj->net.height[layer] * obj->net.width[layer];
      obj->content_target = malloc (sizeof (float) * target_count);
      if (!obj->content_target)
        status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d working image",
                               width, height);
      else
        {
          ns_vgg19_net_forward (&obj->net, content);
          memcpy (obj->content_target, obj->net.activation[layer], sizeof (float) * target_count);
          obj->content_normaliser = ns_loss_normaliser (
              ns_sum_of_squares (obj->content_target, target_count));
        }
    }
  if (status != NS_OK)
    ns_objective_clear (obj);
  return status;
}

void
ns_objective_clear (ns_objective *obj)
{
  ns_vgg19_net_clear (&obj->net);
  free (obj->content_target);
  free (obj->gram_scratch);
  for (int s = 0; s < NS_OBJECTIVE_MAX_STYLE_LAYERS; s++)
    free (obj->style_gram[s]);
  memset (obj, 0, sizeof *obj);
}

double
ns_objective_evaluate (ns_objective *obj, const float *x, float *gradient)
{
  NS_ASSERT (obj && x);
  obj->content_loss = obj->style_loss = obj->tv_loss = 0.0;
  ns_vgg19_net_forward (&obj->net, x);
  if (gradient)
    ns_vgg19_net_backward (&obj->net, add_loss_gradient, obj, gradient);
  else
    /* the losses alone need only the forward pass; deepest first, as the
     * backward pass adds them, so both give the same sum to the last bit */
    for (int i = obj->net.conv_count - 1; i >= 0; i--)
      add_loss_gradient (i, obj->net.activation[i], NULL, obj);
  if (obj->tv_weight > 0.0)
    obj->tv_loss = ns_total_variation (x, 3, obj->net.height[0], obj->net.width[0], obj->tv_weight,
                                       gradient);
  return obj->content_weight * obj->content_loss + obj->style_weight * obj->style_loss +
         obj->tv_weight * obj->tv_loss;
}
