/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: named presets of the plug-in's settings.
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
 * A preset is a GimpConfig object holding a name and the look of a run:
 * the loss weights, optimiser, layers, sizes, initialisation and seed.
 * Its properties are the rows of the engine's settings table
 * (include/ns_settings.h), as the procedure's arguments are, so they copy to
 * and from a
 * GimpProcedureConfig; the style layer, the style file and the weights file
 * are inputs, not part of the look, and are never stored.
 *
 * Presets are files in GimpConfig's text format ("(content-weight 1)"):
 * shipped ones in <plug-in dir>/presets (read only), the user's own in
 * <GIMP profile>/neural-style/presets.
 */
#ifndef NEURAL_STYLE_PRESETS_H
#define NEURAL_STYLE_PRESETS_H

#include <glib-object.h>

G_BEGIN_DECLS

#define NEURAL_STYLE_PRESET_SUFFIX ".preset"

#define NEURAL_STYLE_TYPE_PRESET (neural_style_preset_get_type ())
G_DECLARE_FINAL_TYPE (NeuralStylePreset, neural_style_preset, NEURAL_STYLE, PRESET, GObject)

/* The names of the settings a preset holds (NULL-terminated): the settings
 * table's. */
const gchar *const *neural_style_preset_setting_names (void);

/* A preset named name with the values of config's settings. */
NeuralStylePreset *neural_style_preset_new_from_config (const gchar *name, GObject *config);

/* Reads one preset file, checking every value against the settings table.
 * Fails, saying why, for anything but a small UTF-8 text file of
 * "(setting value)" entries with values in range.  Settings it does not
 * know are skipped, and *warning (if not NULL) names them. */
NeuralStylePreset *neural_style_preset_load (const gchar *path, gboolean shipped, gchar **warning,
                                             GError **error);

/* The shipped presets (in file-name order) followed by the user's (by
 * name).  A file that fails to load is left out; it, and a file loaded
 * with a warning, adds one message (a string naming the file) to problems
 * when that is not NULL.  Either directory may be NULL or missing.  Free
 * with g_list_free_full (list, g_object_unref). */
GList *neural_style_presets_list (const gchar *shipped_dir, const gchar *user_dir,
                                  GPtrArray *problems);

/* The user's presets directory: <GIMP profile>/neural-style/presets. */
gchar *neural_style_presets_user_dir (void);

/* Writes preset as a user preset into user_dir (created if need be),
 * replacing the user preset of the same name if there is one, and sets its
 * path.  Fails for an empty name. */
gboolean neural_style_preset_save (NeuralStylePreset *preset, const gchar *user_dir, GError **error);

/* Deletes a user preset's file; shipped presets cannot be deleted. */
gboolean neural_style_preset_delete (NeuralStylePreset *preset, GError **error);

/* Sets config's settings to the preset's. */
void neural_style_preset_apply (NeuralStylePreset *preset, GObject *config);

/* Whether config's settings equal the preset's. */
gboolean neural_style_preset_matches (NeuralStylePreset *preset, GObject *config);

const gchar *neural_style_preset_get_name (NeuralStylePreset *preset);
/* The name to show: translated for shipped presets. */
const gchar *neural_style_preset_get_label (NeuralStylePreset *preset);
const gchar *neural_style_preset_get_path (NeuralStylePreset *preset);
gboolean neural_style_preset_is_shipped (NeuralStylePreset *preset);

G_END_DECLS

#endif
