/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: named presets of the plug-in's settings.
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

#include <errno.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libgimpbase/gimpbase.h>
#include <libgimpconfig/gimpconfig.h>

#include "ns_settings.h"
#include "neural-style-presets.h"

/* The shipped presets' names, for translation (the files hold them in
 * English). */
static const gchar *shipped_names[] G_GNUC_UNUSED = {
  N_ ("Paper (L-BFGS)"), N_ ("Adam, last ReLU of each block"), N_ ("Quick preview"),
  N_ ("High quality"),   N_ ("Print (full resolution)"),
};

/* Property PROP_FIRST_SETTING + i is row i of the engine's settings table
 * (include/ns_settings.h): its name, type, range and default; a choice is its
 * nick, a string. */
enum
{
  PROP_0,
  PROP_NAME,
  PROP_FIRST_SETTING
};

struct _NeuralStylePreset
{
  GObject parent_instance;

  gchar *name;
  GValue *values; /* one per table row */

  /* Not properties: where the preset comes from. */
  gchar *path;
  gboolean shipped;
};

G_DEFINE_TYPE_WITH_CODE (NeuralStylePreset, neural_style_preset, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (GIMP_TYPE_CONFIG, NULL))

static void copy_settings (GObject *src, GObject *dest);

static void
neural_style_preset_finalize (GObject *object)
{
  NeuralStylePreset *preset = NEURAL_STYLE_PRESET (object);
  gint i;

  for (i = 0; i < ns_settings_count; i++)
    g_value_unset (&preset->values[i]);
  g_free (preset->values);
  g_free (preset->name);
  g_free (preset->path);

  G_OBJECT_CLASS (neural_style_preset_parent_class)->finalize (object);
}

static void
neural_style_preset_set_property (GObject *object, guint property_id, const GValue *value,
                                  GParamSpec *pspec)
{
  NeuralStylePreset *preset = NEURAL_STYLE_PRESET (object);
  const ns_setting *setting;
  gint row = (gint) property_id - PROP_FIRST_SETTING;

  if (property_id == PROP_NAME)
    {
      g_free (preset->name);
      preset->name = g_value_dup_string (value);
      return;
    }
  if (row < 0 || row >= ns_settings_count)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, property_id, pspec);
      return;
    }

  setting = &ns_settings[row];
  if (setting->type == NS_SETTING_CHOICE)
    {
      /* An old nick (an older preset's layer-set "seed") becomes the
       * current one. */
      const ns_setting_choice *choice;

      choice = ns_setting_choice_find (setting, g_value_get_string (value));
      g_value_set_string (&preset->values[row], choice ? choice->nick : g_value_get_string (value));
    }
  else
    {
      g_value_copy (value, &preset->values[row]);
    }
}

static void
neural_style_preset_get_property (GObject *object, guint property_id, GValue *value, GParamSpec *pspec)
{
  NeuralStylePreset *preset = NEURAL_STYLE_PRESET (object);
  gint row = (gint) property_id - PROP_FIRST_SETTING;

  if (property_id == PROP_NAME)
    g_value_set_string (value, preset->name);
  else if (row >= 0 && row < ns_settings_count)
    g_value_copy (&preset->values[row], value);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, property_id, pspec);
}

static void
neural_style_preset_class_init (NeuralStylePresetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  gint i;

  object_class->finalize = neural_style_preset_finalize;
  object_class->set_property = neural_style_preset_set_property;
  object_class->get_property = neural_style_preset_get_property;

  GIMP_CONFIG_PROP_STRING (object_class, PROP_NAME, "name", "Name", NULL, NULL, 0);

  /* A setting a preset file leaves out takes the engine's default. */
  for (i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];
      guint id = PROP_FIRST_SETTING + i;

      switch (s->type)
        {
        case NS_SETTING_DOUBLE:
          GIMP_CONFIG_PROP_DOUBLE (object_class, id, s->name, NULL, NULL, s->min, s->max,
                                   s->default_value, 0);
          break;
        case NS_SETTING_INT:
          GIMP_CONFIG_PROP_INT (object_class, id, s->name, NULL, NULL, (gint) s->min, (gint) s->max,
                                (gint) s->default_value, 0);
          break;
        case NS_SETTING_BOOLEAN:
          GIMP_CONFIG_PROP_BOOLEAN (object_class, id, s->name, NULL, NULL, s->default_value != 0.0,
                                    0);
          break;
        case NS_SETTING_CHOICE:
          GIMP_CONFIG_PROP_STRING (object_class, id, s->name, NULL, NULL,
                                   ns_setting_default_nick (s), 0);
          break;
        }
    }
}

static void
neural_style_preset_init (NeuralStylePreset *preset)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (preset);
  gint i;

  preset->values = g_new0 (GValue, ns_settings_count);
  for (i = 0; i < ns_settings_count; i++)
    {
      GParamSpec *pspec = g_object_class_find_property (klass, ns_settings[i].name);

      g_value_init (&preset->values[i], pspec->value_type);
      g_param_value_set_default (pspec, &preset->values[i]);
    }
}

const gchar *const *
neural_style_preset_setting_names (void)
{
  static const gchar **names = NULL;

  if (g_once_init_enter (&names))
    {
      const gchar **list = g_new0 (const gchar *, ns_settings_count + 1);
      gint i;

      for (i = 0; i < ns_settings_count; i++)
        list[i] = ns_settings[i].name;
      g_once_init_leave (&names, list);
    }

  return names;
}

NeuralStylePreset *
neural_style_preset_new_from_config (const gchar *name, GObject *config)
{
  NeuralStylePreset *preset;

  preset = g_object_new (NEURAL_STYLE_TYPE_PRESET, "name", name, NULL);
  if (config)
    copy_settings (config, G_OBJECT (preset));

  return preset;
}

/* Copies the settings that both objects have, by name. */
static void
copy_settings (GObject *src, GObject *dest)
{
  const gchar *const *names = neural_style_preset_setting_names ();
  GObjectClass *src_class = G_OBJECT_GET_CLASS (src);
  GObjectClass *dest_class = G_OBJECT_GET_CLASS (dest);
  gint i;

  g_object_freeze_notify (dest);
  for (i = 0; names[i]; i++)
    {
      GParamSpec *src_spec = g_object_class_find_property (src_class, names[i]);
      GParamSpec *dest_spec = g_object_class_find_property (dest_class, names[i]);
      GValue value = G_VALUE_INIT;

      if (!src_spec || !dest_spec || src_spec->value_type != dest_spec->value_type)
        continue;

      g_value_init (&value, src_spec->value_type);
      g_object_get_property (src, names[i], &value);
      g_object_set_property (dest, names[i], &value);
      g_value_unset (&value);
    }
  g_object_thaw_notify (dest);
}

void
neural_style_preset_apply (NeuralStylePreset *preset, GObject *config)
{
  g_return_if_fail (NEURAL_STYLE_IS_PRESET (preset));

  copy_settings (G_OBJECT (preset), config);
}

gboolean
neural_style_preset_matches (NeuralStylePreset *preset, GObject *config)
{
  const gchar *const *names = neural_style_preset_setting_names ();
  GObjectClass *config_class = G_OBJECT_GET_CLASS (config);
  gboolean equal = TRUE;
  gint i;

  g_return_val_if_fail (NEURAL_STYLE_IS_PRESET (preset), FALSE);

  for (i = 0; names[i] && equal; i++)
    {
      GParamSpec *spec = g_object_class_find_property (config_class, names[i]);
      GValue a = G_VALUE_INIT;
      GValue b = G_VALUE_INIT;

      if (!spec)
        continue;

      g_value_init (&a, spec->value_type);
      g_value_init (&b, spec->value_type);
      g_object_get_property (G_OBJECT (preset), names[i], &a);
      g_object_get_property (config, names[i], &b);
      equal = (g_param_values_cmp (spec, &a, &b) == 0);
      g_value_unset (&a);
      g_value_unset (&b);
    }

  return equal;
}

NeuralStylePreset *
neural_style_preset_load (const gchar *path, gboolean shipped, GError **error)
{
  NeuralStylePreset *preset;
  GFile *file;

  preset = g_object_new (NEURAL_STYLE_TYPE_PRESET, NULL);
  file = g_file_new_for_path (path);

  if (!gimp_config_deserialize_file (GIMP_CONFIG (preset), file, NULL, error))
    {
      g_object_unref (file);
      g_object_unref (preset);
      return NULL;
    }
  g_object_unref (file);

  if (!preset->name || !*preset->name)
    {
      gchar *base = g_path_get_basename (path);

      /* A nameless preset is named after its file. */
      if (g_str_has_suffix (base, NEURAL_STYLE_PRESET_SUFFIX))
        base[strlen (base) - strlen (NEURAL_STYLE_PRESET_SUFFIX)] = '\0';
      g_free (preset->name);
      preset->name = base;
    }

  preset->path = g_strdup (path);
  preset->shipped = shipped;

  return preset;
}

/* The preset files of dir, sorted by file name. */
static GList *
preset_files (const gchar *dir)
{
  GDir *gdir;
  const gchar *entry;
  GList *files = NULL;

  if (!dir || !(gdir = g_dir_open (dir, 0, NULL)))
    return NULL;

  while ((entry = g_dir_read_name (gdir)))
    if (g_str_has_suffix (entry, NEURAL_STYLE_PRESET_SUFFIX) && entry[0] != '.')
      files = g_list_prepend (files, g_build_filename (dir, entry, NULL));
  g_dir_close (gdir);

  return g_list_sort (files, (GCompareFunc) strcmp);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_utf8_collate (NEURAL_STYLE_PRESET ((gpointer) a)->name,
                         NEURAL_STYLE_PRESET ((gpointer) b)->name);
}

static GList *
load_dir (const gchar *dir, gboolean shipped)
{
  GList *files = preset_files (dir);
  GList *presets = NULL;
  GList *iter;

  for (iter = files; iter; iter = iter->next)
    {
      GError *error = NULL;
      NeuralStylePreset *preset = neural_style_preset_load (iter->data, shipped, &error);

      if (preset)
        presets = g_list_prepend (presets, preset);
      else
        {
          g_warning ("neural-style: skipping the preset '%s': %s", (const gchar *) iter->data,
                     error->message);
          g_clear_error (&error);
        }
    }
  g_list_free_full (files, g_free);

  return g_list_reverse (presets);
}

GList *
neural_style_presets_list (const gchar *shipped_dir, const gchar *user_dir)
{
  GList *shipped = load_dir (shipped_dir, TRUE);
  GList *user = g_list_sort (load_dir (user_dir, FALSE), compare_names);

  return g_list_concat (shipped, user);
}

gchar *
neural_style_presets_user_dir (void)
{
  return g_build_filename (gimp_directory (), "neural-style", "presets", NULL);
}

/* A file name for a preset name: the name with characters that some file
 * systems refuse replaced. */
static gchar *
file_stem (const gchar *name)
{
  GString *stem = g_string_new (NULL);
  const gchar *p;

  for (p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || strchr ("/\\:*?\"<>|", (gchar) c) != NULL || (stem->len == 0 && c == '.'))
        g_string_append_c (stem, '_');
      else
        g_string_append_unichar (stem, c);
    }
  if (stem->len > 120)
    {
      /* Keep whole characters. */
      const gchar *end = g_utf8_find_prev_char (stem->str, stem->str + 120);

      g_string_truncate (stem, end ? (gsize) (end - stem->str) : 0);
    }

  return g_string_free (stem, FALSE);
}

gboolean
neural_style_preset_save (NeuralStylePreset *preset, const gchar *user_dir, GError **error)
{
  GList *existing;
  GList *iter;
  gchar *path = NULL;
  GFile *file;
  gboolean success;

  g_return_val_if_fail (NEURAL_STYLE_IS_PRESET (preset), FALSE);

  if (!preset->name || !*g_strstrip (preset->name))
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _ ("A preset needs a name."));
      return FALSE;
    }

  if (g_mkdir_with_parents (user_dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   _ ("Could not create the folder '%s': %s"), user_dir, g_strerror (errno));
      return FALSE;
    }

  /* The same name replaces the user's preset of that name. */
  existing = load_dir (user_dir, FALSE);
  for (iter = existing; iter && !path; iter = iter->next)
    if (strcmp (NEURAL_STYLE_PRESET (iter->data)->name, preset->name) == 0)
      path = g_strdup (NEURAL_STYLE_PRESET (iter->data)->path);
  g_list_free_full (existing, g_object_unref);

  if (!path)
    {
      gchar *stem = file_stem (preset->name);
      gint n;

      for (n = 1; !path; n++)
        {
          gchar *base = n == 1 ? g_strconcat (stem, NEURAL_STYLE_PRESET_SUFFIX, NULL) :
                                 g_strdup_printf ("%s-%d%s", stem, n, NEURAL_STYLE_PRESET_SUFFIX);

          path = g_build_filename (user_dir, base, NULL);
          g_free (base);
          if (g_file_test (path, G_FILE_TEST_EXISTS))
            g_clear_pointer (&path, g_free);
        }
      g_free (stem);
    }

  file = g_file_new_for_path (path);
  success = gimp_config_serialize_to_file (GIMP_CONFIG (preset), file, "GIMP Neural Style preset",
                                           "end of preset", NULL, error);
  g_object_unref (file);

  if (success)
    {
      g_free (preset->path);
      preset->path = path;
      preset->shipped = FALSE;
    }
  else
    g_free (path);

  return success;
}

gboolean
neural_style_preset_delete (NeuralStylePreset *preset, GError **error)
{
  g_return_val_if_fail (NEURAL_STYLE_IS_PRESET (preset), FALSE);

  if (preset->shipped || !preset->path)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                   _ ("The preset '%s' comes with the plug-in and cannot be deleted."),
                   neural_style_preset_get_label (preset));
      return FALSE;
    }

  if (g_unlink (preset->path) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   _ ("Could not delete '%s': %s"), preset->path, g_strerror (errno));
      return FALSE;
    }

  g_clear_pointer (&preset->path, g_free);
  return TRUE;
}

const gchar *
neural_style_preset_get_name (NeuralStylePreset *preset)
{
  g_return_val_if_fail (NEURAL_STYLE_IS_PRESET (preset), NULL);

  return preset->name;
}

const gchar *
neural_style_preset_get_label (NeuralStylePreset *preset)
{
  g_return_val_if_fail (NEURAL_STYLE_IS_PRESET (preset), NULL);

  return preset->shipped ? _ (preset->name) : preset->name;
}

const gchar *
neural_style_preset_get_path (NeuralStylePreset *preset)
{
  g_return_val_if_fail (NEURAL_STYLE_IS_PRESET (preset), NULL);

  return preset->path;
}

gboolean
neural_style_preset_is_shipped (NeuralStylePreset *preset)
{
  g_return_val_if_fail (NEURAL_STYLE_IS_PRESET (preset), FALSE);

  return preset->shipped;
}
