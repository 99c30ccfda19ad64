/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the dialog's own widgets, each bound to an argument
 * of the procedure's config, with the argument's help as its tooltip.
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
#ifndef NEURAL_STYLE_WIDGETS_H
#define NEURAL_STYLE_WIDGETS_H

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

G_BEGIN_DECLS

/* Gives widget the help of config's property as its tooltip, as
 * GimpProcedureDialog does for its own widgets, and shows it; returns it. */
GtkWidget *neural_style_with_help (GimpProcedureConfig *config, const gchar *property,
                                   GtkWidget *widget);

/* An "open" file chooser bound to a file argument declared with
 * GIMP_FILE_CHOOSER_ACTION_ANY, which GIMP's default file widget does not
 * support. */
GtkWidget *neural_style_open_file_chooser_new (GimpProcedureConfig *config, const gchar *property,
                                               const gchar *title);

/* A drawable chooser that shows its thumbnail, its label in labels. */
GtkWidget *neural_style_drawable_chooser_new (GimpProcedureConfig *config, const gchar *property,
                                              GtkSizeGroup *labels);

/* A labelled spin button with the digits GimpProcedureDialog would give
 * the double argument's range. */
GtkWidget *neural_style_label_spin_new (GimpProcedureConfig *config, const gchar *property);

/* A labelled combo of a choice argument, as wide as the dialog. */
GtkWidget *neural_style_choice_combo_new (GimpProcedureConfig *config, const gchar *property);

GtkWidget *neural_style_check_button_new (GimpProcedureConfig *config, const gchar *property);

G_END_DECLS

#endif
