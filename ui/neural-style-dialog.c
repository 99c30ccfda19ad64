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
 *
 * Layout, for a laptop's screen (1366×768, 1280×800) with a preview
 * beside the settings, as GIMP's filter dialogs and G'MIC place it: on
 * top, the preset row (combo, "Save as…", "Delete"); under it two columns,
 * the styles (a notebook with a page per style: source, layer or file,
 * blend, region) and the region to keep on the left, the everyday
 * settings and an "Advanced" expander with the rest, scrolled, on the
 * right.  The dialog's outer row ("dialog-columns") holds only these
 * settings; a preview goes before them.  The
 * settings, their order, group and spin digits come from the engine's
 * settings table (include/ns_settings.h).  The widgets are bound to the
 * procedure's config, so presets, "Reset" and GIMP's own saved settings all
 * work by changing the config.
 *
 * Mnemonics: GimpProcedureDialog wants one for every widget it makes, each
 * different from the others and from its own buttons' (_Reset, _Cancel,
 * _OK, _Load Saved Settings, _Save Settings), and warns otherwise.  The
 * dialog has more controls than keys, so it makes some widgets itself:
 * each style page's (the same keys on every page: GTK only activates the
 * mnemonics of the page shown) and those of the settings whose label in
 * the table has no mnemonic.
 *
 * Split by role: neural-style-preset-row.c the preset row,
 * neural-style-style-page.c the styles and the region to keep,
 * neural-style-widgets.c the widgets this dialog makes itself, bound to
 * the config; the styles' arguments are neural-style-inputs.c's.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <glib/gi18n-lib.h>

#include "neural-style-dialog.h"
#include "ns_settings.h"
#include "neural-style-inputs.h"
#include "neural-style-preset-row.h"
#include "neural-style-preview-worker.h"
#include "neural-style-style-page.h"
#include "neural-style-widgets.h"

/* The tallest the open "Advanced" part gets before it scrolls: with the
 * everyday settings above it (about 160 px), the preset row and the
 * dialog's buttons (about 210 px), the dialog stays under 700 px, what a
 * 768 px screen leaves (tests/gimp/gimp_display_test.sh checks it). */
#define ADVANCED_MAX_HEIGHT 300

/* Between the dialog's columns. */
#define COLUMN_SPACING 12

/* The preview area's side: the preview's pictures fit it (see
 * neural-style-preview-worker.h). */
#define PREVIEW_AREA_SIZE NEURAL_STYLE_PREVIEW_SIZE
/* Around the picture (tests/gimp/gimp_preview_test.sh finds the area by it). */
#define PREVIEW_GREY 128

typedef struct
{
  GimpProcedureDialog *dialog;
  GimpProcedureConfig *config;
  GHashTable *own_widgets; /* setting name → the widget made here */
  NeuralStyleDialogPreview *preview;
  GHashTable *previewed; /* the properties whose change repaints the preview */
  guint preview_idle;
} DialogState;

static gboolean
config_boolean (GimpProcedureConfig *config, const gchar *property)
{
  gboolean value = FALSE;

  g_object_get (config, property, &value, NULL);
  return value;
}

/* Whether GimpProcedureDialog makes the setting's widget: only if its
 * label has a mnemonic (see the top of the file). */
static gboolean
gimp_makes (const ns_setting *setting)
{
  return strchr (setting->label, '_') != NULL;
}

/* The widget of a setting, wherever it was made. */
static GtkWidget *
setting_widget (DialogState *state, const gchar *name)
{
  GtkWidget *widget = g_hash_table_lookup (state->own_widgets, name);

  return widget ? widget : gimp_procedure_dialog_get_widget (state->dialog, name, G_TYPE_NONE);
}

static gboolean
choice_is (GimpProcedureConfig *config, const gchar *property, gint value)
{
  return gimp_procedure_config_get_choice_id (config, property) == value;
}

/* Settings that only matter for some choices are sensitive as those are
 * made. */
static void
update_sensitivity (DialogState *state)
{
  GimpProcedureConfig *config = state->config;

  gtk_widget_set_sensitive (setting_widget (state, "learning-rate"),
                            choice_is (config, "optimizer", NS_OPTIMIZER_ADAM));
  gtk_widget_set_sensitive (setting_widget (state, "seed"),
                            choice_is (config, "init", NS_INIT_NOISE));
  gtk_widget_set_sensitive (setting_widget (state, "min-scale-size"),
                            config_boolean (config, "multi-scale"));
}

static void
switch_changed (GimpProcedureConfig *config, GParamSpec *pspec, DialogState *state)
{
  static const gchar *const switches[] = { "optimizer", "init", "multi-scale" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (switches); i++)
    if (strcmp (pspec->name, switches[i]) == 0)
      update_sensitivity (state);
}

/* A choice's combo lists its current nicks only, not the old ones the
 * procedure still accepts from scripts (neural-style-settings.c). */
static void
hide_old_choices (GtkWidget *widget, const ns_setting *setting)
{
  GtkTreeModel *model;
  GtkTreeIter iter;
  gboolean valid;

  if (GIMP_IS_LABEL_STRING_WIDGET (widget))
    widget = gimp_label_string_widget_get_widget (GIMP_LABEL_STRING_WIDGET (widget));
  if (!GTK_IS_COMBO_BOX (widget))
    return;

  model = gtk_combo_box_get_model (GTK_COMBO_BOX (widget));
  if (!GTK_IS_LIST_STORE (model))
    return;

  valid = gtk_tree_model_get_iter_first (model, &iter);
  while (valid)
    {
      const ns_setting_choice *choice;
      gchar *nick = NULL;

      gtk_tree_model_get (model, &iter, 0, &nick, -1);
      choice = ns_setting_choice_find (setting, nick);
      if (choice && g_strcmp0 (choice->nick, nick) != 0)
        valid = gtk_list_store_remove (GTK_LIST_STORE (model), &iter);
      else
        valid = gtk_tree_model_iter_next (model, &iter);
      g_free (nick);
    }
}

/* A setting's widget, made by GimpProcedureDialog or here (see the top of
 * the file), with the table's spin digits (GIMP guesses too few from the
 * wide ranges: a learning rate of 0.001, a weight of 0.005). */
static void
make_setting_widget (DialogState *state, const ns_setting *setting)
{
  GimpProcedureConfig *config = state->config;
  gboolean number = setting->type == NS_SETTING_DOUBLE || setting->type == NS_SETTING_INT;
  GtkWidget *widget;

  if (gimp_makes (setting))
    widget = gimp_procedure_dialog_get_widget (state->dialog, setting->name,
                                               number ? GIMP_TYPE_LABEL_SPIN : G_TYPE_NONE);
  else
    {
      if (number)
        widget = neural_style_with_help (config, setting->name,
                                         gimp_prop_label_spin_new (G_OBJECT (config), setting->name,
                                                                   setting->digits));
      else if (setting->type == NS_SETTING_CHOICE)
        widget = neural_style_choice_combo_new (config, setting->name);
      else
        widget = neural_style_check_button_new (config, setting->name);
      g_hash_table_insert (state->own_widgets, (gpointer) setting->name, g_object_ref_sink (widget));
    }

  if (number)
    {
      gimp_label_spin_set_digits (GIMP_LABEL_SPIN (widget), setting->digits);
      gimp_label_spin_set_increments (GIMP_LABEL_SPIN (widget), setting->step, setting->page);
    }
  else if (setting->type == NS_SETTING_CHOICE)
    hide_old_choices (widget, setting);
}

/* A box, known to the dialog as container_id, with the widgets of a
 * group's settings in the table's order, then the dialog's widget
 * extra_id (or none); their labels in line, with those of labels if any. */
static GtkWidget *
fill_group (DialogState *state, const gchar *container_id, ns_setting_group group,
            const gchar *extra_id, GtkSizeGroup *labels)
{
  GList *names = NULL;
  gchar *empty_id = NULL;
  GtkWidget *box;
  gint position = 0;
  gint i;

  labels = labels ? g_object_ref (labels) : gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  for (i = 0; i < ns_settings_count; i++)
    if (ns_settings[i].group == group && gimp_makes (&ns_settings[i]))
      names = g_list_append (names, (gpointer) ns_settings[i].name);
  if (extra_id)
    names = g_list_append (names, (gpointer) extra_id);
  /* An empty list would fill the box with every argument: a hidden label. */
  if (!names)
    {
      empty_id = g_strconcat (container_id, "-empty", NULL);
      gimp_procedure_dialog_get_label (state->dialog, empty_id, "", FALSE, FALSE);
      names = g_list_append (names, empty_id);
    }
  box = gimp_procedure_dialog_fill_box_list (state->dialog, container_id, names);
  if (empty_id)
    gtk_widget_hide (gimp_procedure_dialog_get_widget (state->dialog, empty_id, G_TYPE_NONE));

  for (i = 0; i < ns_settings_count; i++)
    if (ns_settings[i].group == group)
      {
        GtkWidget *widget = setting_widget (state, ns_settings[i].name);

        if (!gimp_makes (&ns_settings[i]))
          {
            gtk_container_add (GTK_CONTAINER (box), widget);
            gtk_box_reorder_child (GTK_BOX (box), widget, position);
          }
        if (GIMP_IS_LABELED (widget))
          gtk_size_group_add_widget (labels, gimp_labeled_get_label (GIMP_LABELED (widget)));
        position++;
      }

  g_object_unref (labels);
  g_list_free (names);
  g_free (empty_id);

  return box;
}

/* A horizontal box, known to the dialog as id, of the dialog's widgets
 * first and second (or none), each as tall as the box. */
static void
row_of_columns (GimpProcedureDialog *dialog, const gchar *id, const gchar *first, const gchar *second)
{
  GtkWidget *box = gimp_procedure_dialog_fill_box (dialog, id, first, second, NULL);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (box), GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (box), COLUMN_SPACING);
}

/*  The preview  */

void
neural_style_dialog_preview_draw (NeuralStyleDialogPreview *preview, const guchar *rgb, gint width,
                                  gint height)
{
  GimpPreviewArea *area = GIMP_PREVIEW_AREA (preview->area);
  gint x = MAX (0, (PREVIEW_AREA_SIZE - width) / 2);
  gint y = MAX (0, (PREVIEW_AREA_SIZE - height) / 2);

  g_object_set_data (G_OBJECT (area), "painted", GINT_TO_POINTER (TRUE));
  gimp_preview_area_fill (area, 0, 0, PREVIEW_AREA_SIZE, PREVIEW_AREA_SIZE, PREVIEW_GREY,
                          PREVIEW_GREY, PREVIEW_GREY);
  gimp_preview_area_draw (area, x, y, MIN (width, PREVIEW_AREA_SIZE),
                          MIN (height, PREVIEW_AREA_SIZE), GIMP_RGB_IMAGE, rgb, width * 3);
}

/* Until the first picture, the area is a plain grey square: the dialog
 * shows where the preview comes. */
static void
blank_area (GtkWidget *area, GdkRectangle *allocation, gpointer data)
{
  if (!g_object_get_data (G_OBJECT (area), "painted"))
    gimp_preview_area_fill (GIMP_PREVIEW_AREA (area), 0, 0, allocation->width, allocation->height,
                            PREVIEW_GREY, PREVIEW_GREY, PREVIEW_GREY);
}

void
neural_style_dialog_preview_say (NeuralStyleDialogPreview *preview, const gchar *text)
{
  gtk_label_set_text (GTK_LABEL (preview->label), text ? text : "");
}

static gboolean
preview_on (DialogState *state)
{
  return config_boolean (state->config, "preview");
}

static gboolean
preview_changed (gpointer data)
{
  DialogState *state = data;

  state->preview_idle = 0;
  if (preview_on (state))
    state->preview->changed (state->config, state->preview->data);
  return G_SOURCE_REMOVE;
}

/* Every change of a setting or an input: one call of changed per burst
 * (a preset sets many at once); the switch itself turns it on or off. */
static void
config_changed (GimpProcedureConfig *config, GParamSpec *pspec, DialogState *state)
{
  if (strcmp (pspec->name, "preview") == 0 && !preview_on (state))
    {
      if (state->preview_idle)
        g_source_remove (state->preview_idle);
      state->preview_idle = 0;
      state->preview->stop (state->preview->data);
      neural_style_dialog_preview_say (state->preview, _ ("The preview is off."));
      return;
    }
  if (strcmp (pspec->name, "preview") != 0 && !g_hash_table_contains (state->previewed, pspec->name))
    return;
  if (!state->preview_idle)
    state->preview_idle = g_idle_add (preview_changed, state);
}

/* The properties a run reads: the settings of the table, the weights file,
 * every style's inputs and the region to keep with its switch. */
static GHashTable *
previewed_properties (void)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint i, n;

  for (i = 0; i < ns_settings_count; i++)
    g_hash_table_add (names, g_strdup (ns_settings[i].name));
  g_hash_table_add (names, g_strdup ("weights-file"));
  for (n = 1; n <= NS_MAX_STYLES; n++)
    for (i = 0; i < neural_style_inputs_count; i++)
      g_hash_table_add (names, neural_style_input_property (n, neural_style_inputs[i].what));
  g_hash_table_add (names, g_strdup ("keep-region"));
  g_hash_table_add (names, g_strdup ("keep-in-region"));

  return names;
}

/* The preview column, known to the dialog as "preview-box": the area, its
 * line of text and the "Preview" switch. */
static void
make_preview (DialogState *state)
{
  NeuralStyleDialogPreview *preview = state->preview;
  GtkWidget *label;
  GtkWidget *box;
  GtkWidget *frame;
  GtkWidget *toggle;

  label = gimp_procedure_dialog_get_label (state->dialog, "preview-title", "", FALSE, FALSE);
  box = gimp_procedure_dialog_fill_box (state->dialog, "preview-box", "preview-title", NULL);
  gtk_widget_hide (label);

  frame = gtk_frame_new (NULL);
  gtk_frame_set_shadow_type (GTK_FRAME (frame), GTK_SHADOW_IN);
  gtk_widget_set_halign (frame, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (frame, GTK_ALIGN_START);
  preview->area = gimp_preview_area_new ();
  gtk_widget_set_size_request (preview->area, PREVIEW_AREA_SIZE, PREVIEW_AREA_SIZE);
  g_signal_connect_after (preview->area, "size-allocate", G_CALLBACK (blank_area), NULL);
  gtk_container_add (GTK_CONTAINER (frame), preview->area);
  gtk_box_pack_start (GTK_BOX (box), frame, FALSE, FALSE, 0);

  preview->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (preview->label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (preview->label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (preview->label), 40);
  gtk_box_pack_start (GTK_BOX (box), preview->label, FALSE, FALSE, 0);

  toggle = neural_style_check_button_new (state->config, "preview");
  gtk_box_pack_start (GTK_BOX (box), toggle, FALSE, FALSE, 0);
  gtk_widget_show_all (box);
  gtk_widget_hide (label);

  state->previewed = previewed_properties ();
}

/*  The dialog  */

gboolean
neural_style_dialog_run (GimpProcedure *procedure, GimpProcedureConfig *config,
                         const gchar *shipped_presets_dir, NeuralStyleDialogPreview *preview)
{
  GimpProcedureDialog *dialog;
  DialogState state = { 0 };
  NeuralStylePresetRow *presets;
  NeuralStyleStylePages *styles;
  GtkSizeGroup *labels; /* the choosers' and the main settings' labels, in line */
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *weights_chooser;
  GtkWidget *scrolled;
  GtkWidget *expander;
  gulong switch_handler;
  gulong preview_handler = 0;
  gboolean run;
  gint i;

  gimp_ui_init (PLUG_IN_BINARY);

  /* A remembered style file was the last style used (the plug-in clears
   * the input its source does not use), so start from it. */
  neural_style_inputs_sources_from_files (config);

  dialog = GIMP_PROCEDURE_DIALOG (gimp_procedure_dialog_new (procedure, config, _ ("Neural Style")));
  state.dialog = dialog;
  state.config = config;
  state.own_widgets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  state.preview = preview;
  labels = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

  /* Presets. */
  label = gimp_procedure_dialog_get_label (dialog, "preset-title", _ ("Presets"), FALSE, FALSE);
  box = gimp_procedure_dialog_fill_box (dialog, "preset-box", "preset-title", NULL);
  gtk_widget_hide (label);
  presets = neural_style_preset_row_new (dialog, config, shipped_presets_dir);
  gtk_box_pack_start (GTK_BOX (box), neural_style_preset_row_get_widget (presets), FALSE, FALSE, 0);

  /* Styles: each a layer of any open image or an image file, with its
   * blend and region; then the region to keep. */
  styles = neural_style_style_pages_new (dialog, config, labels);

  for (i = 0; i < ns_settings_count; i++)
    make_setting_widget (&state, &ns_settings[i]);

  /* Advanced. */
  gimp_procedure_dialog_get_label (dialog, "layer-weights-title",
                                   _ ("Style layer weights (fine detail to "
                                      "large shapes)"),
                                   FALSE, FALSE);
  fill_group (&state, "layer-weights-box", NS_SETTING_GROUP_LAYER_WEIGHTS, NULL, NULL);
  gimp_procedure_dialog_fill_frame (dialog, "layer-weights-frame", "layer-weights-title", FALSE,
                                    "layer-weights-box");

  box = fill_group (&state, "advanced-box", NS_SETTING_GROUP_ADVANCED, "layer-weights-frame", NULL);
  weights_chooser = neural_style_open_file_chooser_new (config, "weights-file",
                                                        _ ("Choose the VGG19 Weights File"));
  gtk_box_pack_start (GTK_BOX (box), weights_chooser, FALSE, FALSE, 0);

  /* Open, the advanced settings scroll rather than make the dialog taller
   * than a small screen. */
  scrolled = gimp_procedure_dialog_fill_scrolled_window (dialog, "advanced-scrolled", "advanced-box");
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  /* A window grows to its children's minimum when an expander opens. */
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), ADVANCED_MAX_HEIGHT);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), ADVANCED_MAX_HEIGHT);
  /* A control reached with Tab or its mnemonic scrolls into view. */
  gtk_container_set_focus_vadjustment (GTK_CONTAINER (box), gtk_scrolled_window_get_vadjustment (
                                                                GTK_SCROLLED_WINDOW (scrolled)));

  gimp_procedure_dialog_get_label (dialog, "advanced-title", _ ("Ad_vanced"), FALSE, TRUE);
  expander = gimp_procedure_dialog_fill_expander (dialog, "advanced-expander", "advanced-title",
                                                  FALSE, "advanced-scrolled");
  /* Opening it must not add its height to the window's: the styles'
   * column beside it leaves room. */
  gtk_expander_set_resize_toplevel (GTK_EXPANDER (expander), FALSE);

  box = fill_group (&state, "main-box", NS_SETTING_GROUP_MAIN, NULL, labels);
  /* What to paint: the layer or the animation (no free mnemonic: made here). */
  {
    GtkWidget *paint = neural_style_choice_combo_new (config, NEURAL_STYLE_PAINT);

    gtk_box_pack_start (GTK_BOX (box), paint, FALSE, FALSE, 0);
    gtk_widget_show (paint);
    gtk_size_group_add_widget (labels, gimp_labeled_get_label (GIMP_LABELED (paint)));
  }

  /* The columns (see the top of the file). */
  gimp_procedure_dialog_fill_box (dialog, "styles-column", "styles-box", "keep-box", NULL);
  gimp_procedure_dialog_fill_box (dialog, "settings-column", "main-box", "advanced-expander", NULL);
  row_of_columns (dialog, "settings-columns", "styles-column", "settings-column");
  gimp_procedure_dialog_fill_box (dialog, "settings-area", "preset-box", "settings-columns", NULL);
  if (preview)
    {
      make_preview (&state);
      row_of_columns (dialog, "dialog-columns", "preview-box", "settings-area");
    }
  else
    row_of_columns (dialog, "dialog-columns", "settings-area", NULL);
  gimp_procedure_dialog_fill (dialog, "dialog-columns", NULL);

  switch_handler = g_signal_connect (config, "notify", G_CALLBACK (switch_changed), &state);
  update_sensitivity (&state);

  neural_style_preset_row_load (presets);

  if (preview)
    {
      preview_handler = g_signal_connect (config, "notify", G_CALLBACK (config_changed), &state);
      if (preview_on (&state))
        state.preview_idle = g_idle_add (preview_changed, &state);
      else
        neural_style_dialog_preview_say (preview, _ ("The preview is off."));
    }

  run = gimp_procedure_dialog_run (dialog);

  if (preview)
    {
      g_signal_handler_disconnect (config, preview_handler);
      if (state.preview_idle)
        g_source_remove (state.preview_idle);
      preview->stop (preview->data);
      g_hash_table_destroy (state.previewed);
    }

  neural_style_preset_row_free (presets);
  neural_style_style_pages_free (styles);
  g_signal_handler_disconnect (config, switch_handler);
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (preview)
    preview->area = preview->label = NULL;
  g_hash_table_destroy (state.own_widgets);
  g_object_unref (labels);

  return run;
}
