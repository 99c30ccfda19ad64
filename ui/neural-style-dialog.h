/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the plug-in's settings dialog.
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
#ifndef NEURAL_STYLE_DIALOG_H
#define NEURAL_STYLE_DIALOG_H

#include <libgimp/gimp.h>

G_BEGIN_DECLS

/* Values of the "style-source" auxiliary arguments (GimpChoices whose
 * nicks are "layer" and "file", and for the further styles "none"). */
typedef enum
{
  NEURAL_STYLE_SOURCE_LAYER,
  NEURAL_STYLE_SOURCE_FILE,
  NEURAL_STYLE_SOURCE_NONE
} NeuralStyleSource;

/* The procedure takes this many styles, each from arguments named by
 * neural_style_style_property. */
#define NEURAL_STYLE_MAX_STYLES 4

/* The name of style n's (1-based) argument what: "layer", "file",
 * "blend", "region", and the auxiliary "source" and "in-region".  The
 * first style's are "style-layer" and so on, the others' "style-layer-2"
 * and so on.  g_free it. */
gchar *neural_style_style_property (gint n, const gchar *what);

/* Shows a GimpProcedureDialog over the procedure's arguments, with a
 * preset chooser (shipped presets from shipped_presets_dir, the user's own
 * from the GIMP profile), and returns TRUE when the user pressed OK.
 * config then holds the chosen values: of each style's layer and file
 * only the one its source selects (neither for a style without one), its
 * region only when "in-region" is on, and the region to keep only when
 * "keep-in-region" is on.  Initialises
 * libgimpui (gimp_ui_init) itself. */
gboolean neural_style_dialog_run (GimpProcedure *procedure, GimpProcedureConfig *config,
                                  const gchar *shipped_presets_dir);

G_END_DECLS

#endif
