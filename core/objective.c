#include "objective.h"

#include <stdlib.h>
#include <string.h>

#include "losses.h"

/* The paper's layers. */
#define CONTENT_LAYER 9  /* relu4_2 */
static const int style_layers[OBJECTIVE_STYLE_LAYER_COUNT] = { 0, 2, 4, 8, 12 };
#define CONV_COUNT 13    /* conv1_1 … conv5_1 */

int
objective_conv_count (void)
{
  return CONV_COUNT;
}

static void
add_loss_gradient (int conv_index, const float *activation, float *grad, void *user_data)
{
  objective *obj = user_data;
  const int channels = vgg19_conv_out_channels (conv_index);
  const size_t n = (size_t) obj->net.height[conv_index] * obj->net.width[conv_index];

  if (conv_index == CONTENT_LAYER)
    obj->content_loss += content_loss (activation, obj->content_target, channels * n,
                                       obj->content_weight, grad);
  for (int s = 0; s < OBJECTIVE_STYLE_LAYER_COUNT; s++)
    if (conv_index == style_layers[s])
      obj->style_loss += style_loss (activation, channels, n, obj->style_gram[s],
                                     obj->style_weight, obj->gram_scratch, grad);
}

/* Style Gram matrices at the style image's own size. */
static ns_status
compute_style_grams (objective *obj, const vgg19_weights *weights,
                     const float *style, int width, int height, ns_error *err)
{
  vgg19_net net;
  ns_status status = vgg19_net_init (&net, weights, CONV_COUNT, height, width, err);
  if (status != NS_OK)
    return status;
  vgg19_net_forward (&net, style);
  for (int s = 0; s < OBJECTIVE_STYLE_LAYER_COUNT && status == NS_OK; s++)
    {
      const int layer = style_layers[s];
      const int channels = vgg19_conv_out_channels (layer);
      obj->style_gram[s] = malloc (sizeof (float) * channels * channels);
      if (!obj->style_gram[s])
        status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the style statistics");
      else
        style_gram (net.activation[layer], channels,
                    (size_t) net.height[layer] * net.width[layer], obj->style_gram[s]);
    }
  vgg19_net_free (&net);
  return status;
}

ns_status
objective_init (objective *obj, const vgg19_weights *weights,
                const float *content, int width, int height,
                const float *style, int style_width, int style_height,
                double content_weight, double style_weight, ns_error *err)
{
  memset (obj, 0, sizeof *obj);
  obj->content_weight = content_weight;
  obj->style_weight = style_weight;

  /* the style's network is freed before the content's is made: peak memory is the larger one */
  ns_status status = compute_style_grams (obj, weights, style, style_width, style_height, err);
  if (status == NS_OK)
    status = vgg19_net_init (&obj->net, weights, CONV_COUNT, height, width, err);
  if (status == NS_OK)
    {
      const size_t target_count = (size_t) vgg19_conv_out_channels (CONTENT_LAYER)
                                  * obj->net.height[CONTENT_LAYER] * obj->net.width[CONTENT_LAYER];
      const int widest = vgg19_conv_out_channels (style_layers[OBJECTIVE_STYLE_LAYER_COUNT - 1]);
      obj->content_target = malloc (sizeof (float) * target_count);
      obj->gram_scratch = malloc (sizeof (float) * widest * widest);
      if (!obj->content_target || !obj->gram_scratch)
        status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d working image",
                               width, height);
      else
        {
          vgg19_net_forward (&obj->net, content);
          memcpy (obj->content_target, obj->net.activation[CONTENT_LAYER],
                  sizeof (float) * target_count);
        }
    }
  if (status != NS_OK)
    objective_free (obj);
  return status;
}

void
objective_free (objective *obj)
{
  vgg19_net_free (&obj->net);
  free (obj->content_target);
  free (obj->gram_scratch);
  for (int s = 0; s < OBJECTIVE_STYLE_LAYER_COUNT; s++)
    free (obj->style_gram[s]);
  memset (obj, 0, sizeof *obj);
}

/* Losses only, for evaluations without a gradient: the forward pass suffices. */
static void
evaluate_losses (objective *obj)
{
  for (int i = 0; i < CONV_COUNT; i++)
    add_loss_gradient (i, obj->net.activation[i], NULL, obj);
}

double
objective_evaluate (objective *obj, const float *x, float *gradient)
{
  obj->content_loss = obj->style_loss = 0.0;
  vgg19_net_forward (&obj->net, x);
  if (gradient)
    vgg19_net_backward (&obj->net, add_loss_gradient, obj, gradient);
  else
    evaluate_losses (obj);
  return obj->content_weight * obj->content_loss + obj->style_weight * obj->style_loss;
}
