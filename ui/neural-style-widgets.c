/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the dialog's own widgets.
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

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "neural-style-widgets.h"

static GParamSpec *
find_pspec (GimpProcedureConfig *config, const gchar *property)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (config), property);
}

GtkWidget *
neural_style_with_help (GimpProcedureConfig *config, const gchar *property, GtkWidget *widget)
{
  gimp_help_set_help_data (widget, g_param_spec_get_blurb (find_pspec (config, property)), NULL);
  gtk_widget_show_all (widget);

  return widget;
}

GtkWidget *
neural_style_open_file_chooser_new (GimpProcedureConfig *config, const gchar *property,
                                    const gchar *title)
{
  GParamSpec *pspec = find_pspec (config, property);
  GtkWidget *chooser;

  chooser = gimp_file_chooser_new (GIMP_FILE_CHOOSER_ACTION_OPEN, g_param_spec_get_nick (pspec),
                                   title, NULL);
  gimp_help_set_help_data (chooser, g_param_spec_get_blurb (pspec), NULL);

  g_object_bind_property (config, property, chooser, "file",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_widget_show (chooser);

  return chooser;
}

/* GIMP 3.0's layer chooser draws its thumbnail when it is given a layer,
 * before it has a size, and then shows none: give it the layer again once
 * it is laid out. */
static gboolean
redraw_layer_chooser (gpointer data)
{
  GObject *chooser = data;
  GimpDrawable *drawable = NULL;

  g_object_get (chooser, "drawable", &drawable, NULL);
  if (drawable)
    {
      g_object_set (chooser, "drawable", drawable, NULL);
      g_object_unref (drawable);
    }

  return G_SOURCE_REMOVE;
}

static void
layer_chooser_allocated (GtkWidget *chooser, GtkAllocation *allocation, gpointer data)
{
  g_signal_handlers_disconnect_by_func (chooser, layer_chooser_allocated, data);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, redraw_layer_chooser, g_object_ref (chooser),
                   g_object_unref);
}

GtkWidget *
neural_style_drawable_chooser_new (GimpProcedureConfig *config, const gchar *property,
                                   GtkSizeGroup *labels)
{
  GtkWidget *chooser = gimp_prop_drawable_chooser_new (G_OBJECT (config), property, NULL);
  GtkWidget *label = gimp_drawable_chooser_get_label (GIMP_DRAWABLE_CHOOSER (chooser));

  g_signal_connect_after (chooser, "size-allocate", G_CALLBACK (layer_chooser_allocated), NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_size_group_add_widget (labels, label);
  return neural_style_with_help (config, property, chooser);
}

GtkWidget *
neural_style_label_spin_new (GimpProcedureConfig *config, const gchar *property)
{
  GParamSpecDouble *range = G_PARAM_SPEC_DOUBLE (find_pspec (config, property));
  gdouble step, page;
  gint digits;

  gimp_range_estimate_settings (range->minimum, range->maximum, &step, &page, &digits);
  return neural_style_with_help (config, property,
                                 gimp_prop_label_spin_new (G_OBJECT (config), property, digits));
}

GtkWidget *
neural_style_choice_combo_new (GimpProcedureConfig *config, const gchar *property)
{
  GParamSpec *pspec = find_pspec (config, property);
  GtkWidget *combo = gimp_prop_choice_combo_box_new (G_OBJECT (config), property);

  /* As GimpProcedureDialog's: as wide as the dialog. */
  gtk_widget_set_hexpand (combo, TRUE);
  return neural_style_with_help (config, property,
                                 gimp_label_string_widget_new (g_param_spec_get_nick (pspec), combo));
}

GtkWidget *
neural_style_check_button_new (GimpProcedureConfig *config, const gchar *property)
{
  GParamSpec *pspec = find_pspec (config, property);

  return neural_style_with_help (config, property,
                                 gimp_prop_check_button_new (G_OBJECT (config), property,
                                                             g_param_spec_get_nick (pspec)));
}
