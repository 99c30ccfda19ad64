/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the procedure's settings (see neural-style-settings.h).
 *
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
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <glib/gi18n-lib.h>

#include "ns_settings.h"
#include "neural-style-inputs.h"
#include "neural-style-image.h"
#include "neural-style-settings.h"

#define WEIGHTS_FILE_NAME "vgg19-conv.safetensors"
#define WEIGHTS_ENV "NEURAL_STYLE_WEIGHTS"
/* in the user's data folder (g_get_user_data_dir) */
#define WEIGHTS_DATA_DIR "gimp-neural-style"

/* A setting's choices, with the old nicks too: a script or a remembered
 * setting that uses one still works (the dialog does not list them). */
static GimpChoice *
choice_new (const ns_setting *setting)
{
  GimpChoice *choice = gimp_choice_new ();
  const ns_setting_choice *c;

  for (c = setting->choices; c->nick; c++)
    gimp_choice_add (choice, c->nick, c->value, _ (c->label), NULL);
  for (c = setting->choices; c->nick; c++)
    if (c->alias)
      gimp_choice_add (choice, c->alias, c->value, _ (c->label), NULL);

  return choice;
}

gint
neural_style_settings_add_arguments (GimpProcedure *procedure, gint first, const gchar *last)
{
  gint i, k;

  for (i = first; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];
      const gchar *label = _ (s->label);
      const gchar *help = _ (s->help);

      switch (s->type)
        {
        case NS_SETTING_DOUBLE:
          gimp_procedure_add_double_argument (procedure, s->name, label, help, s->min, s->max,
                                              s->default_value, G_PARAM_READWRITE);
          break;
        case NS_SETTING_INT:
          gimp_procedure_add_int_argument (procedure, s->name, label, help, (gint) s->min,
                                           (gint) s->max, (gint) s->default_value, G_PARAM_READWRITE);
          break;
        case NS_SETTING_BOOLEAN:
          gimp_procedure_add_boolean_argument (procedure, s->name, label, help,
                                               s->default_value != 0.0, G_PARAM_READWRITE);
          break;
        case NS_SETTING_CHOICE:
          gimp_procedure_add_choice_argument (procedure, s->name, label, help, choice_new (s),
                                              ns_setting_default_nick (s), G_PARAM_READWRITE);
          break;
        }

      if (last && strcmp (s->name, last) == 0)
        return i + 1;
    }

  /* After the table: the former settings, for scripts that still give
   * them (the dialog shows the table's rows only). */
  for (k = 0; k < ns_settings_former_count; k++)
    gimp_procedure_add_boolean_argument (procedure, ns_settings_former[k].name,
                                         _ (ns_settings_former[k].label),
                                         _ (ns_settings_former[k].help), FALSE, G_PARAM_READWRITE);

  return i;
}

void
neural_style_settings_normalize (GimpProcedureConfig *config)
{
  gint i;

  for (i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];
      const ns_setting_choice *c;
      gchar *nick = NULL;

      if (s->type != NS_SETTING_CHOICE)
        continue;

      g_object_get (config, s->name, &nick, NULL);
      c = ns_setting_choice_find (s, nick);
      if (c && strcmp (c->nick, nick) != 0)
        g_object_set (config, s->name, c->nick, NULL);
      g_free (nick);
    }

  /* A former setting given true sets its choice, and goes back to false:
   * it is not remembered, and cannot override the dialog's choice in a
   * later run.  False is the choice's default and changes nothing. */
  for (i = 0; i < ns_settings_former_count; i++)
    {
      const ns_setting_former *former = &ns_settings_former[i];
      gboolean on = FALSE;

      g_object_get (config, former->name, &on, NULL);
      if (on)
        g_object_set (config, former->setting, ns_setting_former_choice (former, 1)->nick,
                      former->name, FALSE, NULL);
    }
}

void
neural_style_settings_to_params (GimpProcedureConfig *config, ns_params *params)
{
  gint i;

  ns_params_init (params);

  for (i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];
      gdouble d = 0.0;
      gint n = 0;
      gboolean b = FALSE;

      switch (s->type)
        {
        case NS_SETTING_DOUBLE:
          g_object_get (config, s->name, &d, NULL);
          break;
        case NS_SETTING_INT:
          g_object_get (config, s->name, &n, NULL);
          d = n;
          break;
        case NS_SETTING_BOOLEAN:
          g_object_get (config, s->name, &b, NULL);
          d = b ? 1.0 : 0.0;
          break;
        case NS_SETTING_CHOICE:
          d = gimp_procedure_config_get_choice_id (config, s->name);
          break;
        }
      ns_setting_set (params, s, d);
    }
}

/* Whether layer is already some style's layer in config. */
static gboolean
is_a_style_layer (GimpProcedureConfig *config, GimpLayer *layer)
{
  gboolean found = FALSE;
  gint n;

  for (n = 1; n <= NS_MAX_STYLES && !found; n++)
    {
      gchar *name = neural_style_input_property (n, "layer");
      GimpLayer *current = NULL;

      g_object_get (config, name, &current, NULL);
      found = current == layer;
      g_clear_object (&current);
      g_free (name);
    }

  return found;
}

static gboolean
is_a_result (GimpLayer *layer)
{
  GimpParasite *parasite = gimp_item_get_parasite (GIMP_ITEM (layer), NEURAL_STYLE_RESULT_PARASITE);

  if (!parasite)
    return FALSE;
  gimp_parasite_free (parasite);
  return TRUE;
}

/* The first of candidates that is no style's layer yet and no result of
 * an earlier run (it lies right above the layer painted), or NULL. */
static GimpLayer *
unused_layer (GimpProcedureConfig *config, GimpLayer **candidates, GimpDrawable *drawable)
{
  gint i;

  for (i = 0; candidates && candidates[i]; i++)
    if (GIMP_DRAWABLE (candidates[i]) != drawable && !is_a_style_layer (config, candidates[i]) &&
        !is_a_result (candidates[i]))
      return candidates[i];

  return NULL;
}

void
neural_style_default_inputs (GimpProcedureConfig *config, GimpImage *image, GimpDrawable *drawable)
{
  GimpLayer **layers = gimp_image_get_layers (image);
  GimpChannel **channels = gimp_image_get_channels (image);
  GimpImage **images = gimp_get_images ();
  gint n, i;

  for (n = 1; n <= NS_MAX_STYLES; n++)
    {
      gchar *property = neural_style_input_property (n, "layer");
      GimpLayer *current = NULL;
      GimpLayer *choice;

      g_object_get (config, property, &current, NULL);
      if (current)
        {
          g_object_unref (current);
          g_free (property);
          continue;
        }

      choice = unused_layer (config, layers, drawable);
      for (i = 0; images && images[i] && !choice; i++)
        if (images[i] != image)
          {
            GimpLayer **other = gimp_image_get_layers (images[i]);

            choice = unused_layer (config, other, drawable);
            g_free (other);
          }

      if (choice)
        {
          gchar *name = gimp_item_get_name (GIMP_ITEM (choice));

          g_object_set (config, property, choice, NULL);
          if (n == 1)
            g_debug ("suggested style layer: %s", name);
          else
            g_debug ("suggested style layer %d: %s", n, name);
          g_free (name);
        }
      g_free (property);
    }

  /* A region is most often a selection saved as a channel: the image's
   * first channel, used only when the dialog's switch says so. */
  if (channels && channels[0])
    {
      for (n = 1; n <= NS_MAX_STYLES + 1; n++)
        {
          gchar *property = n <= NS_MAX_STYLES ? neural_style_input_property (n, "region") :
                                                 g_strdup ("keep-region");
          GimpChannel *current = NULL;

          g_object_get (config, property, &current, NULL);
          if (current)
            g_object_unref (current);
          else
            g_object_set (config, property, channels[0], NULL);
          g_free (property);
        }
    }

  g_free (images);
  g_free (channels);
  g_free (layers);
}

gchar *
neural_style_plug_in_path (const gchar *name)
{
  gchar *dir = g_path_get_dirname (gimp_get_progname ());
  gchar *path = g_build_filename (dir, name, NULL);

  g_free (dir);
  return path;
}

gchar *
neural_style_find_weights (GFile *weights_file, GError **error)
{
  const gchar *env;
  gchar *path, *user_path;

  if (weights_file)
    {
      path = g_file_get_path (weights_file);
      if (path && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return path;

      g_set_error (error, GIMP_PLUG_IN_ERROR, 0, _ ("The VGG19 weights file '%s' does not exist."),
                   gimp_file_get_utf8_name (weights_file));
      g_free (path);
      return NULL;
    }

  env = g_getenv (WEIGHTS_ENV);
  if (env && *env)
    {
      if (g_file_test (env, G_FILE_TEST_IS_REGULAR))
        return g_strdup (env);

      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _ ("%s names the VGG19 weights file '%s', which does "
                      "not exist."),
                   WEIGHTS_ENV, env);
      return NULL;
    }

  path = neural_style_plug_in_path (WEIGHTS_FILE_NAME);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return path;

  /* where neural-style-get-weights stores them (the CLI looks there too) */
  user_path = g_build_filename (g_get_user_data_dir (), WEIGHTS_DATA_DIR, WEIGHTS_FILE_NAME, NULL);
  if (g_file_test (user_path, G_FILE_TEST_IS_REGULAR))
    {
      g_free (path);
      return user_path;
    }

  g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
               _ ("No VGG19 weights found (looked for '%s' and '%s'; %s "
                  "is not set).  Run neural-style-get-weights (it "
                  "downloads 575 MB once and keeps a 40 MB file), or "
                  "choose a weights file."),
               path, user_path, WEIGHTS_ENV);
  g_free (user_path);
  g_free (path);
  return NULL;
}
