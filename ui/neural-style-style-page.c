/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the dialog's styles and the region to keep.
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
 * The pages' widgets are made here, not by GimpProcedureDialog: it wants a
 * mnemonic of its own for every widget it makes, and the pages use the
 * same keys (GTK only activates the mnemonics of the page shown).
 */

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <glib/gi18n-lib.h>

#include "neural-style-inputs.h"
#include "neural-style-style-page.h"
#include "neural-style-widgets.h"

struct _NeuralStyleStylePages
{
  GimpProcedureConfig *config;
  GtkWidget **widgets; /* style n's input i: widgets[(n - 1) * inputs + i] */
  GtkWidget *keep_region;
  GtkSizeGroup *labels; /* the dialog's: the choosers' labels in line with its settings' */
  gulong handler;
};

static GtkWidget **
widget_of (NeuralStyleStylePages *pages, gint n, gint i)
{
  return &pages->widgets[(n - 1) * neural_style_inputs_count + i];
}

static void
update_sensitivity (NeuralStyleStylePages *pages)
{
  gboolean keep = FALSE;
  gint n, i;

  for (n = 1; n <= NS_MAX_STYLES; n++)
    for (i = 0; i < neural_style_inputs_count; i++)
      gtk_widget_set_sensitive (*widget_of (pages, n, i),
                                neural_style_input_is_used (pages->config, n,
                                                            &neural_style_inputs[i]));

  g_object_get (pages->config, "keep-in-region", &keep, NULL);
  gtk_widget_set_sensitive (pages->keep_region, keep);
}

/* The switches are the sources and the booleans. */
static void
config_changed (GimpProcedureConfig *config, GParamSpec *pspec, NeuralStyleStylePages *pages)
{
  if (G_IS_PARAM_SPEC_BOOLEAN (pspec) || GIMP_IS_PARAM_SPEC_CHOICE (pspec))
    update_sensitivity (pages);
}

/* Style n's widget for input, packed into page, its label in line with
 * labels (the page's). */
static GtkWidget *
input_widget_new (NeuralStyleStylePages *pages, GtkWidget *page, GtkSizeGroup *labels, gint n,
                  const NeuralStyleInput *input)
{
  gchar *property = neural_style_input_property (n, input->what);
  GimpProcedureConfig *config = pages->config;
  GtkWidget *widget = NULL;

  switch (input->type)
    {
    case NEURAL_STYLE_INPUT_SOURCE:
      widget = neural_style_choice_combo_new (config, property);
      break;
    case NEURAL_STYLE_INPUT_FILE:
      widget = neural_style_open_file_chooser_new (config, property, _ ("Choose the Style Image"));
      break;
    case NEURAL_STYLE_INPUT_DOUBLE:
      widget = neural_style_label_spin_new (config, property);
      break;
    case NEURAL_STYLE_INPUT_SWITCH:
      widget = neural_style_check_button_new (config, property);
      break;
    case NEURAL_STYLE_INPUT_LAYER:
    case NEURAL_STYLE_INPUT_CHANNEL:
      widget = neural_style_drawable_chooser_new (config, property, pages->labels);
      break;
    }

  if (GIMP_IS_LABELED (widget))
    gtk_size_group_add_widget (labels, gimp_labeled_get_label (GIMP_LABELED (widget)));
  gtk_box_pack_start (GTK_BOX (page), widget, FALSE, FALSE, 0);
  g_free (property);

  return widget;
}

/* A style's page: its inputs in the table's order (the file chooser right
 * under the layer's). */
static GtkWidget *
style_page_new (NeuralStyleStylePages *pages, gint n)
{
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkSizeGroup *labels = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  gint i;

  gtk_container_set_border_width (GTK_CONTAINER (page), 6);
  for (i = 0; i < neural_style_inputs_count; i++)
    *widget_of (pages, n, i) = input_widget_new (pages, page, labels, n, &neural_style_inputs[i]);

  g_object_unref (labels);
  gtk_widget_show (page);

  return page;
}

NeuralStyleStylePages *
neural_style_style_pages_new (GimpProcedureDialog *dialog, GimpProcedureConfig *config,
                              GtkSizeGroup *labels)
{
  NeuralStyleStylePages *pages = g_new0 (NeuralStyleStylePages, 1);
  GtkWidget *notebook = gtk_notebook_new ();
  GtkWidget *label;
  GtkWidget *box;
  gint n;

  pages->config = config;
  pages->labels = labels;
  pages->widgets = g_new0 (GtkWidget *, NS_MAX_STYLES * neural_style_inputs_count);

  for (n = 1; n <= NS_MAX_STYLES; n++)
    {
      gchar *title = g_strdup_printf (_ ("Style _%d"), n);

      gtk_notebook_append_page (GTK_NOTEBOOK (notebook), style_page_new (pages, n),
                                gtk_label_new_with_mnemonic (title));
      g_free (title);
    }
  gtk_widget_show (notebook);

  label = gimp_procedure_dialog_get_label (dialog, "styles-title", "", FALSE, FALSE);
  box = gimp_procedure_dialog_fill_box (dialog, "styles-box", "styles-title", NULL);
  gtk_widget_hide (label);
  gtk_box_pack_start (GTK_BOX (box), notebook, FALSE, FALSE, 0);

  box = gimp_procedure_dialog_fill_box (dialog, "keep-box", "keep-in-region", NULL);
  pages->keep_region = neural_style_drawable_chooser_new (config, "keep-region", labels);
  gtk_box_pack_start (GTK_BOX (box), pages->keep_region, FALSE, FALSE, 0);

  pages->handler = g_signal_connect (config, "notify", G_CALLBACK (config_changed), pages);
  update_sensitivity (pages);

  return pages;
}

void
neural_style_style_pages_free (NeuralStyleStylePages *pages)
{
  g_signal_handler_disconnect (pages->config, pages->handler);
  g_free (pages->widgets);
  g_free (pages);
}
