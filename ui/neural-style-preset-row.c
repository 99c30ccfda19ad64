/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the dialog's preset row: a combo of the presets
 * (showing the one the settings match, if any), "Save as…", "Delete",
 * and a one-line note of the preset files that could not be read, which
 * opens their list.
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

#include "neural-style-preset-row.h"
#include "neural-style-presets.h"

struct _NeuralStylePresetRow
{
  GimpProcedureDialog *dialog;
  GimpProcedureConfig *config;
  GtkWidget *widget;
  GtkWidget *preset_combo;
  GtkWidget *delete_button;
  GtkWidget *problems_button; /* preset files that could not be read */
  GtkWidget *problems_count;
  GtkWidget *problems_label; /* their list, in the button's popover */
  gchar *shipped_dir;
  gchar *user_dir;
  GList *presets; /* NeuralStylePreset, in combo order */
  gulong combo_handler;
  gulong notify_handler;
  gboolean applying; /* a preset is being applied */
};

static NeuralStylePreset *
selected_preset (NeuralStylePresetRow *row)
{
  gint active = gtk_combo_box_get_active (GTK_COMBO_BOX (row->preset_combo));

  return active >= 0 ? g_list_nth_data (row->presets, active) : NULL;
}

static void
update_delete_button (NeuralStylePresetRow *row)
{
  NeuralStylePreset *preset = selected_preset (row);

  gtk_widget_set_sensitive (row->delete_button, preset && !neural_style_preset_is_shipped (preset));
}

/* Shows the preset whose settings the config has (none if none has). */
static void
select_matching_preset (NeuralStylePresetRow *row)
{
  NeuralStylePreset *current = selected_preset (row);
  GList *iter;
  gint index = -1;
  gint i;

  /* Prefer the one already shown when several match. */
  if (current && neural_style_preset_matches (current, G_OBJECT (row->config)))
    index = g_list_index (row->presets, current);

  for (iter = row->presets, i = 0; iter && index < 0; iter = iter->next, i++)
    if (neural_style_preset_matches (iter->data, G_OBJECT (row->config)))
      index = i;

  g_signal_handler_block (row->preset_combo, row->combo_handler);
  gtk_combo_box_set_active (GTK_COMBO_BOX (row->preset_combo), index);
  g_signal_handler_unblock (row->preset_combo, row->combo_handler);

  update_delete_button (row);
}

/* The most preset problems the dialog lists; the rest are counted. */
#define PROBLEMS_SHOWN 8

/* Says how many preset files could not be read (or were read in part) in
 * one line under the preset row, a button whose popover lists them, one
 * line each under a heading that names the user's presets folder (a list
 * in the dialog itself would take the height of a small screen); hidden
 * when there are none. */
static void
show_preset_problems (NeuralStylePresetRow *row, GPtrArray *problems)
{
  gchar *folder = g_filename_display_name (row->user_dir);
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

  gtk_label_set_text (GTK_LABEL (row->problems_label), text->str);
  g_string_printf (text,
                   g_dngettext (GETTEXT_PACKAGE, "%u preset file has a problem",
                                "%u preset files have a problem", problems->len),
                   problems->len);
  gtk_label_set_text (GTK_LABEL (row->problems_count), text->str);
  gtk_widget_set_visible (row->problems_button, problems->len > 0);
  g_string_free (text, TRUE);
  g_free (prefix);
  g_free (folder);
}

static void
reload_presets (NeuralStylePresetRow *row, const gchar *select_path)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  GList *iter;
  gint select = -1;
  gint i;

  g_list_free_full (row->presets, g_object_unref);
  row->presets = neural_style_presets_list (row->shipped_dir, row->user_dir, problems);
  g_debug ("presets: %u listed, %u preset files with problems", g_list_length (row->presets),
           problems->len);
  show_preset_problems (row, problems);
  g_ptr_array_unref (problems);

  g_signal_handler_block (row->preset_combo, row->combo_handler);
  gtk_combo_box_text_remove_all (GTK_COMBO_BOX_TEXT (row->preset_combo));
  for (iter = row->presets, i = 0; iter; iter = iter->next, i++)
    {
      NeuralStylePreset *preset = iter->data;

      gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (row->preset_combo),
                                      neural_style_preset_get_label (preset));
      if (select_path && g_strcmp0 (neural_style_preset_get_path (preset), select_path) == 0)
        select = i;
    }
  gtk_combo_box_set_active (GTK_COMBO_BOX (row->preset_combo), select);
  g_signal_handler_unblock (row->preset_combo, row->combo_handler);

  if (select < 0)
    select_matching_preset (row);
  else
    update_delete_button (row);
}

static void
preset_combo_changed (GtkComboBox *combo, NeuralStylePresetRow *row)
{
  NeuralStylePreset *preset = selected_preset (row);

  if (preset)
    {
      g_debug ("applying the preset '%s'", neural_style_preset_get_name (preset));
      row->applying = TRUE;
      neural_style_preset_apply (preset, G_OBJECT (row->config));
      row->applying = FALSE;
    }
  update_delete_button (row);
}

static void
config_setting_changed (GimpProcedureConfig *config, GParamSpec *pspec, NeuralStylePresetRow *row)
{
  const gchar *const *names = neural_style_preset_setting_names ();
  gint i;

  if (row->applying)
    return;

  for (i = 0; names[i]; i++)
    if (strcmp (names[i], pspec->name) == 0)
      {
        select_matching_preset (row);
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
is_shipped_name (NeuralStylePresetRow *row, const gchar *name)
{
  GList *iter;

  for (iter = row->presets; iter; iter = iter->next)
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
ask_preset_name (NeuralStylePresetRow *row)
{
  NeuralStylePreset *current = selected_preset (row);
  GtkWidget *dialog;
  GtkWidget *vbox;
  GtkWidget *label;
  GtkWidget *entry;
  GtkWidget *note;
  gchar *name = NULL;

  dialog = gimp_dialog_new (_ ("Save Preset"), "neural-style-save-preset", GTK_WIDGET (row->dialog),
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

      if (*text && !is_shipped_name (row, text))
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
save_preset_clicked (GtkButton *button, NeuralStylePresetRow *row)
{
  NeuralStylePreset *preset;
  GError *error = NULL;
  gchar *name;

  name = ask_preset_name (row);
  if (!name)
    return;

  preset = neural_style_preset_new_from_config (name, G_OBJECT (row->config));
  if (neural_style_preset_save (preset, row->user_dir, &error))
    {
      gchar *path = g_strdup (neural_style_preset_get_path (preset));

      reload_presets (row, path);
      g_free (path);
    }
  else
    {
      show_error (GTK_WIDGET (row->dialog), _ ("The preset could not be saved."), error->message);
      g_clear_error (&error);
    }

  g_object_unref (preset);
  g_free (name);
}

static void
delete_preset_clicked (GtkButton *button, NeuralStylePresetRow *row)
{
  NeuralStylePreset *preset = selected_preset (row);
  GtkWidget *question;
  GError *error = NULL;
  gint response;

  if (!preset || neural_style_preset_is_shipped (preset))
    return;

  question = gtk_message_dialog_new (GTK_WINDOW (row->dialog),
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
    reload_presets (row, NULL);
  else
    {
      show_error (GTK_WIDGET (row->dialog), _ ("The preset could not be deleted."), error->message);
      g_clear_error (&error);
    }
}

static GtkWidget *
row_widget_new (NeuralStylePresetRow *row)
{
  GtkWidget *vbox;
  GtkWidget *hbox;
  GtkWidget *label;
  GtkWidget *button;
  GtkWidget *icon;
  GtkWidget *popover;

  vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_pack_start (GTK_BOX (vbox), hbox, FALSE, FALSE, 0);

  label = gtk_label_new_with_mnemonic (_ ("_Preset:"));
  gtk_box_pack_start (GTK_BOX (hbox), label, FALSE, FALSE, 0);

  row->preset_combo = gtk_combo_box_text_new ();
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), row->preset_combo);
  gimp_help_set_help_data (row->preset_combo,
                           _ ("Named settings: choose one to set every control "
                              "below at once.  Shows nothing when the settings "
                              "match no preset."),
                           NULL);
  gtk_box_pack_start (GTK_BOX (hbox), row->preset_combo, TRUE, TRUE, 0);
  row->combo_handler = g_signal_connect (row->preset_combo, "changed",
                                         G_CALLBACK (preset_combo_changed), row);

  button = gtk_button_new_with_label (_ ("Save as…"));
  gimp_help_set_help_data (button,
                           _ ("Save the current settings as a named preset "
                              "in your GIMP profile"),
                           NULL);
  gtk_box_pack_start (GTK_BOX (hbox), button, FALSE, FALSE, 0);
  g_signal_connect (button, "clicked", G_CALLBACK (save_preset_clicked), row);

  row->delete_button = gtk_button_new_with_label (_ ("Delete"));
  gimp_help_set_help_data (row->delete_button,
                           _ ("Delete the chosen preset (only your own presets "
                              "can be deleted)"),
                           NULL);
  gtk_box_pack_start (GTK_BOX (hbox), row->delete_button, FALSE, FALSE, 0);
  g_signal_connect (row->delete_button, "clicked", G_CALLBACK (delete_preset_clicked), row);

  /* Preset files that could not be read: the other presets still load. */
  row->problems_button = gtk_menu_button_new ();
  gtk_button_set_relief (GTK_BUTTON (row->problems_button), GTK_RELIEF_NONE);
  gtk_widget_set_halign (row->problems_button, GTK_ALIGN_START);
  gimp_help_set_help_data (row->problems_button, _ ("Show which preset files, and why"), NULL);
  hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  icon = gtk_image_new_from_icon_name (GIMP_ICON_DIALOG_WARNING, GTK_ICON_SIZE_BUTTON);
  gtk_box_pack_start (GTK_BOX (hbox), icon, FALSE, FALSE, 0);
  row->problems_count = gtk_label_new (NULL);
  gtk_box_pack_start (GTK_BOX (hbox), row->problems_count, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (hbox),
                      gtk_image_new_from_icon_name ("pan-down-symbolic", GTK_ICON_SIZE_BUTTON),
                      FALSE, FALSE, 0);
  gtk_container_add (GTK_CONTAINER (row->problems_button), hbox);

  row->problems_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->problems_label), 0.0);
  gtk_label_set_line_wrap (GTK_LABEL (row->problems_label), TRUE);
  gtk_label_set_line_wrap_mode (GTK_LABEL (row->problems_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (row->problems_label), 60);
  gtk_label_set_selectable (GTK_LABEL (row->problems_label), TRUE);
  popover = gtk_popover_new (row->problems_button);
  gtk_container_set_border_width (GTK_CONTAINER (popover), 8);
  gtk_container_add (GTK_CONTAINER (popover), row->problems_label);
  gtk_widget_show (row->problems_label);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (row->problems_button), popover);
  gtk_box_pack_start (GTK_BOX (vbox), row->problems_button, FALSE, FALSE, 0);
  /* Shown only when there are problems, whatever shows the dialog. */
  gtk_widget_show_all (row->problems_button);
  gtk_widget_hide (row->problems_button);
  gtk_widget_set_no_show_all (row->problems_button, TRUE);

  gtk_widget_show_all (vbox);

  return vbox;
}

NeuralStylePresetRow *
neural_style_preset_row_new (GimpProcedureDialog *dialog, GimpProcedureConfig *config,
                             const gchar *shipped_dir)
{
  NeuralStylePresetRow *row = g_new0 (NeuralStylePresetRow, 1);

  row->dialog = dialog;
  row->config = config;
  row->shipped_dir = g_strdup (shipped_dir);
  row->user_dir = neural_style_presets_user_dir ();
  row->widget = row_widget_new (row);

  return row;
}

GtkWidget *
neural_style_preset_row_get_widget (NeuralStylePresetRow *row)
{
  return row->widget;
}

void
neural_style_preset_row_load (NeuralStylePresetRow *row)
{
  reload_presets (row, NULL);
  row->notify_handler = g_signal_connect (row->config, "notify",
                                          G_CALLBACK (config_setting_changed), row);
}

void
neural_style_preset_row_free (NeuralStylePresetRow *row)
{
  if (row->notify_handler)
    g_signal_handler_disconnect (row->config, row->notify_handler);
  g_list_free_full (row->presets, g_object_unref);
  g_free (row->shipped_dir);
  g_free (row->user_dir);
  g_free (row);
}
