/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the dialog's styles, a notebook page each, and the
 * region to keep.
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
#ifndef NEURAL_STYLE_STYLE_PAGE_H
#define NEURAL_STYLE_STYLE_PAGE_H

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

G_BEGIN_DECLS

typedef struct _NeuralStyleStylePages NeuralStyleStylePages;

/* Fills the dialog's containers "styles-box" (a notebook with a page of
 * each style's inputs, from the table of neural-style-inputs.h) and
 * "keep-box" (the region to keep, its chooser's label in labels).  Each
 * input is sensitive as the dialog's switches allow, while the pages
 * live. */
NeuralStyleStylePages *neural_style_style_pages_new (GimpProcedureDialog *dialog,
                                                     GimpProcedureConfig *config,
                                                     GtkSizeGroup *labels);

/* Stops following the switches (before the dialog is destroyed). */
void neural_style_style_pages_free (NeuralStyleStylePages *pages);

G_END_DECLS

#endif
