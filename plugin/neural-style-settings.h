/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the procedure's settings, from the engine's settings
 * table (include/ns_settings.h): the PDB arguments, config → ns_params, and
 * the inputs that are not settings (default style layer, weights file).
 *
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
 *
 */
#ifndef NEURAL_STYLE_SETTINGS_H
#define NEURAL_STYLE_SETTINGS_H

#include <libgimp/gimp.h>

#include "neural_style.h"

G_BEGIN_DECLS

/* Adds a PDB argument for each table row from row first up to and
 * including the row called last (NULL: to the end, and then one for each
 * former setting); returns the index of the row after the last one added. */
gint neural_style_settings_add_arguments (GimpProcedure *procedure, gint first, const gchar *last);

/* Replaces a choice's old nick (an alias, e.g. layer-set "seed") in config
 * by its current one, and a former setting given true (keep-colors) by its
 * choice, so that the dialog and presets show them. */
void neural_style_settings_normalize (GimpProcedureConfig *config);

/* The engine's parameters from config's settings. */
void neural_style_settings_to_params (GimpProcedureConfig *config, ns_params *params);

/* Suggestions for the inputs GIMP never remembers (layers, channels):
 * each style without a layer gets a different other layer of the image
 * (the top-most first; no result of an earlier run), else of another open
 * image; each region without a
 * channel gets the image's first channel (used only where the dialog's
 * switches say so). */
void neural_style_default_inputs (GimpProcedureConfig *config, GimpImage *image,
                                  GimpDrawable *drawable);

/* The weights, where ns_weights_find looks (weights_file, else
 * $NEURAL_STYLE_WEIGHTS, else vgg19-conv.safetensors next to the plug-in,
 * else the one neural-style-get-weights stores).  NULL with error set when
 * the file named or none exists. */
gchar *neural_style_find_weights (GFile *weights_file, GError **error);

/* A file or folder installed next to the plug-in's binary. */
gchar *neural_style_plug_in_path (const gchar *name);

G_END_DECLS

#endif
