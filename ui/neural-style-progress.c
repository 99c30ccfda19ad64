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
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <glib/gi18n-lib.h>

#include "neural-style-progress.h"

#define PREVIEW_SIZE 256
#define RESPONSE_STOP 1

#define DATA_KEY "neural-style-progress"

typedef struct
{
  GtkWidget *preview;
  GtkWidget *label;
  GtkWidget *bar;
  GtkWidget *stop_button;
  GtkWidget *cancel_button;
  NeuralStyleRequest request;
  NeuralStyleRequestFunc request_func;
  gpointer request_data;
} ProgressWidgets;

static ProgressWidgets *
get_widgets (GtkWidget *window)
{
  return g_object_get_data (G_OBJECT (window), DATA_KEY);
}

static void
request (ProgressWidgets *widgets, NeuralStyleRequest what)
{
  if (widgets->request != NEURAL_STYLE_REQUEST_NONE)
    return;

  widgets->request = what;
  gtk_widget_set_sensitive (widgets->stop_button, FALSE);
  gtk_widget_set_sensitive (widgets->cancel_button, FALSE);
  gtk_label_set_text (GTK_LABEL (widgets->label), what == NEURAL_STYLE_REQUEST_STOP ?
                                                      _ ("Stopping: finishing the result so far…") :
                                                      _ ("Cancelling…"));
  if (widgets->request_func)
    widgets->request_func (what, widgets->request_data);
}

static void
response (GtkDialog *dialog, gint response_id, ProgressWidgets *widgets)
{
  request (widgets,
           response_id == RESPONSE_STOP ? NEURAL_STYLE_REQUEST_STOP : NEURAL_STYLE_REQUEST_CANCEL);
}

static gboolean
delete_event (GtkWidget *window, GdkEvent *event, ProgressWidgets *widgets)
{
  /* Closing the window cancels; the window stays until the run ends. */
  request (widgets, NEURAL_STYLE_REQUEST_CANCEL);
  return TRUE;
}

GtkWidget *
neural_style_progress_new (void)
{
  ProgressWidgets *widgets = g_new0 (ProgressWidgets, 1);
  GtkWidget *window;
  GtkWidget *vbox;
  GtkWidget *frame;

  window = gimp_dialog_new (_ ("Neural Style Progress"), "neural-style-progress", NULL, 0, NULL,
                            NULL, NULL);
  g_object_set_data_full (G_OBJECT (window), DATA_KEY, widgets, g_free);

  widgets->cancel_button = gimp_dialog_add_button (GIMP_DIALOG (window), _ ("_Cancel"),
                                                   GTK_RESPONSE_CANCEL);
  gimp_help_set_help_data (widgets->cancel_button, _ ("Stop now and leave the image as it was"),
                           NULL);
  widgets->stop_button = gimp_dialog_add_button (GIMP_DIALOG (window), _ ("_Stop (keep result)"),
                                                 RESPONSE_STOP);
  gimp_help_set_help_data (widgets->stop_button,
                           _ ("Stop now and add the result so far to the "
                              "image as a new layer"),
                           NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (window), RESPONSE_STOP);
  gimp_window_set_transient (GTK_WINDOW (window));

  vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_container_set_border_width (GTK_CONTAINER (vbox), 12);
  gtk_box_pack_start (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (window))), vbox, TRUE, TRUE,
                      0);

  frame = gtk_frame_new (NULL);
  gtk_frame_set_shadow_type (GTK_FRAME (frame), GTK_SHADOW_IN);
  gtk_widget_set_halign (frame, GTK_ALIGN_CENTER);
  gtk_box_pack_start (GTK_BOX (vbox), frame, TRUE, TRUE, 0);

  widgets->preview = gtk_image_new ();
  gtk_widget_set_size_request (widgets->preview, PREVIEW_SIZE, PREVIEW_SIZE);
  gimp_help_set_help_data (widgets->preview,
                           _ ("The result as it is now, at the size the "
                              "optimisation works on"),
                           NULL);
  gtk_container_add (GTK_CONTAINER (frame), widgets->preview);

  widgets->label = gtk_label_new (_ ("Starting…"));
  gtk_label_set_xalign (GTK_LABEL (widgets->label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (widgets->label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (widgets->label), 48);
  gtk_box_pack_start (GTK_BOX (vbox), widgets->label, FALSE, FALSE, 0);

  widgets->bar = gtk_progress_bar_new ();
  gtk_box_pack_start (GTK_BOX (vbox), widgets->bar, FALSE, FALSE, 0);

  g_signal_connect (window, "response", G_CALLBACK (response), widgets);
  g_signal_connect (window, "delete-event", G_CALLBACK (delete_event), widgets);

  gtk_widget_show_all (window);

  return window;
}

void
neural_style_progress_set_text (GtkWidget *window, const gchar *text)
{
  ProgressWidgets *widgets = get_widgets (window);

  g_return_if_fail (widgets != NULL);

  if (widgets->request == NEURAL_STYLE_REQUEST_NONE)
    gtk_label_set_text (GTK_LABEL (widgets->label), text);
}

void
neural_style_progress_set_fraction (GtkWidget *window, gdouble fraction)
{
  ProgressWidgets *widgets = get_widgets (window);

  g_return_if_fail (widgets != NULL);

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (widgets->bar), CLAMP (fraction, 0.0, 1.0));
}

void
neural_style_progress_set_preview (GtkWidget *window, const guchar *rgb, gint width, gint height,
                                   gint rowstride)
{
  ProgressWidgets *widgets = get_widgets (window);
  GdkPixbuf *pixbuf;
  GdkPixbuf *scaled;
  GBytes *bytes;
  gdouble zoom;

  g_return_if_fail (widgets != NULL);
  g_return_if_fail (rgb != NULL && width > 0 && height > 0);

  bytes = g_bytes_new (rgb, (gsize) rowstride * height);
  pixbuf = gdk_pixbuf_new_from_bytes (bytes, GDK_COLORSPACE_RGB, FALSE, 8, width, height, rowstride);
  g_bytes_unref (bytes);

  /* Fit the preview box, never enlarging by more than 2x. */
  zoom = MIN ((gdouble) PREVIEW_SIZE / width, (gdouble) PREVIEW_SIZE / height);
  zoom = MIN (zoom, 2.0);
  scaled = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (gint) (width * zoom + 0.5)),
                                    MAX (1, (gint) (height * zoom + 0.5)), GDK_INTERP_BILINEAR);
  gtk_image_set_from_pixbuf (GTK_IMAGE (widgets->preview), scaled);

  g_object_unref (scaled);
  g_object_unref (pixbuf);
}

NeuralStyleRequest
neural_style_progress_get_request (GtkWidget *window)
{
  ProgressWidgets *widgets = get_widgets (window);

  g_return_val_if_fail (widgets != NULL, NEURAL_STYLE_REQUEST_CANCEL);

  return widgets->request;
}

void
neural_style_progress_set_request_func (GtkWidget *window, NeuralStyleRequestFunc func, gpointer data)
{
  ProgressWidgets *widgets = get_widgets (window);

  g_return_if_fail (widgets != NULL);

  widgets->request_func = func;
  widgets->request_data = data;
}
