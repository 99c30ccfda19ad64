/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the dialog's preset row.
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
#ifndef NEURAL_STYLE_PRESET_ROW_H
#define NEURAL_STYLE_PRESET_ROW_H

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

G_BEGIN_DECLS

typedef struct _NeuralStylePresetRow NeuralStylePresetRow;

/* The row's widgets, over the presets of shipped_dir and of the user's
 * GIMP profile; choosing a preset sets config. */
NeuralStylePresetRow *neural_style_preset_row_new (GimpProcedureDialog *dialog,
                                                   GimpProcedureConfig *config,
                                                   const gchar *shipped_dir);

GtkWidget *neural_style_preset_row_get_widget (NeuralStylePresetRow *row);

/* Lists the presets and from then on shows the one config matches: call
 * it once the dialog's widgets are made. */
void neural_style_preset_row_load (NeuralStylePresetRow *row);

void neural_style_preset_row_free (NeuralStylePresetRow *row);

G_END_DECLS

#endif
