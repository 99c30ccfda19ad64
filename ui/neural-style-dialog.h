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
#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The procedure's argument that says what a run paints, and its choices'
 * ids. */
#define NEURAL_STYLE_PAINT "paint"

typedef enum
{
  NEURAL_STYLE_PAINT_LAYER = 0,    /* the layer: one new layer */
  NEURAL_STYLE_PAINT_ANIMATION = 1 /* every layer as a frame: a new image */
} NeuralStylePaint;

/* The dialog's preview: the dialog makes its area, text line and the
 * "Preview" switch (the procedure's "preview" auxiliary argument); the
 * plug-in paints it.  changed is called (once per burst of changes) after
 * any change of a setting or an input while the switch is on, and when it
 * is turned on; stop when it is turned off and as the dialog closes. */
typedef struct
{
  void (*changed) (GimpProcedureConfig *config, gpointer data);
  void (*stop) (gpointer data);
  gpointer data;
  /* the dialog's, while it is open */
  GtkWidget *area;
  GtkWidget *label;
} NeuralStyleDialogPreview;

/* Shows rgb (8-bit R'G'B', width * 3 bytes a row) centred in the preview
 * area. */
void neural_style_dialog_preview_draw (NeuralStyleDialogPreview *preview, const guchar *rgb,
                                       gint width, gint height);

/* The line under the preview area. */
void neural_style_dialog_preview_say (NeuralStyleDialogPreview *preview, const gchar *text);

/* Shows a GimpProcedureDialog over the procedure's arguments, with a
 * preset chooser (shipped presets from shipped_presets_dir, the user's own
 * from the GIMP profile), and returns TRUE when the user pressed OK.
 * config then holds the chosen values and the switches that say which of
 * the styles' inputs are used (neural_style_inputs_clear_unused leaves
 * only those).  preview (NULL: none) goes beside the settings.  Initialises libgimpui (gimp_ui_init) itself. */
gboolean neural_style_dialog_run (GimpProcedure *procedure, GimpProcedureConfig *config,
                                  const gchar *shipped_presets_dir,
                                  NeuralStyleDialogPreview *preview);

G_END_DECLS

#endif
