/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the window that shows a running style transfer.
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
 * A window with a live preview of the current result, the progress text and
 * bar, and two buttons: "Stop (keep result)" and "Cancel".  The caller runs
 * the computation elsewhere and a main loop, feeds the window and hears
 * from it what the user wants.
 */
#ifndef NEURAL_STYLE_PROGRESS_H
#define NEURAL_STYLE_PROGRESS_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  NEURAL_STYLE_REQUEST_NONE,  /* keep going */
  NEURAL_STYLE_REQUEST_STOP,  /* stop and keep the result so far */
  NEURAL_STYLE_REQUEST_CANCEL /* stop and keep nothing */
} NeuralStyleRequest;

/* Called once, when the user first asks to stop or cancel. */
typedef void (*NeuralStyleRequestFunc) (NeuralStyleRequest request, gpointer data);

/* Creates and shows the window.  Needs gimp_ui_init (). */
GtkWidget *neural_style_progress_new (void);

void neural_style_progress_set_text (GtkWidget *window, const gchar *text);
void neural_style_progress_set_fraction (GtkWidget *window, gdouble fraction);
/* Shows rgb (8-bit R'G'B', width x height, rowstride bytes a row), scaled
 * to fit the preview; the data is copied. */
void neural_style_progress_set_preview (GtkWidget *window, const guchar *rgb, gint width,
                                        gint height, gint rowstride);
NeuralStyleRequest neural_style_progress_get_request (GtkWidget *window);
void neural_style_progress_set_request_func (GtkWidget *window, NeuralStyleRequestFunc func,
                                             gpointer data);

G_END_DECLS

#endif
