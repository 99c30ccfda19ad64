/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "layer_sets.h"

/* conv indices: relu1_1 = 0, relu1_2 = 1, relu2_1 = 2, … relu5_4 = 15 */
static const ns_objective_layers layer_sets[] = {
  /* Gatys et al.: content relu4_2; style relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 */
  [NS_LAYERS_PAPER] = { .content_layer = 9,
                        .style_layer_count = NS_STYLE_LAYER_COUNT,
                        .style_layers = { 0, 2, 4, 8, 12 } },
  /* the last ReLU of each block: content relu4_4; style relu1_2, relu2_2, relu3_4, relu4_4, relu5_4 */
  [NS_LAYERS_BLOCK_LAST] = { .content_layer = 11,
                             .style_layer_count = NS_STYLE_LAYER_COUNT,
                             .style_layers = { 1, 3, 7, 11, 15 } },
};

ns_objective_layers
ns_layer_set_layers (const ns_params *params)
{
  ns_objective_layers layers = layer_sets[params->layer_set];
  for (int s = 0; s < NS_STYLE_LAYER_COUNT; s++)
    layers.style_layer_weights[s] = params->style_layer_weights[s];
  return layers;
}
