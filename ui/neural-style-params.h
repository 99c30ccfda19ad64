/* GIMP Neural Style: the ranges of the plug-in's settings, shared by the
 * procedure's arguments (plugin/) and the presets (ui/), so that every
 * value one accepts fits the other.
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <https://www.gnu.org/licenses/>.
 */
#ifndef NEURAL_STYLE_PARAMS_H
#define NEURAL_STYLE_PARAMS_H

#include <glib.h>

#include "neural_style.h"

#define NEURAL_STYLE_CONTENT_WEIGHT_MAX  1.0e6
#define NEURAL_STYLE_STYLE_WEIGHT_MAX    1.0e9
#define NEURAL_STYLE_TV_WEIGHT_MAX       1.0e6
#define NEURAL_STYLE_LAYER_WEIGHT_MAX    1.0e3
/* The engine takes (0, 10]; GIMP's spin widget needs a minimum above 0. */
#define NEURAL_STYLE_LEARNING_RATE_MIN   0.0001
#define NEURAL_STYLE_LEARNING_RATE_MAX   10.0
#define NEURAL_STYLE_STYLE_SCALE_MIN     0.05
#define NEURAL_STYLE_STYLE_SCALE_MAX     8.0
#define NEURAL_STYLE_MIN_SCALE_SIZE_MIN  32
#define NEURAL_STYLE_SEED_MAX            G_MAXINT

/* The choices' nicks, in the order of the engine's enums. */
#define NEURAL_STYLE_OPTIMIZER_LBFGS  "lbfgs"
#define NEURAL_STYLE_OPTIMIZER_ADAM   "adam"
#define NEURAL_STYLE_LAYERS_PAPER     "paper"
#define NEURAL_STYLE_LAYERS_SEED      "seed"
#define NEURAL_STYLE_INIT_CONTENT     "content"
#define NEURAL_STYLE_INIT_NOISE       "noise"
#define NEURAL_STYLE_INIT_STYLE       "style"

/* "style-layer-weight-1" … "style-layer-weight-5": shallow to deep. */
#define NEURAL_STYLE_LAYER_WEIGHT_NAME "style-layer-weight-%d"

#endif
