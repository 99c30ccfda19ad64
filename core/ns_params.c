#include "neural_style.h"

#include <math.h>

void
ns_params_init (ns_params *params)
{
  params->content_weight = 1.0;
  params->style_weight = 1.0;
  params->learning_rate = 0.02;
  params->iterations = 200;
  params->max_size = 512;
}

ns_status
ns_params_check (const ns_params *params, ns_error *err)
{
  if (!isfinite (params->content_weight) || params->content_weight < 0.0)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "content weight must be a number >= 0 (got %g)",
                         params->content_weight);
  if (!isfinite (params->style_weight) || params->style_weight < 0.0)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "style weight must be a number >= 0 (got %g)",
                         params->style_weight);
  if (!isfinite (params->learning_rate) || params->learning_rate <= 0.0)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "learning rate must be > 0 (got %g)",
                         params->learning_rate);
  if (params->iterations < 1 || params->iterations > NS_MAX_ITERATIONS)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "iterations must be between 1 and %d (got %d)",
                         NS_MAX_ITERATIONS, params->iterations);
  if (params->max_size < 0 || params->max_size > NS_MAX_WORKING_SIZE)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "working size must be between 0 (the image's own) and %d pixels (got %d)",
                         NS_MAX_WORKING_SIZE, params->max_size);
  return NS_OK;
}
