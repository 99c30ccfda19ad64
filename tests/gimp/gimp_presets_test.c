/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The named presets (ui/neural-style-presets.c) without a running GIMP:
 * gimp-presets-test SHIPPED_PRESETS_DIR LOCALE_DIR
 *
 * Loads the shipped presets and checks their names and values, then saves,
 * lists, replaces, applies and deletes user presets in a throw-away GIMP
 * profile ($GIMP3_DIRECTORY), against a stand-in for the procedure's config
 * that also has a style layer, a style file and a weights file, which a
 * preset must never store.  LOCALE_DIR holds the compiled catalogs
 * (<lang>/LC_MESSAGES/gimp-neural-style.mo) for the translated names. */

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <libintl.h>

#include "neural_style.h"
#include "ns_settings.h"
#include "neural-style-presets.h"

/*  A stand-in for the GimpProcedureConfig: the settings, and the inputs.  */

typedef struct
{
  GObject parent_instance;
  GValue values[64];
} FakeConfig;
typedef struct
{
  GObjectClass parent_class;
} FakeConfigClass;

GType fake_config_get_type (void);
G_DEFINE_TYPE (FakeConfig, fake_config, G_TYPE_OBJECT)

static guint n_fake_props;

static void
fake_config_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  g_value_copy (value, &((FakeConfig *) object)->values[id]);
}

static void
fake_config_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  g_value_copy (&((FakeConfig *) object)->values[id], value);
}

static void
fake_config_finalize (GObject *object)
{
  FakeConfig *config = (FakeConfig *) object;

  for (guint i = 1; i <= n_fake_props; i++)
    g_value_unset (&config->values[i]);
  G_OBJECT_CLASS (fake_config_parent_class)->finalize (object);
}

static void
fake_config_class_init (FakeConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamSpec *specs[64];
  guint n = 0;

  object_class->set_property = fake_config_set_property;
  object_class->get_property = fake_config_get_property;
  object_class->finalize = fake_config_finalize;

#define RW G_PARAM_READWRITE
  specs[n++] = g_param_spec_object ("style-layer", NULL, NULL, G_TYPE_OBJECT, RW);
  specs[n++] = g_param_spec_object ("style-file", NULL, NULL, G_TYPE_FILE, RW);
  specs[n++] = g_param_spec_object ("weights-file", NULL, NULL, G_TYPE_FILE, RW);
  specs[n++] = g_param_spec_string ("style-source", NULL, NULL, "layer", RW);
  /* The settings as the procedure declares them (choices are strings). */
  for (gint i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *st = &ns_settings[i];

      switch (st->type)
        {
        case NS_SETTING_DOUBLE:
          specs[n++] = g_param_spec_double (st->name, NULL, NULL, st->min, st->max,
                                            st->default_value, RW);
          break;
        case NS_SETTING_INT:
          specs[n++] = g_param_spec_int (st->name, NULL, NULL, (gint) st->min, (gint) st->max,
                                         (gint) st->default_value, RW);
          break;
        case NS_SETTING_BOOLEAN:
          specs[n++] = g_param_spec_boolean (st->name, NULL, NULL, st->default_value != 0.0, RW);
          break;
        case NS_SETTING_CHOICE:
          specs[n++] = g_param_spec_string (st->name, NULL, NULL, ns_setting_default_nick (st), RW);
          break;
        }
    }
#undef RW
  g_assert (n < G_N_ELEMENTS (specs));

  for (guint i = 0; i < n; i++)
    g_object_class_install_property (object_class, i + 1, specs[i]);
  n_fake_props = n;
}

static void
fake_config_init (FakeConfig *config)
{
  GParamSpec **specs;
  guint n;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (config), &n);
  for (guint i = 0; i < n; i++)
    {
      GValue *value = &config->values[specs[i]->param_id];

      g_value_init (value, specs[i]->value_type);
      g_param_value_set_default (specs[i], value);
    }
  g_free (specs);
}

/*  Helpers  */

/* ui/presets/ */
#define SHIPPED_PRESETS 5

static gchar *shipped_dir;
static gchar *profile_dir;

static GList *
list_presets (void)
{
  gchar *user_dir = neural_style_presets_user_dir ();
  GList *list = neural_style_presets_list (shipped_dir, user_dir);

  g_free (user_dir);
  return list;
}

static NeuralStylePreset *
find_preset (GList *list, const gchar *name)
{
  for (; list; list = list->next)
    if (g_strcmp0 (neural_style_preset_get_name (list->data), name) == 0)
      return list->data;
  return NULL;
}

static gint
count_user_presets (GList *list)
{
  gint n = 0;

  for (; list; list = list->next)
    n += !neural_style_preset_is_shipped (list->data);
  return n;
}

/*  Tests  */

static void
test_shipped (void)
{
  GList *list = list_presets ();
  const gchar *names[] = { "Paper (L-BFGS)", "Adam, last ReLU of each block", "Quick preview",
                           "High quality", "Print (full resolution)" };
  NeuralStylePreset *preset;
  FakeConfig *config;
  ns_params d;
  gchar *optimizer, *layer_set;
  gdouble style_weight, learning_rate;
  gint iterations, max_size, detail_size;
  gboolean multi_scale;

  ns_params_init (&d);
  g_assert_cmpint (G_N_ELEMENTS (names), ==, SHIPPED_PRESETS);
  g_assert_cmpint (g_list_length (list), ==, G_N_ELEMENTS (names));
  for (gint i = 0; i < (gint) G_N_ELEMENTS (names); i++)
    {
      preset = g_list_nth_data (list, i);
      g_assert_cmpstr (neural_style_preset_get_name (preset), ==, names[i]);
      g_assert_true (neural_style_preset_is_shipped (preset));
    }

  /* "Paper (L-BFGS)" is the engine's defaults: a fresh config matches it,
   * and no other. */
  config = g_object_new (fake_config_get_type (), NULL);
  g_assert_true (
      neural_style_preset_matches (find_preset (list, "Paper (L-BFGS)"), G_OBJECT (config)));
  g_assert_false (neural_style_preset_matches (find_preset (list, "Adam, last ReLU of each block"),
                                               G_OBJECT (config)));
  g_assert_false (
      neural_style_preset_matches (find_preset (list, "Quick preview"), G_OBJECT (config)));
  g_assert_false (neural_style_preset_matches (find_preset (list, "High quality"), G_OBJECT (config)));

  g_object_get (find_preset (list, "Adam, last ReLU of each block"), "optimizer", &optimizer,
                "layer-set", &layer_set, "learning-rate", &learning_rate, "style-weight",
                &style_weight, NULL);
  g_assert_cmpstr (optimizer, ==, "adam");
  g_assert_cmpstr (layer_set, ==, "block-last");
  g_assert_cmpfloat_with_epsilon (learning_rate, 0.02, 1e-12);
  g_assert_cmpfloat_with_epsilon (style_weight, 3.0, 1e-12);
  g_free (optimizer);
  g_free (layer_set);

  /* the layer's own size, fine strokes only above 512 px */
  g_object_get (find_preset (list, "Print (full resolution)"), "max-size", &max_size, "detail-size",
                &detail_size, NULL);
  g_assert_cmpint (max_size, ==, 0);
  g_assert_cmpint (detail_size, ==, 512);

  g_object_get (find_preset (list, "Quick preview"), "max-size", &max_size, "iterations",
                &iterations, "multi-scale", &multi_scale, NULL);
  g_assert_cmpint (max_size, ==, 256);
  g_assert_cmpint (iterations, ==, 40);
  g_assert_false (multi_scale);

  g_object_get (find_preset (list, "High quality"), "max-size", &max_size, "iterations",
                &iterations, "multi-scale", &multi_scale, NULL);
  g_assert_cmpint (max_size, ==, 1024);
  g_assert_cmpint (iterations, ==, 200);
  g_assert_true (multi_scale);

  /* Applying one sets the config to it. */
  neural_style_preset_apply (find_preset (list, "High quality"), G_OBJECT (config));
  g_object_get (config, "max-size", &max_size, "iterations", &iterations, NULL);
  g_assert_cmpint (max_size, ==, 1024);
  g_assert_cmpint (iterations, ==, 200);
  g_assert_true (neural_style_preset_matches (find_preset (list, "High quality"), G_OBJECT (config)));
  g_assert_false (
      neural_style_preset_matches (find_preset (list, "Paper (L-BFGS)"), G_OBJECT (config)));

  /* Shipped presets cannot be deleted. */
  {
    GError *error = NULL;

    g_assert_false (neural_style_preset_delete (find_preset (list, "Quick preview"), &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  g_object_unref (config);
  g_list_free_full (list, g_object_unref);
}

static void
test_user_presets (void)
{
  const gchar *name = "Mon préréglage 风格 / 1";
  FakeConfig *config = g_object_new (fake_config_get_type (), NULL);
  FakeConfig *other = g_object_new (fake_config_get_type (), NULL);
  GObject *layer = g_object_new (G_TYPE_OBJECT, NULL);
  GFile *file = g_file_new_for_path ("/some/where/painting.png");
  NeuralStylePreset *preset;
  NeuralStylePreset *saved;
  GError *error = NULL;
  GList *list;
  gchar *user_dir = neural_style_presets_user_dir ();
  gchar *contents;
  gchar *path;
  gchar *init;
  gint seed;

  g_assert_true (g_str_has_prefix (user_dir, profile_dir));

  /* The inputs are set too: they must not reach the file. */
  g_object_set (config, "style-layer", layer, "style-file", file, "weights-file", file,
                "style-source", "file", "content-weight", 2.5, "style-weight", 7.0, "learning-rate",
                0.001, "iterations", 321, "optimizer", "adam", "layer-set", "block-last",
                "max-size", 384, "multi-scale", FALSE, "min-scale-size", 64, "keep-colors", TRUE,
                "style-scale", 0.75, "tv-weight", 0.005, "init", "noise", "seed", 42,
                "style-layer-weight-3", 0.25, NULL);

  preset = neural_style_preset_new_from_config (name, G_OBJECT (config));
  g_assert_true (neural_style_preset_save (preset, user_dir, &error));
  g_assert_no_error (error);
  path = g_strdup (neural_style_preset_get_path (preset));
  g_assert_true (g_str_has_prefix (path, user_dir));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  /* The '/' in the name made no folder. */
  {
    gchar *dir = g_path_get_dirname (path);

    g_assert_cmpstr (dir, ==, user_dir);
    g_free (dir);
  }

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_test_message ("preset file:\n%s", contents);
  g_assert_nonnull (strstr (contents, "(iterations 321)"));
  g_assert_nonnull (strstr (contents, "(optimizer \"adam\")"));
  g_assert_null (strstr (contents, "style-layer "));
  g_assert_null (strstr (contents, "style-file"));
  g_assert_null (strstr (contents, "weights-file"));
  g_assert_null (strstr (contents, "style-source"));
  g_assert_null (strstr (contents, "painting.png"));
  g_free (contents);

  /* Listed after the shipped ones, with the same values. */
  list = list_presets ();
  g_assert_cmpint (g_list_length (list), ==, SHIPPED_PRESETS + 1);
  saved = g_list_last (list)->data;
  g_assert_cmpstr (neural_style_preset_get_name (saved), ==, name);
  g_assert_cmpstr (neural_style_preset_get_label (saved), ==, name);
  g_assert_false (neural_style_preset_is_shipped (saved));
  g_assert_true (neural_style_preset_matches (saved, G_OBJECT (config)));

  /* Applied to another config, it sets every setting and no input. */
  g_assert_false (neural_style_preset_matches (saved, G_OBJECT (other)));
  neural_style_preset_apply (saved, G_OBJECT (other));
  g_assert_true (neural_style_preset_matches (saved, G_OBJECT (other)));
  g_object_get (other, "init", &init, "seed", &seed, NULL);
  g_assert_cmpstr (init, ==, "noise");
  g_assert_cmpint (seed, ==, 42);
  g_free (init);
  {
    GObject *got_layer = NULL;
    GFile *got_file = NULL;
    gchar *source = NULL;

    g_object_get (other, "style-layer", &got_layer, "style-file", &got_file, "style-source",
                  &source, NULL);
    g_assert_null (got_layer);
    g_assert_null (got_file);
    g_assert_cmpstr (source, ==, "layer");
    g_free (source);
  }

  /* A change makes it no longer match. */
  g_object_set (other, "learning-rate", 0.002, NULL);
  g_assert_false (neural_style_preset_matches (saved, G_OBJECT (other)));
  g_list_free_full (list, g_object_unref);

  /* Saving under the same name replaces it. */
  g_object_unref (preset);
  g_object_set (config, "iterations", 99, NULL);
  preset = neural_style_preset_new_from_config (name, G_OBJECT (config));
  g_assert_true (neural_style_preset_save (preset, user_dir, &error));
  g_assert_cmpstr (neural_style_preset_get_path (preset), ==, path);
  list = list_presets ();
  g_assert_cmpint (count_user_presets (list), ==, 1);
  g_assert_true (neural_style_preset_matches (g_list_last (list)->data, G_OBJECT (config)));
  g_list_free_full (list, g_object_unref);
  g_object_unref (preset);

  /* A second name makes a second preset, sorted by name. */
  preset = neural_style_preset_new_from_config ("A first one", G_OBJECT (other));
  g_assert_true (neural_style_preset_save (preset, user_dir, &error));
  g_object_unref (preset);
  list = list_presets ();
  g_assert_cmpint (count_user_presets (list), ==, 2);
  g_assert_cmpstr (neural_style_preset_get_name (g_list_nth_data (list, SHIPPED_PRESETS)), ==,
                   "A first one");

  /* Deleting removes the file and the entry. */
  g_assert_true (neural_style_preset_delete (find_preset (list, name), &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_list_free_full (list, g_object_unref);
  list = list_presets ();
  g_assert_cmpint (count_user_presets (list), ==, 1);
  g_assert_null (find_preset (list, name));
  g_list_free_full (list, g_object_unref);

  /* A preset needs a name. */
  preset = neural_style_preset_new_from_config ("  ", G_OBJECT (config));
  g_assert_false (neural_style_preset_save (preset, user_dir, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_object_unref (preset);

  g_free (path);
  g_free (user_dir);
  g_object_unref (file);
  g_object_unref (layer);
  g_object_unref (other);
  g_object_unref (config);
}

static void
test_broken_file_skipped (void)
{
  gchar *user_dir = neural_style_presets_user_dir ();
  gchar *path = g_build_filename (user_dir, "broken" NEURAL_STYLE_PRESET_SUFFIX, NULL);
  GList *list;
  gint before;

  list = list_presets ();
  before = count_user_presets (list);
  g_list_free_full (list, g_object_unref);

  g_assert_true (g_file_set_contents (path, "(iterations \"many\"", -1, NULL));
  g_test_expect_message ("neural-style", G_LOG_LEVEL_WARNING, "*skipping the preset*broken*");
  list = list_presets ();
  g_test_assert_expected_messages ();
  g_assert_cmpint (count_user_presets (list), ==, before);
  g_list_free_full (list, g_object_unref);

  g_unlink (path);
  g_free (path);
  g_free (user_dir);
}

/* A preset written before the settings table named the last-ReLU layer set
 * "seed": it loads with the current nick, and every property is a row of
 * the table. */
static void
test_old_layer_set_name (void)
{
  gchar *dir = g_dir_make_tmp ("neural-style-old-preset-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "old" NEURAL_STYLE_PRESET_SUFFIX, NULL);
  NeuralStylePreset *preset;
  GError *error = NULL;
  gchar *layer_set = NULL;

  g_assert_true (g_file_set_contents (path, "(name \"Old\")\n(layer-set \"seed\")\n", -1, NULL));
  preset = neural_style_preset_load (path, FALSE, &error);
  g_assert_no_error (error);
  g_object_get (preset, "layer-set", &layer_set, NULL);
  g_assert_cmpstr (layer_set, ==, "block-last");
  g_free (layer_set);

  g_assert_cmpint (g_strv_length ((gchar **) neural_style_preset_setting_names ()), ==,
                   ns_settings_count);

  g_object_unref (preset);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

static void
test_translated_names (void)
{
  GList *list;
  const gchar *label;

  if (!setlocale (LC_ALL, "de_DE.UTF-8"))
    {
      g_test_skip ("no de_DE.UTF-8 locale");
      return;
    }
  g_setenv ("LANGUAGE", "de", TRUE);

  list = list_presets ();
  label = neural_style_preset_get_label (find_preset (list, "Quick preview"));
  g_test_message ("'Quick preview' in German: %s", label);
  g_assert_cmpstr (label, ==, "Schnelle Vorschau");
  g_list_free_full (list, g_object_unref);

  setlocale (LC_ALL, "C.UTF-8");
  g_unsetenv ("LANGUAGE");
}

int
main (int argc, char **argv)
{
  gint status;

  g_test_init (&argc, &argv, NULL);

  if (argc < 3)
    {
      g_printerr ("usage: gimp-presets-test SHIPPED_PRESETS_DIR LOCALE_DIR\n");
      return 2;
    }
  shipped_dir = argv[1];
  bindtextdomain ("gimp-neural-style", argv[2]);
  bind_textdomain_codeset ("gimp-neural-style", "UTF-8");

  profile_dir = g_dir_make_tmp ("neural-style-presets-XXXXXX", NULL);
  g_setenv ("GIMP3_DIRECTORY", profile_dir, TRUE);

  g_test_add_func ("/presets/shipped", test_shipped);
  g_test_add_func ("/presets/user", test_user_presets);
  g_test_add_func ("/presets/broken-file-skipped", test_broken_file_skipped);
  g_test_add_func ("/presets/old-layer-set-name", test_old_layer_set_name);
  g_test_add_func ("/presets/translated-names", test_translated_names);
  status = g_test_run ();

  {
    gchar *command = g_strdup_printf ("rm -rf '%s'", profile_dir);

    if (system (command) != 0)
      g_printerr ("could not remove %s\n", profile_dir);
    g_free (command);
  }

  return status;
}
