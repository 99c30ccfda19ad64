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

/* A setting's choices, with the old nicks too: a script or a remembered
 * setting that uses one still works (the dialog does not list them). */
static GimpChoice *
choice_new (const ns_setting *setting)
{
  GimpChoice *choice = gimp_choice_new ();
  const ns_setting_choice *c;
  const ns_setting_former *f;

  for (c = setting->choices; c->nick; c++)
    gimp_choice_add (choice, c->nick, c->value, _ (c->label), NULL);
  for (c = setting->choices; c->nick; c++)
    for (f = c->former; f && f->name; f++)
      gimp_choice_add (choice, f->name, c->value, _ (c->label), NULL);

  return choice;
}

gint
neural_style_settings_add_arguments (GimpProcedure *procedure, gint first, const gchar *last)
{
  const ns_setting_former *f;
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

  /* After the table: the former switches, for scripts that still give
   * them (the dialog shows the table's rows only). */
  for (k = 0; k < ns_settings_count; k++)
    for (f = ns_settings[k].former; f && f->name; f++)
      if (!f->command_line_only)
        gimp_procedure_add_boolean_argument (procedure, f->name, _ (f->label), _ (f->help), FALSE,
                                             G_PARAM_READWRITE);

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

  /* A former switch given true sets its setting, and goes back to false:
   * it is not remembered, and cannot override the dialog's choice in a
   * later run.  False is the setting's default and changes nothing. */
  for (i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];
      const ns_setting_former *f;

      for (f = s->former; f && f->name; f++)
        {
          gint value = ns_setting_former_value (s, f, 1);
          gboolean on = FALSE;

          if (f->command_line_only)
            continue;
          g_object_get (config, f->name, &on, NULL);
          if (!on)
            continue;
          if (s->type == NS_SETTING_CHOICE)
            g_object_set (config, s->name, ns_setting_choice_of (s, value)->nick, NULL);
          else
            g_object_set (config, s->name, value != 0, NULL);
          g_object_set (config, f->name, FALSE, NULL);
        }
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
  gchar *given = weights_file ? g_file_get_path (weights_file) : NULL;
  gchar *dir = g_path_get_dirname (gimp_get_progname ());
  gchar path[4096];
  ns_weights_place place;

  /* a file that is not local has no path: it is not there for the engine */
  place = weights_file && !given ? NS_WEIGHTS_NONE : ns_weights_find (given, dir, path, sizeof path);
  g_free (dir);
  g_free (given);

  switch (place)
    {
    case NS_WEIGHTS_GIVEN:
    case NS_WEIGHTS_ENVIRONMENT:
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_strdup (path);
      break;
    case NS_WEIGHTS_BESIDE:
    case NS_WEIGHTS_USER_DATA:
      return g_strdup (path);
    case NS_WEIGHTS_NONE:
    default:
      break;
    }

  if (weights_file)
    g_set_error (error, GIMP_PLUG_IN_ERROR, 0, _ ("The VGG19 weights file '%s' does not exist."),
                 gimp_file_get_utf8_name (weights_file));
  else if (place == NS_WEIGHTS_ENVIRONMENT)
    g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                 _ ("%s names the VGG19 weights file '%s', which does "
                    "not exist."),
                 NS_WEIGHTS_ENV, path);
  else
    {
      gchar *beside = neural_style_plug_in_path (NS_WEIGHTS_FILE_NAME);

      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _ ("No VGG19 weights found (looked for '%s' and '%s'; %s "
                      "is not set).  Run neural-style-get-weights (it "
                      "downloads 575 MB once and keeps a 40 MB file), or "
                      "choose a weights file."),
                   beside, path, NS_WEIGHTS_ENV);
      g_free (beside);
    }
  return NULL;
}
