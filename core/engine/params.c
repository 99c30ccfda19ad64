#include "neural_style.h"

#include <math.h>

void
ns_params_init (ns_params *params)
{
  params->content_weight = 1.0;
  params->style_weight = 3.0;
  params->tv_weight = 0.0;
  for (int i = 0; i < NS_STYLE_LAYER_COUNT; i++)
    params->style_layer_weights[i] = 1.0;
  params->layer_set = NS_LAYERS_PAPER;
  params->optimizer = NS_OPTIMIZER_LBFGS;
  params->learning_rate = 0.02;
  params->iterations = 100;
  params->max_size = 512;
  params->multi_scale = 1;
  params->min_scale_size = 128;
  params->style_scale = 1.0;
  params->keep_colors = 0;
  params->init = NS_INIT_CONTENT;
  params->seed = 0;
}

static int
non_negative (double value)
{
  return isfinite (value) && value >= 0.0;
}

ns_status
ns_params_check (const ns_params *params, ns_error *err)
{
  if (!non_negative (params->content_weight))
    return ns_error_set (err, NS_ERROR_ARGUMENT, "content weight must be a number >= 0 (got %g)",
                         params->content_weight);
  if (!non_negative (params->style_weight))
    return ns_error_set (err, NS_ERROR_ARGUMENT, "style weight must be a number >= 0 (got %g)",
                         params->style_weight);
  if (!non_negative (params->tv_weight))
    return ns_error_set (err, NS_ERROR_ARGUMENT, "TV weight must be a number >= 0 (got %g)",
                         params->tv_weight);
  double layer_total = 0.0;
  for (int i = 0; i < NS_STYLE_LAYER_COUNT; i++)
    {
      if (!non_negative (params->style_layer_weights[i]))
        return ns_error_set (err, NS_ERROR_ARGUMENT,
                             "style layer weight %d must be a number >= 0 (got %g)", i + 1,
                             params->style_layer_weights[i]);
      layer_total += params->style_layer_weights[i];
    }
  if (!(layer_total > 0.0) && params->style_weight > 0.0)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "at least one style layer needs a weight above 0");
  if (params->content_weight + params->style_weight + params->tv_weight <= 0.0)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "all loss weights are 0: there is nothing to optimise");
  if (params->layer_set != NS_LAYERS_PAPER && params->layer_set != NS_LAYERS_SEED)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "unknown layer set %d", (int) params->layer_set);
  if (params->optimizer != NS_OPTIMIZER_LBFGS && params->optimizer != NS_OPTIMIZER_ADAM)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "unknown optimiser %d", (int) params->optimizer);
  if (!isfinite (params->learning_rate) || params->learning_rate <= 0.0 || params->learning_rate > 10.0)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "learning rate must be in (0, 10] (got %g)",
                         params->learning_rate);
  if (params->iterations < 1 || params->iterations > NS_MAX_ITERATIONS)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "iterations must be between 1 and %d (got %d)",
                         NS_MAX_ITERATIONS, params->iterations);
  if (params->max_size < 0 || params->max_size > NS_MAX_WORKING_SIZE)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "working size must be between 0 (the image's own) and %d pixels (got %d)",
                         NS_MAX_WORKING_SIZE, params->max_size);
  if (params->min_scale_size < 32 || params->min_scale_size > NS_MAX_WORKING_SIZE)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the coarsest scale must be between 32 and %d pixels (got %d)",
                         NS_MAX_WORKING_SIZE, params->min_scale_size);
  if (!isfinite (params->style_scale) || params->style_scale < 0.05 || params->style_scale > 8.0)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "style scale must be between 0.05 and 8 (got %g)",
                         params->style_scale);
  if (params->init != NS_INIT_CONTENT && params->init != NS_INIT_NOISE && params->init != NS_INIT_STYLE)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "unknown initialisation %d", (int) params->init);
  return NS_OK;
}
