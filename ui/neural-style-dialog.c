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
 * Layout: a preset row (combo, "Save as…", "Delete"); a notebook with a
 * page per style (source, layer or file, blend, region); the region to
 * keep; the everyday settings; an "Advanced" expander with the rest.  The
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
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <glib/gi18n-lib.h>

#include "neural-style-dialog.h"
#include "ns_settings.h"
#include "neural-style-presets.h"

/* The tallest the open "Advanced" part gets before it scrolls. */
#define ADVANCED_MAX_HEIGHT 380

typedef struct
{
  GimpProcedureDialog *dialog;
  GimpProcedureConfig *config;

  /* each style's, by index n - 1 */
  GtkWidget *layer_choosers[NEURAL_STYLE_MAX_STYLES];
  GtkWidget *file_choosers[NEURAL_STYLE_MAX_STYLES];
  GtkWidget *blends[NEURAL_STYLE_MAX_STYLES];
  GtkWidget *in_regions[NEURAL_STYLE_MAX_STYLES];
  GtkWidget *regions[NEURAL_STYLE_MAX_STYLES];
  GtkWidget *keep_region;
  GHashTable *own_widgets; /* setting name → the widget made here */
  GtkSizeGroup *labels;    /* the choosers' and the main settings' labels, in line */

  GtkWidget *preset_combo;
  GtkWidget *delete_button;
  GtkWidget *problems_row; /* preset files that could not be read */
  GtkWidget *problems_label;
  gchar *shipped_dir;
  gchar *user_dir;
  GList *presets; /* NeuralStylePreset, in combo order */
  gulong combo_handler;
  gboolean applying; /* a preset is being applied */
} DialogState;

/* The argument's help as the widget's tooltip, as GimpProcedureDialog
 * gives its own widgets; returns the widget. */
static GtkWidget *
with_help (GimpProcedureConfig *config, const gchar *property, GtkWidget *widget)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), property);

  gimp_help_set_help_data (widget, g_param_spec_get_blurb (pspec), NULL);
  gtk_widget_show_all (widget);

  return widget;
}

/* The procedure's file arguments accept any path (so that a missing file
 * gets the plug-in's own error message), which GIMP's default file widget
 * does not support; this is an "open" chooser bound to such an argument. */
static GtkWidget *
open_file_chooser_new (GimpProcedureConfig *config, const gchar *property, const gchar *title)
{
  GParamSpec *pspec;
  GtkWidget *chooser;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), property);

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

gchar *
neural_style_style_property (gint n, const gchar *what)
{
  return n == 1 ? g_strdup_printf ("style-%s", what) : g_strdup_printf ("style-%s-%d", what, n);
}

static gint
style_source (GimpProcedureConfig *config, gint n)
{
  gchar *property = neural_style_style_property (n, "source");
  gint source = gimp_procedure_config_get_choice_id (config, property);

  g_free (property);
  return source;
}

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

/* Each style's controls are sensitive as its source and switch allow;
 * settings that only matter for some choices, as those are made. */
static void
update_sensitivity (DialogState *state)
{
  GimpProcedureConfig *config = state->config;
  gint n;

  for (n = 1; n <= NEURAL_STYLE_MAX_STYLES; n++)
    {
      gint source = style_source (config, n);
      gboolean used = source != NEURAL_STYLE_SOURCE_NONE;
      gchar *in_region = neural_style_style_property (n, "in-region");

      gtk_widget_set_sensitive (state->layer_choosers[n - 1], source == NEURAL_STYLE_SOURCE_LAYER);
      gtk_widget_set_sensitive (state->file_choosers[n - 1], source == NEURAL_STYLE_SOURCE_FILE);
      gtk_widget_set_sensitive (state->blends[n - 1], used);
      gtk_widget_set_sensitive (state->in_regions[n - 1], used);
      gtk_widget_set_sensitive (state->regions[n - 1], used && config_boolean (config, in_region));

      g_free (in_region);
    }

  gtk_widget_set_sensitive (state->keep_region, config_boolean (config, "keep-in-region"));
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
  static const gchar *const switches[] = { "keep-in-region", "optimizer", "init", "multi-scale" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (switches); i++)
    if (strcmp (pspec->name, switches[i]) == 0)
      break;
  if (i < G_N_ELEMENTS (switches) || g_str_has_prefix (pspec->name, "style-source") ||
      g_str_has_prefix (pspec->name, "style-in-region"))
    update_sensitivity (state);
}

/* A drawable chooser that shows its thumbnail (see
 * layer_chooser_allocated), its label in line with the others. */
static GtkWidget *
drawable_chooser_new (DialogState *state, const gchar *property)
{
  GtkWidget *chooser = gimp_prop_drawable_chooser_new (G_OBJECT (state->config), property, NULL);
  GtkWidget *label = gimp_drawable_chooser_get_label (GIMP_DRAWABLE_CHOOSER (chooser));

  g_signal_connect_after (chooser, "size-allocate", G_CALLBACK (layer_chooser_allocated), NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_size_group_add_widget (state->labels, label);
  return with_help (state->config, property, chooser);
}

/* A spin button with its label, in the digits GimpProcedureDialog gives
 * the argument's range. */
static GtkWidget *
label_spin_new (GimpProcedureConfig *config, const gchar *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), property);
  GParamSpecDouble *range = G_PARAM_SPEC_DOUBLE (pspec);
  gdouble step, page;
  gint digits;

  gimp_range_estimate_settings (range->minimum, range->maximum, &step, &page, &digits);
  return with_help (config, property, gimp_prop_label_spin_new (G_OBJECT (config), property, digits));
}

static GtkWidget *
choice_combo_new (GimpProcedureConfig *config, const gchar *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), property);
  GtkWidget *combo = gimp_prop_choice_combo_box_new (G_OBJECT (config), property);

  /* As GimpProcedureDialog's: as wide as the dialog. */
  gtk_widget_set_hexpand (combo, TRUE);
  return with_help (config, property,
                    gimp_label_string_widget_new (g_param_spec_get_nick (pspec), combo));
}

static GtkWidget *
check_button_new (GimpProcedureConfig *config, const gchar *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config), property);

  return with_help (config, property,
                    gimp_prop_check_button_new (G_OBJECT (config), property,
                                                g_param_spec_get_nick (pspec)));
}

/* Style n's widget for its argument what (as neural_style_style_property
 * names it), packed into page, its label in line with labels. */
static GtkWidget *
add_style_widget (DialogState *state, GtkWidget *page, GtkSizeGroup *labels, gint n, const gchar *what)
{
  gchar *property = neural_style_style_property (n, what);
  GtkWidget *widget;

  if (strcmp (what, "source") == 0)
    widget = choice_combo_new (state->config, property);
  else if (strcmp (what, "file") == 0)
    widget = open_file_chooser_new (state->config, property, _ ("Choose the Style Image"));
  else if (strcmp (what, "blend") == 0)
    widget = label_spin_new (state->config, property);
  else if (strcmp (what, "in-region") == 0)
    widget = check_button_new (state->config, property);
  else
    widget = drawable_chooser_new (state, property);

  if (GIMP_IS_LABELED (widget))
    gtk_size_group_add_widget (labels, gimp_labeled_get_label (GIMP_LABELED (widget)));
  gtk_box_pack_start (GTK_BOX (page), widget, FALSE, FALSE, 0);
  g_free (property);

  return widget;
}

/* A style's page: where it comes from (a layer, or the file chooser right
 * under it), its blend and its region. */
static GtkWidget *
style_page_new (DialogState *state, gint n)
{
  GtkWidget *page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkSizeGroup *labels = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

  gtk_container_set_border_width (GTK_CONTAINER (page), 6);

  add_style_widget (state, page, labels, n, "source");
  state->layer_choosers[n - 1] = add_style_widget (state, page, labels, n, "layer");
  state->file_choosers[n - 1] = add_style_widget (state, page, labels, n, "file");
  state->blends[n - 1] = add_style_widget (state, page, labels, n, "blend");
  state->in_regions[n - 1] = add_style_widget (state, page, labels, n, "in-region");
  state->regions[n - 1] = add_style_widget (state, page, labels, n, "region");

  g_object_unref (labels);
  gtk_widget_show (page);

  return page;
}

/* The styles, one notebook page each (made here: see the top of the
 * file), then the region to keep. */
static void
fill_styles (DialogState *state)
{
  GtkWidget *notebook = gtk_notebook_new ();
  GtkWidget *label;
  GtkWidget *box;
  gint n;

  for (n = 1; n <= NEURAL_STYLE_MAX_STYLES; n++)
    {
      gchar *title = g_strdup_printf (_ ("Style _%d"), n);

      gtk_notebook_append_page (GTK_NOTEBOOK (notebook), style_page_new (state, n),
                                gtk_label_new_with_mnemonic (title));
      g_free (title);
    }
  gtk_widget_show (notebook);

  label = gimp_procedure_dialog_get_label (state->dialog, "styles-title", "", FALSE, FALSE);
  box = gimp_procedure_dialog_fill_box (state->dialog, "styles-box", "styles-title", NULL);
  gtk_widget_hide (label);
  gtk_box_pack_start (GTK_BOX (box), notebook, FALSE, FALSE, 0);

  box = gimp_procedure_dialog_fill_box (state->dialog, "keep-box", "keep-in-region", NULL);
  state->keep_region = drawable_chooser_new (state, "keep-region");
  gtk_box_pack_start (GTK_BOX (box), state->keep_region, FALSE, FALSE, 0);
}

/* Only the inputs the switches choose go to the procedure. */
static void
clear_unused_inputs (GimpProcedureConfig *config)
{
  gint n;

  for (n = 1; n <= NEURAL_STYLE_MAX_STYLES; n++)
    {
      gint source = style_source (config, n);
      gchar *layer = neural_style_style_property (n, "layer");
      gchar *file = neural_style_style_property (n, "file");
      gchar *in_region = neural_style_style_property (n, "in-region");
      gchar *region = neural_style_style_property (n, "region");

      if (source != NEURAL_STYLE_SOURCE_LAYER)
        g_object_set (config, layer, NULL, NULL);
      if (source != NEURAL_STYLE_SOURCE_FILE)
        g_object_set (config, file, NULL, NULL);
      if (source == NEURAL_STYLE_SOURCE_NONE || !config_boolean (config, in_region))
        g_object_set (config, region, NULL, NULL);

      g_free (region);
      g_free (in_region);
      g_free (file);
      g_free (layer);
    }

  if (!config_boolean (config, "keep-in-region"))
    g_object_set (config, "keep-region", NULL, NULL);
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
        widget = with_help (config, setting->name,
                            gimp_prop_label_spin_new (G_OBJECT (config), setting->name,
                                                      setting->digits));
      else if (setting->type == NS_SETTING_CHOICE)
        widget = choice_combo_new (config, setting->name);
      else
        widget = check_button_new (config, setting->name);
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

/*  Presets  */

static NeuralStylePreset *
selected_preset (DialogState *state)
{
  gint active = gtk_combo_box_get_active (GTK_COMBO_BOX (state->preset_combo));

  return active >= 0 ? g_list_nth_data (state->presets, active) : NULL;
}

static void
update_delete_button (DialogState *state)
{
  NeuralStylePreset *preset = selected_preset (state);

  gtk_widget_set_sensitive (state->delete_button, preset && !neural_style_preset_is_shipped (preset));
}

/* Shows the preset whose settings the config has (none if none has). */
static void
select_matching_preset (DialogState *state)
{
  NeuralStylePreset *current = selected_preset (state);
  GList *iter;
  gint index = -1;
  gint i;

  /* Prefer the one already shown when several match. */
  if (current && neural_style_preset_matches (current, G_OBJECT (state->config)))
    index = g_list_index (state->presets, current);

  for (iter = state->presets, i = 0; iter && index < 0; iter = iter->next, i++)
    if (neural_style_preset_matches (iter->data, G_OBJECT (state->config)))
      index = i;

  g_signal_handler_block (state->preset_combo, state->combo_handler);
  gtk_combo_box_set_active (GTK_COMBO_BOX (state->preset_combo), index);
  g_signal_handler_unblock (state->preset_combo, state->combo_handler);

  update_delete_button (state);
}

/* The most preset problems the dialog lists; the rest are counted. */
#define PROBLEMS_SHOWN 4

/* Says which preset files could not be read (or were read in part), one
 * line each under a heading that names the user's presets folder, under
 * the preset row; hidden when there are none. */
static void
show_preset_problems (DialogState *state, GPtrArray *problems)
{
  gchar *folder = g_filename_display_name (state->user_dir);
  gchar *prefix = g_strconcat (folder, G_DIR_SEPARATOR_S, NULL);
  GString *text = g_string_new (NULL);
  guint i;

  g_string_printf (text, _ ("Preset files with a problem, in %s:"), folder);
  for (i = 0; i < problems->len; i++)
    {
      const gchar *problem = g_ptr_array_index (problems, i);

      g_debug ("preset problem: %s", problem);
      if (g_str_has_prefix (problem, prefix))
        problem += strlen (prefix);
      if (i < PROBLEMS_SHOWN)
        g_string_append_printf (text, "\n• %s", problem);
    }
  if (problems->len > PROBLEMS_SHOWN)
    {
      gint more = (gint) (problems->len - PROBLEMS_SHOWN);

      g_string_append_c (text, '\n');
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE, "…and %d more preset file.",
                                           "…and %d more preset files.", more),
                              more);
    }

  gtk_label_set_text (GTK_LABEL (state->problems_label), text->str);
  gtk_widget_set_visible (state->problems_row, problems->len > 0);
  g_string_free (text, TRUE);
  g_free (prefix);
  g_free (folder);
}

static void
reload_presets (DialogState *state, const gchar *select_path)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  GList *iter;
  gint select = -1;
  gint i;

  g_list_free_full (state->presets, g_object_unref);
  state->presets = neural_style_presets_list (state->shipped_dir, state->user_dir, problems);
  g_debug ("presets: %u listed, %u preset files with problems", g_list_length (state->presets),
           problems->len);
  show_preset_problems (state, problems);
  g_ptr_array_unref (problems);

  g_signal_handler_block (state->preset_combo, state->combo_handler);
  gtk_combo_box_text_remove_all (GTK_COMBO_BOX_TEXT (state->preset_combo));
  for (iter = state->presets, i = 0; iter; iter = iter->next, i++)
    {
      NeuralStylePreset *preset = iter->data;

      gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (state->preset_combo),
                                      neural_style_preset_get_label (preset));
      if (select_path && g_strcmp0 (neural_style_preset_get_path (preset), select_path) == 0)
        select = i;
    }
  gtk_combo_box_set_active (GTK_COMBO_BOX (state->preset_combo), select);
  g_signal_handler_unblock (state->preset_combo, state->combo_handler);

  if (select < 0)
    select_matching_preset (state);
  else
    update_delete_button (state);
}

static void
preset_combo_changed (GtkComboBox *combo, DialogState *state)
{
  NeuralStylePreset *preset = selected_preset (state);

  if (preset)
    {
      g_debug ("applying the preset '%s'", neural_style_preset_get_name (preset));
      state->applying = TRUE;
      neural_style_preset_apply (preset, G_OBJECT (state->config));
      state->applying = FALSE;
    }
  update_delete_button (state);
}

static void
config_setting_changed (GimpProcedureConfig *config, GParamSpec *pspec, DialogState *state)
{
  const gchar *const *names = neural_style_preset_setting_names ();
  gint i;

  if (state->applying)
    return;

  for (i = 0; names[i]; i++)
    if (strcmp (names[i], pspec->name) == 0)
      {
        select_matching_preset (state);
        return;
      }
}

static void
show_error (GtkWidget *parent, const gchar *primary, const gchar *secondary)
{
  GtkWidget *message;

  message = gtk_message_dialog_new (GTK_WINDOW (parent),
                                    GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                    GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (message), "%s", secondary);
  gtk_dialog_run (GTK_DIALOG (message));
  gtk_widget_destroy (message);
}

static gboolean
is_shipped_name (DialogState *state, const gchar *name)
{
  GList *iter;

  for (iter = state->presets; iter; iter = iter->next)
    if (neural_style_preset_is_shipped (iter->data) &&
        (strcmp (neural_style_preset_get_name (iter->data), name) == 0 ||
         strcmp (neural_style_preset_get_label (iter->data), name) == 0))
      return TRUE;

  return FALSE;
}

static void
entry_changed (GtkEntry *entry, GtkWidget *dialog)
{
  gchar *text = g_strstrip (g_strdup (gtk_entry_get_text (entry)));

  gtk_dialog_set_response_sensitive (GTK_DIALOG (dialog), GTK_RESPONSE_OK, *text != '\0');
  g_free (text);
}

/* Asks for a name; NULL when cancelled. */
static gchar *
ask_preset_name (DialogState *state)
{
  NeuralStylePreset *current = selected_preset (state);
  GtkWidget *dialog;
  GtkWidget *vbox;
  GtkWidget *label;
  GtkWidget *entry;
  GtkWidget *note;
  gchar *name = NULL;

  dialog = gimp_dialog_new (_ ("Save Preset"), "neural-style-save-preset", GTK_WIDGET (state->dialog),
                            GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, NULL, NULL,
                            _ ("_Cancel"), GTK_RESPONSE_CANCEL, _ ("_Save"), GTK_RESPONSE_OK, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);

  vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_container_set_border_width (GTK_CONTAINER (vbox), 12);
  gtk_box_pack_start (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))), vbox, TRUE, TRUE,
                      0);

  label = gtk_label_new_with_mnemonic (_ ("Preset _name:"));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_box_pack_start (GTK_BOX (vbox), label, FALSE, FALSE, 0);

  entry = gtk_entry_new ();
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_width_chars (GTK_ENTRY (entry), 32);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gimp_help_set_help_data (entry,
                           _ ("A name for the current settings; saving "
                              "under the name of one of your presets "
                              "replaces it"),
                           NULL);
  if (current && !neural_style_preset_is_shipped (current))
    gtk_entry_set_text (GTK_ENTRY (entry), neural_style_preset_get_name (current));
  gtk_box_pack_start (GTK_BOX (vbox), entry, FALSE, FALSE, 0);

  note = gtk_label_new (_ ("The preset keeps the settings, not the style "
                           "layer or file."));
  gtk_label_set_xalign (GTK_LABEL (note), 0.0);
  gtk_label_set_line_wrap (GTK_LABEL (note), TRUE);
  gimp_label_set_attributes (GTK_LABEL (note), PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  gtk_box_pack_start (GTK_BOX (vbox), note, FALSE, FALSE, 0);

  g_signal_connect (entry, "changed", G_CALLBACK (entry_changed), dialog);
  entry_changed (GTK_ENTRY (entry), dialog);

  gtk_widget_show_all (dialog);

  while (gimp_dialog_run (GIMP_DIALOG (dialog)) == GTK_RESPONSE_OK)
    {
      gchar *text = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (entry))));

      if (*text && !is_shipped_name (state, text))
        {
          name = text;
          break;
        }

      if (*text)
        gtk_label_set_text (GTK_LABEL (note), _ ("A preset that comes with the plug-in has this "
                                                 "name; choose another."));
      g_free (text);
    }

  gtk_widget_destroy (dialog);

  return name;
}

static void
save_preset_clicked (GtkButton *button, DialogState *state)
{
  NeuralStylePreset *preset;
  GError *error = NULL;
  gchar *name;

  name = ask_preset_name (state);
  if (!name)
    return;

  preset = neural_style_preset_new_from_config (name, G_OBJECT (state->config));
  if (neural_style_preset_save (preset, state->user_dir, &error))
    {
      gchar *path = g_strdup (neural_style_preset_get_path (preset));

      reload_presets (state, path);
      g_free (path);
    }
  else
    {
      show_error (GTK_WIDGET (state->dialog), _ ("The preset could not be saved."), error->message);
      g_clear_error (&error);
    }

  g_object_unref (preset);
  g_free (name);
}

static void
delete_preset_clicked (GtkButton *button, DialogState *state)
{
  NeuralStylePreset *preset = selected_preset (state);
  GtkWidget *question;
  GError *error = NULL;
  gint response;

  if (!preset || neural_style_preset_is_shipped (preset))
    return;

  question = gtk_message_dialog_new (GTK_WINDOW (state->dialog),
                                     GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                     GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                     _ ("Delete the preset \"%s\"?"),
                                     neural_style_preset_get_label (preset));
  gtk_dialog_add_buttons (GTK_DIALOG (question), _ ("_Cancel"), GTK_RESPONSE_CANCEL, _ ("_Delete"),
                          GTK_RESPONSE_OK, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (question), GTK_RESPONSE_OK);
  response = gtk_dialog_run (GTK_DIALOG (question));
  gtk_widget_destroy (question);

  if (response != GTK_RESPONSE_OK)
    return;

  if (neural_style_preset_delete (preset, &error))
    reload_presets (state, NULL);
  else
    {
      show_error (GTK_WIDGET (state->dialog), _ ("The preset could not be deleted."), error->message);
      g_clear_error (&error);
    }
}

static GtkWidget *
preset_row_new (DialogState *state)
{
  GtkWidget *vbox;
  GtkWidget *hbox;
  GtkWidget *label;
  GtkWidget *button;
  GtkWidget *icon;

  vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_pack_start (GTK_BOX (vbox), hbox, FALSE, FALSE, 0);

  label = gtk_label_new_with_mnemonic (_ ("_Preset:"));
  gtk_box_pack_start (GTK_BOX (hbox), label, FALSE, FALSE, 0);

  state->preset_combo = gtk_combo_box_text_new ();
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), state->preset_combo);
  gimp_help_set_help_data (state->preset_combo,
                           _ ("Named settings: choose one to set every control "
                              "below at once.  Shows nothing when the settings "
                              "match no preset."),
                           NULL);
  gtk_box_pack_start (GTK_BOX (hbox), state->preset_combo, TRUE, TRUE, 0);
  state->combo_handler = g_signal_connect (state->preset_combo, "changed",
                                           G_CALLBACK (preset_combo_changed), state);

  button = gtk_button_new_with_label (_ ("Save as…"));
  gimp_help_set_help_data (button,
                           _ ("Save the current settings as a named preset "
                              "in your GIMP profile"),
                           NULL);
  gtk_box_pack_start (GTK_BOX (hbox), button, FALSE, FALSE, 0);
  g_signal_connect (button, "clicked", G_CALLBACK (save_preset_clicked), state);

  state->delete_button = gtk_button_new_with_label (_ ("Delete"));
  gimp_help_set_help_data (state->delete_button,
                           _ ("Delete the chosen preset (only your own presets "
                              "can be deleted)"),
                           NULL);
  gtk_box_pack_start (GTK_BOX (hbox), state->delete_button, FALSE, FALSE, 0);
  g_signal_connect (state->delete_button, "clicked", G_CALLBACK (delete_preset_clicked), state);

  /* Preset files that could not be read: the other presets still load. */
  state->problems_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  icon = gtk_image_new_from_icon_name (GIMP_ICON_DIALOG_WARNING, GTK_ICON_SIZE_BUTTON);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_box_pack_start (GTK_BOX (state->problems_row), icon, FALSE, FALSE, 0);
  state->problems_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (state->problems_label), 0.0);
  gtk_label_set_line_wrap (GTK_LABEL (state->problems_label), TRUE);
  gtk_label_set_line_wrap_mode (GTK_LABEL (state->problems_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (state->problems_label), 60);
  gtk_label_set_selectable (GTK_LABEL (state->problems_label), TRUE);
  gimp_label_set_attributes (GTK_LABEL (state->problems_label), PANGO_ATTR_SCALE, PANGO_SCALE_SMALL,
                             -1);
  gtk_box_pack_start (GTK_BOX (state->problems_row), state->problems_label, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (vbox), state->problems_row, FALSE, FALSE, 0);
  /* Shown only when there are problems, whatever shows the dialog. */
  gtk_widget_show_all (state->problems_row);
  gtk_widget_hide (state->problems_row);
  gtk_widget_set_no_show_all (state->problems_row, TRUE);

  gtk_widget_show_all (vbox);

  return vbox;
}

/*  The dialog  */

gboolean
neural_style_dialog_run (GimpProcedure *procedure, GimpProcedureConfig *config,
                         const gchar *shipped_presets_dir)
{
  GimpProcedureDialog *dialog;
  DialogState state = { 0 };
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *weights_chooser;
  GtkWidget *scrolled;
  gulong source_handler;
  gulong notify_handler;
  gboolean run;
  gint i;

  gimp_ui_init (PLUG_IN_BINARY);

  /* A remembered style file was the last style used (the dialog clears
   * the source it does not use), so start from it. */
  for (i = 1; i <= NEURAL_STYLE_MAX_STYLES; i++)
    {
      gchar *property = neural_style_style_property (i, "file");
      GFile *file = NULL;

      g_object_get (config, property, &file, NULL);
      g_free (property);
      if (file)
        {
          property = neural_style_style_property (i, "source");
          g_object_set (config, property, "file", NULL);
          g_free (property);
          g_object_unref (file);
        }
    }

  dialog = GIMP_PROCEDURE_DIALOG (gimp_procedure_dialog_new (procedure, config, _ ("Neural Style")));
  state.dialog = dialog;
  state.config = config;
  state.shipped_dir = g_strdup (shipped_presets_dir);
  state.user_dir = neural_style_presets_user_dir ();
  state.own_widgets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  state.labels = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);

  /* Presets. */
  label = gimp_procedure_dialog_get_label (dialog, "preset-title", _ ("Presets"), FALSE, FALSE);
  box = gimp_procedure_dialog_fill_box (dialog, "preset-box", "preset-title", NULL);
  gtk_widget_hide (label);
  gtk_box_pack_start (GTK_BOX (box), preset_row_new (&state), FALSE, FALSE, 0);

  /* Styles: each a layer of any open image or an image file, with its
   * blend and region; then the region to keep. */
  fill_styles (&state);

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
  weights_chooser = open_file_chooser_new (config, "weights-file",
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

  gimp_procedure_dialog_get_label (dialog, "advanced-title", _ ("Ad_vanced"), FALSE, TRUE);
  gimp_procedure_dialog_fill_expander (dialog, "advanced-expander", "advanced-title", FALSE,
                                       "advanced-scrolled");

  fill_group (&state, "main-box", NS_SETTING_GROUP_MAIN, NULL, state.labels);
  gimp_procedure_dialog_fill (dialog, "preset-box", "styles-box", "keep-box", "main-box",
                              "advanced-expander", NULL);

  source_handler = g_signal_connect (config, "notify", G_CALLBACK (switch_changed), &state);
  update_sensitivity (&state);

  reload_presets (&state, NULL);
  notify_handler = g_signal_connect (config, "notify", G_CALLBACK (config_setting_changed), &state);

  run = gimp_procedure_dialog_run (dialog);

  g_signal_handler_disconnect (config, notify_handler);
  g_signal_handler_disconnect (config, source_handler);
  gtk_widget_destroy (GTK_WIDGET (dialog));
  g_hash_table_destroy (state.own_widgets);
  g_object_unref (state.labels);

  g_list_free_full (state.presets, g_object_unref);
  g_free (state.shipped_dir);
  g_free (state.user_dir);

  /* Only the chosen inputs go to the procedure; the widgets are gone, so
   * clearing the others touches nothing on screen. */
  if (run)
    clear_unused_inputs (config);

  return run;
}
