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

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <glib/gi18n-lib.h>

#include "neural-style-dialog.h"


#define PLUG_IN_BINARY "neural-style"


typedef struct
{
  GtkWidget *layer_chooser;
  GtkWidget *file_chooser;
} StyleWidgets;


/* The procedure's file arguments accept any path (so that a missing file
 * gets the plug-in's own error message), which GIMP's default file widget
 * does not support; this is an "open" chooser bound to such an argument. */
static GtkWidget *
open_file_chooser_new (GimpProcedureConfig *config,
                       const gchar         *property,
                       const gchar         *title)
{
  GParamSpec *pspec;
  GtkWidget  *chooser;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), property);

  chooser = gimp_file_chooser_new (GIMP_FILE_CHOOSER_ACTION_OPEN,
                                   g_param_spec_get_nick (pspec),
                                   title, NULL);
  gimp_help_set_help_data (chooser, g_param_spec_get_blurb (pspec), NULL);

  g_object_bind_property (config, property, chooser, "file",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_widget_show (chooser);

  return chooser;
}

static gboolean
style_from_file (GimpProcedureConfig *config)
{
  gchar    *source = NULL;
  gboolean  from_file;

  g_object_get (config, "style-source", &source, NULL);
  from_file = (g_strcmp0 (source, "file") == 0);
  g_free (source);

  return from_file;
}

static void
style_source_changed (GimpProcedureConfig *config,
                      GParamSpec          *pspec,
                      StyleWidgets        *widgets)
{
  gboolean from_file = style_from_file (config);

  gtk_widget_set_sensitive (widgets->layer_chooser, ! from_file);
  gtk_widget_set_sensitive (widgets->file_chooser, from_file);
}

static void
set_spin_digits (GimpProcedureDialog *dialog,
                 const gchar         *property,
                 gint                 digits,
                 gdouble              step,
                 gdouble              page)
{
  GtkWidget *spin;

  spin = gimp_procedure_dialog_get_widget (dialog, property,
                                           GIMP_TYPE_LABEL_SPIN);
  gimp_label_spin_set_digits (GIMP_LABEL_SPIN (spin), digits);
  gimp_label_spin_set_increments (GIMP_LABEL_SPIN (spin), step, page);
}

gboolean
neural_style_dialog_run (GimpProcedure       *procedure,
                         GimpProcedureConfig *config)
{
  GimpProcedureDialog *dialog;
  StyleWidgets         widgets;
  GtkWidget           *box;
  GtkWidget           *weights_chooser;
  gulong               source_handler;
  gboolean             run;

  gimp_ui_init (PLUG_IN_BINARY);

  /* A remembered style file was the last style used (the dialog clears
   * the source it does not use), so start from it. */
  {
    GFile *file = NULL;

    g_object_get (config, "style-file", &file, NULL);
    if (file)
      {
        g_object_set (config, "style-source", "file", NULL);
        g_object_unref (file);
      }
  }

  dialog = GIMP_PROCEDURE_DIALOG (gimp_procedure_dialog_new (procedure, config,
                                                             _("Neural Style")));

  /* Style: a layer of any open image, or an image file. */
  widgets.layer_chooser = gimp_procedure_dialog_get_widget (dialog,
                                                            "style-layer",
                                                            G_TYPE_NONE);
  box = gimp_procedure_dialog_fill_box (dialog, "style-box",
                                        "style-source", "style-layer", NULL);
  widgets.file_chooser = open_file_chooser_new (config, "style-file",
                                                _("Choose the Style Image"));
  gtk_box_pack_start (GTK_BOX (box), widgets.file_chooser, FALSE, FALSE, 0);

  /* The weights span orders of magnitude: show a few decimals. */
  set_spin_digits (dialog, "content-weight", 3, 0.1, 1.0);
  set_spin_digits (dialog, "style-weight", 1, 10.0, 100.0);
  /* The learning rate's range would otherwise show three decimals. */
  set_spin_digits (dialog, "learning-rate", 4, 0.001, 0.01);
  set_spin_digits (dialog, "iterations", 0, 10.0, 100.0);
  set_spin_digits (dialog, "max-size", 0, 16.0, 128.0);

  /* Advanced: the optimiser's step and the weights file. */
  box = gimp_procedure_dialog_fill_box (dialog, "advanced-box",
                                        "learning-rate", NULL);
  weights_chooser = open_file_chooser_new (config, "weights-file",
                                           _("Choose the VGG19 Weights File"));
  gtk_box_pack_start (GTK_BOX (box), weights_chooser, FALSE, FALSE, 0);

  gimp_procedure_dialog_get_label (dialog, "advanced-title", _("Advanced"),
                                   FALSE, FALSE);
  gimp_procedure_dialog_fill_expander (dialog, "advanced-expander",
                                       "advanced-title", FALSE,
                                       "advanced-box");

  gimp_procedure_dialog_fill (dialog,
                              "style-box",
                              "content-weight",
                              "style-weight",
                              "iterations",
                              "max-size",
                              "advanced-expander",
                              NULL);

  source_handler = g_signal_connect (config, "notify::style-source",
                                     G_CALLBACK (style_source_changed),
                                     &widgets);
  style_source_changed (config, NULL, &widgets);

  run = gimp_procedure_dialog_run (dialog);

  g_signal_handler_disconnect (config, source_handler);
  gtk_widget_destroy (GTK_WIDGET (dialog));

  /* Only the chosen source goes to the procedure; the widgets are gone,
   * so clearing the other one touches nothing on screen. */
  if (run)
    {
      if (style_from_file (config))
        g_object_set (config, "style-layer", NULL, NULL);
      else
        g_object_set (config, "style-file", NULL, NULL);
    }

  return run;
}
