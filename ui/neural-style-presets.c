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
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

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

/* Reading a preset file.  The file is GimpConfig's text format, but its
 * values are checked here against the settings table (GimpConfig would
 * wrap a large integer into int's range, and GLib drops an infinite or
 * out-of-range value with only a message on the terminal). */

/* A preset is a few hundred bytes; a larger file is not one. */
#define PRESET_MAX_BYTES (64 * 1024)
/* Longer names do not fit the preset menu. */
#define PRESET_NAME_MAX_CHARS 200

static gboolean parse_error (GScanner *scanner, GError **error, const gchar *format, ...)
    G_GNUC_PRINTF (3, 4);

static gboolean
parse_error (GScanner *scanner, GError **error, const gchar *format, ...)
{
  va_list args;
  gchar *what;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _ ("line %u: %s"), scanner->line, what);
  g_free (what);

  return FALSE;
}

/* Says what a setting takes: its range or its choices. */
static gboolean
wrong_value (GScanner *scanner, const ns_setting *setting, GError **error)
{
  const ns_setting_choice *choice;
  GString *wants = g_string_new (NULL);

  switch (setting->type)
    {
    case NS_SETTING_DOUBLE:
      g_string_printf (wants, _ ("one number from %g to %g"), setting->min, setting->max);
      break;
    case NS_SETTING_INT:
      g_string_printf (wants, _ ("one whole number from %.15g to %.15g"), setting->min, setting->max);
      break;
    case NS_SETTING_BOOLEAN:
      g_string_assign (wants, _ ("yes or no"));
      break;
    case NS_SETTING_CHOICE:
    default:
      g_string_assign (wants, _ ("one of"));
      for (choice = setting->choices; choice->nick; choice++)
        g_string_append_printf (wants, "%s \"%s\"", choice == setting->choices ? "" : ",",
                                choice->nick);
      break;
    }
  parse_error (scanner, error, _ ("%s wants %s"), setting->name, wants->str);
  g_string_free (wants, TRUE);

  return FALSE;
}

/* A number, with its sign. */
static gboolean
read_number (GScanner *scanner, const ns_setting *setting, gdouble *number, GError **error)
{
  gboolean negative = FALSE;
  GTokenType token = g_scanner_get_next_token (scanner);

  if (token == '-')
    {
      negative = TRUE;
      token = g_scanner_get_next_token (scanner);
    }
  if (token == G_TOKEN_INT)
    *number = (gdouble) scanner->value.v_int64;
  else if (token == G_TOKEN_FLOAT)
    *number = scanner->value.v_float;
  else
    return wrong_value (scanner, setting, error);

  /* -0 is 0. */
  *number = (negative ? -*number : *number) + 0.0;
  return TRUE;
}

/* "yes"/"true" or "no"/"false" into *on; FALSE for anything else. */
static gboolean
read_boolean (GScanner *scanner, gboolean *on)
{
  GTokenType token = g_scanner_get_next_token (scanner);
  const gchar *word = token == G_TOKEN_IDENTIFIER ? scanner->value.v_identifier : "";

  *on = strcmp (word, "yes") == 0 || strcmp (word, "true") == 0;
  return *on || strcmp (word, "no") == 0 || strcmp (word, "false") == 0;
}

/* Reads the value of setting row into preset->values[row], checked. */
static gboolean
read_setting (NeuralStylePreset *preset, gint row, GScanner *scanner, GError **error)
{
  const ns_setting *setting = &ns_settings[row];
  GValue *value = &preset->values[row];
  GTokenType token;
  gdouble number;
  ns_error ns_err;

  switch (setting->type)
    {
    case NS_SETTING_DOUBLE:
    case NS_SETTING_INT:
      if (!read_number (scanner, setting, &number, error))
        return FALSE;
      if (ns_setting_check (setting, number, &ns_err) != NS_OK)
        return parse_error (scanner, error, "%s", ns_err.message);
      if (setting->type == NS_SETTING_DOUBLE)
        g_value_set_double (value, number);
      else
        g_value_set_int (value, (gint) number);
      return TRUE;

    case NS_SETTING_BOOLEAN:
      {
        gboolean on;

        if (!read_boolean (scanner, &on))
          return wrong_value (scanner, setting, error);
        g_value_set_boolean (value, on);
        return TRUE;
      }

    case NS_SETTING_CHOICE:
    default:
      {
        const ns_setting_choice *choice = NULL;

        token = g_scanner_get_next_token (scanner);
        if (token == G_TOKEN_STRING)
          choice = ns_setting_choice_find (setting, scanner->value.v_string);
        else if (token == G_TOKEN_IDENTIFIER)
          choice = ns_setting_choice_find (setting, scanner->value.v_identifier);
        if (!choice)
          return wrong_value (scanner, setting, error);
        g_value_set_string (value, choice->nick);
        return TRUE;
      }
    }
}

static gboolean
read_name (NeuralStylePreset *preset, GScanner *scanner, GError **error)
{
  if (g_scanner_get_next_token (scanner) != G_TOKEN_STRING)
    return parse_error (scanner, error, _ ("name wants a text in double quotes"));
  if (g_utf8_strlen (scanner->value.v_string, -1) > PRESET_NAME_MAX_CHARS)
    return parse_error (scanner, error, _ ("the name is longer than %d characters"),
                        PRESET_NAME_MAX_CHARS);

  g_free (preset->name);
  preset->name = g_strdup (scanner->value.v_string);
  return TRUE;
}

/* A former switch (an older preset has "(keep-colors yes)") sets the
 * setting that replaced it; the preset is saved with the setting. */
static gboolean
read_former_setting (NeuralStylePreset *preset, const ns_setting *setting,
                     const ns_setting_former *former, GScanner *scanner, GError **error)
{
  GValue *value = &preset->values[setting - ns_settings];
  gint meaning;
  gboolean on;

  if (!read_boolean (scanner, &on))
    return parse_error (scanner, error, _ ("%s wants %s"), former->name, _ ("yes or no"));
  meaning = ns_setting_former_value (setting, former, on);
  if (setting->type == NS_SETTING_CHOICE)
    g_value_set_string (value, ns_setting_choice_of (setting, meaning)->nick);
  else
    g_value_set_boolean (value, meaning != 0);
  return TRUE;
}

/* Skips the value of a setting this version does not know (a newer
 * version's, or a typo), up to its closing parenthesis. */
static gboolean
skip_value (GScanner *scanner, GError **error)
{
  gint depth = 0;

  for (;;)
    {
      GTokenType token = g_scanner_peek_next_token (scanner);

      if (token == G_TOKEN_EOF || token == G_TOKEN_ERROR)
        return parse_error (scanner, error, _ ("the file ends inside a setting"));
      if (token == G_TOKEN_RIGHT_PAREN && depth == 0)
        return TRUE;
      g_scanner_get_next_token (scanner);
      if (token == G_TOKEN_LEFT_PAREN)
        depth++;
      else if (token == G_TOKEN_RIGHT_PAREN)
        depth--;
    }
}

/* Reads "(key value)" entries until the end of the text; unknown keys are
 * added to unknown. */
static gboolean
parse_preset (NeuralStylePreset *preset, GScanner *scanner, GString *unknown, GError **error)
{
  for (;;)
    {
      GTokenType token = g_scanner_get_next_token (scanner);
      const ns_setting *setting;
      const ns_setting *former_of;
      const ns_setting_former *former = NULL;
      gchar *key;
      gboolean ok;

      if (token == G_TOKEN_EOF)
        return TRUE;
      if (token != G_TOKEN_LEFT_PAREN)
        return parse_error (scanner, error, _ ("expected \"(\" and a setting"));
      if (g_scanner_get_next_token (scanner) != G_TOKEN_IDENTIFIER)
        return parse_error (scanner, error, _ ("expected a setting's name after \"(\""));

      key = g_strdup (scanner->value.v_identifier);
      setting = ns_setting_find (key);
      /* the command line's older spellings are no preset keys */
      former_of = ns_setting_find_former (key, &former);
      if (former_of && former->command_line_only)
        former_of = NULL;
      if (strcmp (key, "name") == 0)
        ok = read_name (preset, scanner, error);
      else if (setting)
        ok = read_setting (preset, (gint) (setting - ns_settings), scanner, error);
      else if (former_of)
        ok = read_former_setting (preset, former_of, former, scanner, error);
      else
        {
          ok = skip_value (scanner, error);
          g_string_append_printf (unknown, "%s\"%s\"", unknown->len ? ", " : "", key);
        }
      if (ok && g_scanner_get_next_token (scanner) != G_TOKEN_RIGHT_PAREN)
        ok = setting ? wrong_value (scanner, setting, error) :
                       parse_error (scanner, error, _ ("expected \")\" after %s's value"), key);
      g_free (key);
      if (!ok)
        return FALSE;
    }
}

NeuralStylePreset *
neural_style_preset_load (const gchar *path, gboolean shipped, gchar **warning, GError **error)
{
  NeuralStylePreset *preset;
  GScanner *scanner;
  GStatBuf info;
  GString *unknown;
  gchar *text = NULL;
  gsize length = 0;
  gboolean ok;

  if (warning)
    *warning = NULL;

  /* A folder, a pipe or a device named like a preset is not read. */
  if (g_stat (path, &info) != 0)
    {
      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (errno), g_strerror (errno));
      return NULL;
    }
  if (!S_ISREG (info.st_mode))
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _ ("not a file"));
      return NULL;
    }
  if (info.st_size > PRESET_MAX_BYTES)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _ ("%lld bytes, too large for a preset (at most %d)"), (long long) info.st_size,
                   PRESET_MAX_BYTES);
      return NULL;
    }
  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  if (length > PRESET_MAX_BYTES || memchr (text, '\0', length) ||
      !g_utf8_validate (text, (gssize) length, NULL))
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           _ ("not a text file (binary or not UTF-8)"));
      g_free (text);
      return NULL;
    }

  preset = g_object_new (NEURAL_STYLE_TYPE_PRESET, NULL);
  unknown = g_string_new (NULL);
  scanner = gimp_scanner_new_string (text, (gint) length, NULL);
  ok = parse_preset (preset, scanner, unknown, error);
  gimp_scanner_unref (scanner);
  g_free (text);

  if (!ok)
    {
      g_string_free (unknown, TRUE);
      g_object_unref (preset);
      return NULL;
    }

  if (unknown->len && warning)
    *warning = g_strdup_printf (_ ("ignored what this version does not know: %s"), unknown->str);
  g_string_free (unknown, TRUE);

  if (!preset->name || !*preset->name)
    {
      gchar *base = g_path_get_basename (path);

      /* A nameless preset is named after its file. */
      if (g_str_has_suffix (base, NEURAL_STYLE_PRESET_SUFFIX))
        base[strlen (base) - strlen (NEURAL_STYLE_PRESET_SUFFIX)] = '\0';
      g_free (preset->name);
      preset->name = g_filename_display_name (base);
      g_free (base);
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

/* Loads the presets of dir; each file that fails to load, or loads with a
 * warning, adds one message to problems (if not NULL). */
static GList *
load_dir (const gchar *dir, gboolean shipped, GPtrArray *problems)
{
  GList *files = preset_files (dir);
  GList *presets = NULL;
  GList *iter;

  for (iter = files; iter; iter = iter->next)
    {
      GError *error = NULL;
      gchar *warning = NULL;
      NeuralStylePreset *preset = neural_style_preset_load (iter->data, shipped, &warning, &error);
      gchar *shown = g_filename_display_name (iter->data);

      if (preset)
        presets = g_list_prepend (presets, preset);
      if (problems && !preset)
        g_ptr_array_add (problems, g_strdup_printf (_ ("%s: not loaded: %s"), shown, error->message));
      else if (problems && warning)
        g_ptr_array_add (problems, g_strdup_printf ("%s: %s", shown, warning));
      g_clear_error (&error);
      g_free (warning);
      g_free (shown);
    }
  g_list_free_full (files, g_free);

  return g_list_reverse (presets);
}

GList *
neural_style_presets_list (const gchar *shipped_dir, const gchar *user_dir, GPtrArray *problems)
{
  GList *shipped = load_dir (shipped_dir, TRUE, problems);
  GList *user = g_list_sort (load_dir (user_dir, FALSE, problems), compare_names);

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
  gboolean existed;
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
  existing = load_dir (user_dir, FALSE, NULL);
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

  /* Replacing a file writes a new one and renames it, so a failure keeps
   * the old; a new file that failed (a full disk) is removed, not left as
   * a broken preset. */
  existed = g_file_test (path, G_FILE_TEST_EXISTS);
  file = g_file_new_for_path (path);
  success = gimp_config_serialize_to_file (GIMP_CONFIG (preset), file, "GIMP Neural Style preset",
                                           "end of preset", NULL, error);
  g_object_unref (file);
  if (!success && !existed)
    g_unlink (path);

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
