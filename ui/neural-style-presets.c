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

#include "neural-style-params.h"
#include "neural-style-presets.h"


/* The shipped presets' names, for translation (the files hold them in
 * English). */
static const gchar *shipped_names[] G_GNUC_UNUSED =
{
  N_("Paper (L-BFGS)"),
  N_("Seed (Adam)"),
  N_("Quick preview"),
  N_("High quality"),
};

enum
{
  PROP_0,
  PROP_NAME,
  PROP_CONTENT_WEIGHT,
  PROP_STYLE_WEIGHT,
  PROP_LEARNING_RATE,
  PROP_ITERATIONS,
  PROP_OPTIMIZER,
  PROP_LAYER_SET,
  PROP_MAX_SIZE,
  PROP_MULTI_SCALE,
  PROP_MIN_SCALE_SIZE,
  PROP_KEEP_COLORS,
  PROP_STYLE_SCALE,
  PROP_TV_WEIGHT,
  PROP_INIT,
  PROP_SEED,
  PROP_LAYER_WEIGHT_1,
  N_PROPS = PROP_LAYER_WEIGHT_1 + NS_STYLE_LAYER_COUNT
};

struct _NeuralStylePreset
{
  GObject  parent_instance;

  gchar   *name;
  gdouble  content_weight;
  gdouble  style_weight;
  gdouble  learning_rate;
  gint     iterations;
  gchar   *optimizer;
  gchar   *layer_set;
  gint     max_size;
  gboolean multi_scale;
  gint     min_scale_size;
  gboolean keep_colors;
  gdouble  style_scale;
  gdouble  tv_weight;
  gchar   *init;
  gint     seed;
  gdouble  layer_weights[NS_STYLE_LAYER_COUNT];

  /* Not properties: where the preset comes from. */
  gchar   *path;
  gboolean shipped;
};

static const gchar * const setting_names[] =
{
  "content-weight",
  "style-weight",
  "learning-rate",
  "iterations",
  "optimizer",
  "layer-set",
  "max-size",
  "multi-scale",
  "min-scale-size",
  "keep-colors",
  "style-scale",
  "tv-weight",
  "init",
  "seed",
  "style-layer-weight-1",
  "style-layer-weight-2",
  "style-layer-weight-3",
  "style-layer-weight-4",
  "style-layer-weight-5",
  NULL
};

G_STATIC_ASSERT (G_N_ELEMENTS (setting_names) == N_PROPS - PROP_CONTENT_WEIGHT + 1);

G_DEFINE_TYPE_WITH_CODE (NeuralStylePreset, neural_style_preset, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (GIMP_TYPE_CONFIG, NULL))


static void copy_settings (GObject *src,
                           GObject *dest);


static void
neural_style_preset_finalize (GObject *object)
{
  NeuralStylePreset *preset = NEURAL_STYLE_PRESET (object);

  g_free (preset->name);
  g_free (preset->optimizer);
  g_free (preset->layer_set);
  g_free (preset->init);
  g_free (preset->path);

  G_OBJECT_CLASS (neural_style_preset_parent_class)->finalize (object);
}

static void
neural_style_preset_set_property (GObject      *object,
                                  guint         property_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  NeuralStylePreset *preset = NEURAL_STYLE_PRESET (object);

  switch (property_id)
    {
    case PROP_NAME:
      g_free (preset->name);
      preset->name = g_value_dup_string (value);
      break;
    case PROP_CONTENT_WEIGHT: preset->content_weight = g_value_get_double (value); break;
    case PROP_STYLE_WEIGHT:   preset->style_weight   = g_value_get_double (value); break;
    case PROP_LEARNING_RATE:  preset->learning_rate  = g_value_get_double (value); break;
    case PROP_ITERATIONS:     preset->iterations     = g_value_get_int (value);    break;
    case PROP_OPTIMIZER:
      g_free (preset->optimizer);
      preset->optimizer = g_value_dup_string (value);
      break;
    case PROP_LAYER_SET:
      g_free (preset->layer_set);
      preset->layer_set = g_value_dup_string (value);
      break;
    case PROP_MAX_SIZE:       preset->max_size       = g_value_get_int (value);     break;
    case PROP_MULTI_SCALE:    preset->multi_scale    = g_value_get_boolean (value); break;
    case PROP_MIN_SCALE_SIZE: preset->min_scale_size = g_value_get_int (value);     break;
    case PROP_KEEP_COLORS:    preset->keep_colors    = g_value_get_boolean (value); break;
    case PROP_STYLE_SCALE:    preset->style_scale    = g_value_get_double (value);  break;
    case PROP_TV_WEIGHT:      preset->tv_weight      = g_value_get_double (value);  break;
    case PROP_INIT:
      g_free (preset->init);
      preset->init = g_value_dup_string (value);
      break;
    case PROP_SEED:           preset->seed           = g_value_get_int (value);     break;
    default:
      if (property_id >= PROP_LAYER_WEIGHT_1 && property_id < N_PROPS)
        preset->layer_weights[property_id - PROP_LAYER_WEIGHT_1] = g_value_get_double (value);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, property_id, pspec);
      break;
    }
}

static void
neural_style_preset_get_property (GObject    *object,
                                  guint       property_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  NeuralStylePreset *preset = NEURAL_STYLE_PRESET (object);

  switch (property_id)
    {
    case PROP_NAME:           g_value_set_string (value, preset->name);            break;
    case PROP_CONTENT_WEIGHT: g_value_set_double (value, preset->content_weight);  break;
    case PROP_STYLE_WEIGHT:   g_value_set_double (value, preset->style_weight);    break;
    case PROP_LEARNING_RATE:  g_value_set_double (value, preset->learning_rate);   break;
    case PROP_ITERATIONS:     g_value_set_int (value, preset->iterations);         break;
    case PROP_OPTIMIZER:      g_value_set_string (value, preset->optimizer);       break;
    case PROP_LAYER_SET:      g_value_set_string (value, preset->layer_set);       break;
    case PROP_MAX_SIZE:       g_value_set_int (value, preset->max_size);           break;
    case PROP_MULTI_SCALE:    g_value_set_boolean (value, preset->multi_scale);    break;
    case PROP_MIN_SCALE_SIZE: g_value_set_int (value, preset->min_scale_size);     break;
    case PROP_KEEP_COLORS:    g_value_set_boolean (value, preset->keep_colors);    break;
    case PROP_STYLE_SCALE:    g_value_set_double (value, preset->style_scale);     break;
    case PROP_TV_WEIGHT:      g_value_set_double (value, preset->tv_weight);       break;
    case PROP_INIT:           g_value_set_string (value, preset->init);            break;
    case PROP_SEED:           g_value_set_int (value, preset->seed);               break;
    default:
      if (property_id >= PROP_LAYER_WEIGHT_1 && property_id < N_PROPS)
        g_value_set_double (value, preset->layer_weights[property_id - PROP_LAYER_WEIGHT_1]);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, property_id, pspec);
      break;
    }
}

static void
neural_style_preset_class_init (NeuralStylePresetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ns_params     defaults;
  gint          i;

  object_class->finalize     = neural_style_preset_finalize;
  object_class->set_property = neural_style_preset_set_property;
  object_class->get_property = neural_style_preset_get_property;

  /* A setting a preset file leaves out takes the engine's default. */
  ns_params_init (&defaults);

  GIMP_CONFIG_PROP_STRING (object_class, PROP_NAME, "name",
                           "Name", NULL, NULL, 0);
  GIMP_CONFIG_PROP_DOUBLE (object_class, PROP_CONTENT_WEIGHT, "content-weight",
                           NULL, NULL, 0.0, NEURAL_STYLE_CONTENT_WEIGHT_MAX,
                           defaults.content_weight, 0);
  GIMP_CONFIG_PROP_DOUBLE (object_class, PROP_STYLE_WEIGHT, "style-weight",
                           NULL, NULL, 0.0, NEURAL_STYLE_STYLE_WEIGHT_MAX,
                           defaults.style_weight, 0);
  GIMP_CONFIG_PROP_DOUBLE (object_class, PROP_LEARNING_RATE, "learning-rate",
                           NULL, NULL,
                           NEURAL_STYLE_LEARNING_RATE_MIN,
                           NEURAL_STYLE_LEARNING_RATE_MAX,
                           defaults.learning_rate, 0);
  GIMP_CONFIG_PROP_INT (object_class, PROP_ITERATIONS, "iterations",
                        NULL, NULL, 1, NS_MAX_ITERATIONS,
                        defaults.iterations, 0);
  GIMP_CONFIG_PROP_STRING (object_class, PROP_OPTIMIZER, "optimizer",
                           NULL, NULL,
                           defaults.optimizer == NS_OPTIMIZER_ADAM ?
                           NEURAL_STYLE_OPTIMIZER_ADAM :
                           NEURAL_STYLE_OPTIMIZER_LBFGS, 0);
  GIMP_CONFIG_PROP_STRING (object_class, PROP_LAYER_SET, "layer-set",
                           NULL, NULL,
                           defaults.layer_set == NS_LAYERS_SEED ?
                           NEURAL_STYLE_LAYERS_SEED :
                           NEURAL_STYLE_LAYERS_PAPER, 0);
  GIMP_CONFIG_PROP_INT (object_class, PROP_MAX_SIZE, "max-size",
                        NULL, NULL, 0, NS_MAX_WORKING_SIZE,
                        defaults.max_size, 0);
  GIMP_CONFIG_PROP_BOOLEAN (object_class, PROP_MULTI_SCALE, "multi-scale",
                            NULL, NULL, defaults.multi_scale != 0, 0);
  GIMP_CONFIG_PROP_INT (object_class, PROP_MIN_SCALE_SIZE, "min-scale-size",
                        NULL, NULL,
                        NEURAL_STYLE_MIN_SCALE_SIZE_MIN, NS_MAX_WORKING_SIZE,
                        defaults.min_scale_size, 0);
  GIMP_CONFIG_PROP_BOOLEAN (object_class, PROP_KEEP_COLORS, "keep-colors",
                            NULL, NULL, defaults.keep_colors != 0, 0);
  GIMP_CONFIG_PROP_DOUBLE (object_class, PROP_STYLE_SCALE, "style-scale",
                           NULL, NULL,
                           NEURAL_STYLE_STYLE_SCALE_MIN,
                           NEURAL_STYLE_STYLE_SCALE_MAX,
                           defaults.style_scale, 0);
  GIMP_CONFIG_PROP_DOUBLE (object_class, PROP_TV_WEIGHT, "tv-weight",
                           NULL, NULL, 0.0, NEURAL_STYLE_TV_WEIGHT_MAX,
                           defaults.tv_weight, 0);
  GIMP_CONFIG_PROP_STRING (object_class, PROP_INIT, "init",
                           NULL, NULL,
                           defaults.init == NS_INIT_NOISE ? NEURAL_STYLE_INIT_NOISE :
                           defaults.init == NS_INIT_STYLE ? NEURAL_STYLE_INIT_STYLE :
                           NEURAL_STYLE_INIT_CONTENT, 0);
  GIMP_CONFIG_PROP_INT (object_class, PROP_SEED, "seed",
                        NULL, NULL, 0, NEURAL_STYLE_SEED_MAX,
                        (gint) MIN (defaults.seed, (unsigned) NEURAL_STYLE_SEED_MAX), 0);

  for (i = 0; i < NS_STYLE_LAYER_COUNT; i++)
    GIMP_CONFIG_PROP_DOUBLE (object_class, PROP_LAYER_WEIGHT_1 + i,
                             setting_names[PROP_LAYER_WEIGHT_1 - PROP_CONTENT_WEIGHT + i],
                             NULL, NULL, 0.0, NEURAL_STYLE_LAYER_WEIGHT_MAX,
                             defaults.style_layer_weights[i], 0);
}

static void
neural_style_preset_init (NeuralStylePreset *preset)
{
}

const gchar * const *
neural_style_preset_setting_names (void)
{
  return setting_names;
}

NeuralStylePreset *
neural_style_preset_new_from_config (const gchar *name,
                                     GObject     *config)
{
  NeuralStylePreset *preset;

  preset = g_object_new (NEURAL_STYLE_TYPE_PRESET, "name", name, NULL);
  if (config)
    copy_settings (config, G_OBJECT (preset));

  return preset;
}

/* Copies the settings that both objects have, by name. */
static void
copy_settings (GObject *src,
               GObject *dest)
{
  GObjectClass *src_class  = G_OBJECT_GET_CLASS (src);
  GObjectClass *dest_class = G_OBJECT_GET_CLASS (dest);
  gint          i;

  g_object_freeze_notify (dest);
  for (i = 0; setting_names[i]; i++)
    {
      GParamSpec *src_spec  = g_object_class_find_property (src_class, setting_names[i]);
      GParamSpec *dest_spec = g_object_class_find_property (dest_class, setting_names[i]);
      GValue      value     = G_VALUE_INIT;

      if (! src_spec || ! dest_spec ||
          src_spec->value_type != dest_spec->value_type)
        continue;

      g_value_init (&value, src_spec->value_type);
      g_object_get_property (src, setting_names[i], &value);
      g_object_set_property (dest, setting_names[i], &value);
      g_value_unset (&value);
    }
  g_object_thaw_notify (dest);
}

void
neural_style_preset_apply (NeuralStylePreset *preset,
                           GObject           *config)
{
  g_return_if_fail (NEURAL_STYLE_IS_PRESET (preset));

  copy_settings (G_OBJECT (preset), config);
}

gboolean
neural_style_preset_matches (NeuralStylePreset *preset,
                             GObject           *config)
{
  GObjectClass *config_class = G_OBJECT_GET_CLASS (config);
  gboolean      equal        = TRUE;
  gint          i;

  g_return_val_if_fail (NEURAL_STYLE_IS_PRESET (preset), FALSE);

  for (i = 0; setting_names[i] && equal; i++)
    {
      GParamSpec *spec = g_object_class_find_property (config_class, setting_names[i]);
      GValue      a    = G_VALUE_INIT;
      GValue      b    = G_VALUE_INIT;

      if (! spec)
        continue;

      g_value_init (&a, spec->value_type);
      g_value_init (&b, spec->value_type);
      g_object_get_property (G_OBJECT (preset), setting_names[i], &a);
      g_object_get_property (config, setting_names[i], &b);
      equal = (g_param_values_cmp (spec, &a, &b) == 0);
      g_value_unset (&a);
      g_value_unset (&b);
    }

  return equal;
}

NeuralStylePreset *
neural_style_preset_load (const gchar  *path,
                          gboolean      shipped,
                          GError      **error)
{
  NeuralStylePreset *preset;
  GFile             *file;

  preset = g_object_new (NEURAL_STYLE_TYPE_PRESET, NULL);
  file = g_file_new_for_path (path);

  if (! gimp_config_deserialize_file (GIMP_CONFIG (preset), file, NULL, error))
    {
      g_object_unref (file);
      g_object_unref (preset);
      return NULL;
    }
  g_object_unref (file);

  if (! preset->name || ! *preset->name)
    {
      gchar *base = g_path_get_basename (path);

      /* A nameless preset is named after its file. */
      if (g_str_has_suffix (base, NEURAL_STYLE_PRESET_SUFFIX))
        base[strlen (base) - strlen (NEURAL_STYLE_PRESET_SUFFIX)] = '\0';
      g_free (preset->name);
      preset->name = base;
    }

  preset->path    = g_strdup (path);
  preset->shipped = shipped;

  return preset;
}

/* The preset files of dir, sorted by file name. */
static GList *
preset_files (const gchar *dir)
{
  GDir        *gdir;
  const gchar *entry;
  GList       *files = NULL;

  if (! dir || ! (gdir = g_dir_open (dir, 0, NULL)))
    return NULL;

  while ((entry = g_dir_read_name (gdir)))
    if (g_str_has_suffix (entry, NEURAL_STYLE_PRESET_SUFFIX) && entry[0] != '.')
      files = g_list_prepend (files, g_build_filename (dir, entry, NULL));
  g_dir_close (gdir);

  return g_list_sort (files, (GCompareFunc) strcmp);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (NEURAL_STYLE_PRESET ((gpointer) a)->name,
                         NEURAL_STYLE_PRESET ((gpointer) b)->name);
}

static GList *
load_dir (const gchar *dir,
          gboolean     shipped)
{
  GList *files = preset_files (dir);
  GList *presets = NULL;
  GList *iter;

  for (iter = files; iter; iter = iter->next)
    {
      GError            *error  = NULL;
      NeuralStylePreset *preset = neural_style_preset_load (iter->data, shipped, &error);

      if (preset)
        presets = g_list_prepend (presets, preset);
      else
        {
          g_warning ("neural-style: skipping the preset '%s': %s",
                     (const gchar *) iter->data, error->message);
          g_clear_error (&error);
        }
    }
  g_list_free_full (files, g_free);

  return g_list_reverse (presets);
}

GList *
neural_style_presets_list (const gchar *shipped_dir,
                           const gchar *user_dir)
{
  GList *shipped = load_dir (shipped_dir, TRUE);
  GList *user    = g_list_sort (load_dir (user_dir, FALSE), compare_names);

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
  GString     *stem = g_string_new (NULL);
  const gchar *p;

  for (p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || strchr ("/\\:*?\"<>|", (gchar) c) != NULL ||
          (stem->len == 0 && c == '.'))
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
neural_style_preset_save (NeuralStylePreset  *preset,
                          const gchar        *user_dir,
                          GError            **error)
{
  GList   *existing;
  GList   *iter;
  gchar   *path = NULL;
  GFile   *file;
  gboolean success;

  g_return_val_if_fail (NEURAL_STYLE_IS_PRESET (preset), FALSE);

  if (! preset->name || ! *g_strstrip (preset->name))
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           _("A preset needs a name."));
      return FALSE;
    }

  if (g_mkdir_with_parents (user_dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   _("Could not create the folder '%s': %s"),
                   user_dir, g_strerror (errno));
      return FALSE;
    }

  /* The same name replaces the user's preset of that name. */
  existing = load_dir (user_dir, FALSE);
  for (iter = existing; iter && ! path; iter = iter->next)
    if (strcmp (NEURAL_STYLE_PRESET (iter->data)->name, preset->name) == 0)
      path = g_strdup (NEURAL_STYLE_PRESET (iter->data)->path);
  g_list_free_full (existing, g_object_unref);

  if (! path)
    {
      gchar *stem = file_stem (preset->name);
      gint   n;

      for (n = 1; ! path; n++)
        {
          gchar *base = n == 1 ?
                        g_strconcat (stem, NEURAL_STYLE_PRESET_SUFFIX, NULL) :
                        g_strdup_printf ("%s-%d%s", stem, n, NEURAL_STYLE_PRESET_SUFFIX);

          path = g_build_filename (user_dir, base, NULL);
          g_free (base);
          if (g_file_test (path, G_FILE_TEST_EXISTS))
            g_clear_pointer (&path, g_free);
        }
      g_free (stem);
    }

  file = g_file_new_for_path (path);
  success = gimp_config_serialize_to_file (GIMP_CONFIG (preset), file,
                                           "GIMP Neural Style preset",
                                           "end of preset", NULL, error);
  g_object_unref (file);

  if (success)
    {
      g_free (preset->path);
      preset->path    = path;
      preset->shipped = FALSE;
    }
  else
    g_free (path);

  return success;
}

gboolean
neural_style_preset_delete (NeuralStylePreset  *preset,
                            GError            **error)
{
  g_return_val_if_fail (NEURAL_STYLE_IS_PRESET (preset), FALSE);

  if (preset->shipped || ! preset->path)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                   _("The preset '%s' comes with the plug-in and cannot be deleted."),
                   neural_style_preset_get_label (preset));
      return FALSE;
    }

  if (g_unlink (preset->path) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   _("Could not delete '%s': %s"),
                   preset->path, g_strerror (errno));
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

  return preset->shipped ? _(preset->name) : preset->name;
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
