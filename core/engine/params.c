/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "neural_style.h"
#include "ns_settings.h"

#include <string.h>

void
ns_params_init (ns_params *params)
{
  memset (params, 0, sizeof *params);
  for (int i = 0; i < ns_settings_count; i++)
    ns_setting_set (params, &ns_settings[i], ns_settings[i].default_value);
}

ns_status
ns_params_check (const ns_params *params, ns_error *err)
{
  /* Each setting finite and in its range (the table in settings.c)… */
  for (int i = 0; i < ns_settings_count; i++)
    if (ns_setting_check (&ns_settings[i], ns_setting_get (params, &ns_settings[i]), err) != NS_OK)
      return NS_ERROR_ARGUMENT;

  /* …and together, something to optimise. */
  double layer_total = 0.0;
  for (int i = 0; i < NS_STYLE_LAYER_COUNT; i++)
    layer_total += params->style_layer_weights[i];
  if (!(layer_total > 0.0) && params->style_weight > 0.0)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "at least one style layer needs a weight above 0");
  if (params->content_weight + params->style_weight + params->tv_weight <= 0.0)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "all loss weights are 0: there is nothing to optimise");
  return NS_OK;
}
