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

#define _GNU_SOURCE
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

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
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  GList *list = neural_style_presets_list (shipped_dir, user_dir, problems);

  g_assert_cmpuint (problems->len, ==, 0);
  g_ptr_array_unref (problems);
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
  g_assert_cmpfloat_with_epsilon (style_weight, 1.0, 1e-12);
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
  g_assert_cmpint (iterations, ==, 60);
  g_assert_true (multi_scale);

  /* Applying one sets the config to it. */
  neural_style_preset_apply (find_preset (list, "High quality"), G_OBJECT (config));
  g_object_get (config, "max-size", &max_size, "iterations", &iterations, NULL);
  g_assert_cmpint (max_size, ==, 1024);
  g_assert_cmpint (iterations, ==, 60);
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
                "max-size", 384, "multi-scale", FALSE, "min-scale-size", 64, "colors",
                "match-style", "style-scale", 0.75, "tv-weight", 0.005, "init", "noise", "seed", 42,
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
  g_assert_nonnull (strstr (contents, "(colors \"match-style\")"));
  g_assert_null (strstr (contents, "keep-colors"));
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

/*  Hostile preset files  */

typedef struct
{
  gchar *file;    /* base name */
  gboolean loads; /* with a warning */
  gchar *expect;  /* a part of its one message */
  gchar *also;    /* and another, or NULL */
} HostileFile;

static GPtrArray *hostile_files;

static void
hostile_file_free (gpointer data)
{
  HostileFile *h = data;

  g_free (h->file);
  g_free (h->expect);
  g_free (h->also);
  g_free (h);
}

static void
write_file (const gchar *dir, const gchar *file, const gchar *contents, gssize length)
{
  gchar *path = g_build_filename (dir, file, NULL);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  g_free (path);
}

/* Writes a preset file into dir (unless contents is NULL) and notes what
 * loading it must say. */
static void
add_hostile (const gchar *dir, const gchar *file, const gchar *contents, gssize length,
             gboolean loads, const gchar *expect)
{
  HostileFile *h = g_new0 (HostileFile, 1);

  if (contents)
    write_file (dir, file, contents, length);
  h->file = g_strdup (file);
  h->loads = loads;
  h->expect = g_strdup (expect);
  g_ptr_array_add (hostile_files, h);
}

/* Values no number setting may take, as a preset file would hold them:
 * non-finite, overflowing, empty, junk and malformed. */
static const gchar *const bad_numbers[] = {
  "nan",
  "NaN",
  "inf",
  "-inf",
  "1e999",
  "-1e999",
  "1e39",
  "-1e39",
  "99999999999999999999",
  "-99999999999999999999",
  "\"\"",
  "\"5\"",
  "junk",
  "1,5",
  "1 2",
  "(1)",
  "",
  "--1",
  "0x",
  "1e",
};
/* And for whole numbers: fractions, and int's wrap-around. */
static const gchar *const bad_whole_numbers[] = {
  "1.5", "2147483648", "-2147483649", "4294967303", "-4294967295",
};

/* How the messages give a setting's range. */
static gchar *
range_text (const ns_setting *setting)
{
  return g_strdup_printf (setting->type == NS_SETTING_INT ? "whole number from %.15g to %.15g" :
                                                            "number from %g to %g",
                          setting->min, setting->max);
}

static void
add_bad_number (const gchar *dir, const ns_setting *setting, const gchar *text, gint k)
{
  gchar *file = g_strdup_printf ("bad-%s-%d.preset", setting->name, k);
  gchar *contents = g_strdup_printf ("(name \"Bad %s %d\")\n(%s %s)\n", setting->name, k,
                                     setting->name, text);
  gchar *range = range_text (setting);
  gchar *expect = g_strdup_printf ("line 2: %s ", setting->name);

  /* Every message names the setting and its range. */
  add_hostile (dir, file, contents, -1, FALSE, expect);
  ((HostileFile *) g_ptr_array_index (hostile_files, hostile_files->len - 1))->also = range;
  g_free (expect);
  g_free (contents);
  g_free (file);
}

static HostileFile *
hostile_named_in (const gchar *problem, const gchar *dir)
{
  guint i;

  for (i = 0; i < hostile_files->len; i++)
    {
      HostileFile *h = g_ptr_array_index (hostile_files, i);
      gchar *path = g_build_filename (dir, h->file, NULL);
      gchar *prefix = g_strconcat (path, ": ", NULL);
      gboolean named = g_str_has_prefix (problem, prefix);

      g_free (prefix);
      g_free (path);
      if (named)
        return h;
    }
  return NULL;
}

/* Binary junk, a 10 MB file, unknown keys, every out-of-range and
 * non-finite value of every number setting, wrong types, broken syntax, a
 * folder and a pipe named like presets: each one message naming the file
 * (and the setting, and its range where one is broken), and every good
 * preset, shipped or not, still loads. */
static void
test_hostile_files (void)
{
  gchar *dir = g_dir_make_tmp ("neural-style-hostile-XXXXXX", NULL);
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  GHashTable *told = g_hash_table_new (g_direct_hash, g_direct_equal);
  GList *list;
  GRand *rand = g_rand_new_with_seed (7);
  gchar junk[4096];
  GString *huge;
  gchar *path;
  gint k;
  gint i;
  guint n_loading = 0;
  gint setting_checks = 0;
  gint zeros_loading = 0;

  hostile_files = g_ptr_array_new_with_free_func (hostile_file_free);

  /* Good ones, among them. */
  write_file (dir, "good.preset", "(name \"Good\")\n(iterations 7)\n(tv-weight 0.5)\n", -1);
  write_file (dir, "empty.preset", "", 0);

  for (i = 0; i < (gint) sizeof junk; i++)
    junk[i] = (gchar) g_rand_int_range (rand, 0, 256);
  junk[100] = '\0';
  add_hostile (dir, "junk.preset", junk, sizeof junk, FALSE, "not a text file");
  add_hostile (dir, "latin1.preset", "(name \"Caf\xe9\")\n", -1, FALSE, "not a text file");

  huge = g_string_new ("(name \"Huge\")\n");
  while (huge->len < 10 * 1024 * 1024)
    g_string_append (huge, "# ten megabytes of text ...........................................\n");
  add_hostile (dir, "huge.preset", huge->str, (gssize) huge->len, FALSE, "too large");
  g_string_free (huge, TRUE);

  add_hostile (dir, "unknown.preset",
               "(name \"Unknown keys\")\n(colour-magic 3)\n(iterations 9)\n"
               "(future-thing (a \"b\" (c 1)))\n",
               -1, TRUE, "\"colour-magic\", \"future-thing\"");

  /* Every number setting: the bad values, below its minimum and above its
   * maximum; -0 is 0 (refused where 0 is out of range). */
  for (i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];
      gchar low[G_ASCII_DTOSTR_BUF_SIZE];
      gchar high[G_ASCII_DTOSTR_BUF_SIZE];
      gchar *file;
      gchar *contents;
      gchar *range;
      guint b;

      if (s->type != NS_SETTING_DOUBLE && s->type != NS_SETTING_INT)
        continue;
      k = 0;
      for (b = 0; b < G_N_ELEMENTS (bad_numbers); b++)
        add_bad_number (dir, s, bad_numbers[b], k++);
      if (s->type == NS_SETTING_INT)
        for (b = 0; b < G_N_ELEMENTS (bad_whole_numbers); b++)
          add_bad_number (dir, s, bad_whole_numbers[b], k++);

      /* Out of range: the message gives the range, as the table has it. */
      range = range_text (s);
      g_ascii_dtostr (low, sizeof low,
                      s->min - (s->type == NS_SETTING_INT ? 1 : fabs (s->min) * 0.5 + 1e-3));
      g_ascii_dtostr (high, sizeof high, s->max * 2 + 1);
      file = g_strdup_printf ("low-%s.preset", s->name);
      contents = g_strdup_printf ("(%s %s)\n", s->name, low);
      add_hostile (dir, file, contents, -1, FALSE, range);
      g_free (file);
      g_free (contents);
      file = g_strdup_printf ("high-%s.preset", s->name);
      contents = g_strdup_printf ("(%s %s)\n", s->name, high);
      add_hostile (dir, file, contents, -1, FALSE, range);
      g_free (file);
      g_free (contents);

      file = g_strdup_printf ("zero-%s.preset", s->name);
      contents = g_strdup_printf ("(name \"Zero %s\")\n(%s -0)\n", s->name, s->name);
      if (s->min <= 0.0)
        {
          write_file (dir, file, contents, -1);
          zeros_loading++;
        }
      else
        add_hostile (dir, file, contents, -1, FALSE, range);
      g_free (file);
      g_free (contents);
      g_free (range);
      setting_checks++;
    }
  g_test_message ("%d number settings, %u hostile files", setting_checks, hostile_files->len);
  g_assert_cmpint (setting_checks, >=, 14);

  /* Wrong types and broken syntax. */
  add_hostile (dir, "type-iterations.preset", "(iterations \"many\")", -1, FALSE,
               "iterations wants one whole number from 1 to");
  add_hostile (dir, "type-boolean.preset", "(multi-scale 3)", -1, FALSE,
               "multi-scale wants yes or no");
  add_hostile (dir, "type-choice.preset", "(optimizer 5)", -1, FALSE,
               "optimizer wants one of \"lbfgs\", \"adam\"");
  add_hostile (dir, "unknown-choice.preset", "(optimizer \"sgd\")", -1, FALSE, "\"lbfgs\"");
  add_hostile (dir, "type-name.preset", "(name 5)", -1, FALSE, "name wants a text");
  add_hostile (dir, "two-values.preset", "(iterations 5 6)", -1, FALSE, "iterations wants one whole");
  add_hostile (dir, "unclosed.preset", "(name \"Unclosed\")\n(iterations 5", -1, FALSE, "line 2");
  add_hostile (dir, "no-paren.preset", "iterations 5", -1, FALSE, "line 1");
  add_hostile (dir, "unclosed-unknown.preset", "(future (a b", -1, FALSE, "ends inside");
  add_hostile (dir, "unclosed-string.preset", "(name \"Open", -1, FALSE, "name");
  {
    gchar *long_name = g_strnfill (300, 'x');
    gchar *contents = g_strdup_printf ("(name \"%s\")", long_name);

    add_hostile (dir, "long-name.preset", contents, -1, FALSE, "longer than 200");
    g_free (contents);
    g_free (long_name);
  }

  /* Not files. */
  path = g_build_filename (dir, "folder.preset", NULL);
  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  add_hostile (dir, "folder.preset", NULL, 0, FALSE, "not a file");
  g_free (path);
  path = g_build_filename (dir, "pipe.preset", NULL);
  g_assert_cmpint (mkfifo (path, 0644), ==, 0);
  add_hostile (dir, "pipe.preset", NULL, 0, FALSE, "not a file");
  g_free (path);

  list = neural_style_presets_list (shipped_dir, dir, problems);

  /* One message per hostile file, naming it and saying what is wrong. */
  for (i = 0; i < (gint) problems->len; i++)
    {
      const gchar *problem = g_ptr_array_index (problems, i);
      HostileFile *h = hostile_named_in (problem, dir);

      g_test_message ("%s", problem);
      g_assert_nonnull (h);
      g_assert_false (g_hash_table_contains (told, h));
      g_hash_table_add (told, h);
      if (!strstr (problem, h->expect) || (h->also && !strstr (problem, h->also)))
        g_error ("the message for %s lacks \"%s\" or \"%s\": %s", h->file, h->expect,
                 h->also ? h->also : "", problem);
      /* A message is one line. */
      g_assert_null (strchr (problem, '\n'));
    }
  g_assert_cmpuint (problems->len, ==, hostile_files->len);

  /* Every good preset, and those with unknown settings, loaded. */
  for (i = 0; i < (gint) hostile_files->len; i++)
    n_loading += ((HostileFile *) g_ptr_array_index (hostile_files, i))->loads;
  g_assert_cmpint (g_list_length (list), ==, SHIPPED_PRESETS + 2 + n_loading + zeros_loading);
  g_assert_nonnull (find_preset (list, "Quick preview"));
  g_assert_nonnull (find_preset (list, "Good"));
  g_assert_nonnull (find_preset (list, "empty"));
  {
    NeuralStylePreset *p = find_preset (list, "Unknown keys");
    gint iterations = 0;

    g_assert_nonnull (p);
    g_object_get (p, "iterations", &iterations, NULL);
    g_assert_cmpint (iterations, ==, 9);
  }
  /* -0 loads as 0. */
  for (i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];
      gchar *name = g_strdup_printf ("Zero %s", s->name);
      NeuralStylePreset *p = find_preset (list, name);

      if ((s->type == NS_SETTING_DOUBLE || s->type == NS_SETTING_INT) && s->min <= 0.0)
        {
          GValue v = G_VALUE_INIT;

          g_assert_nonnull (p);
          g_value_init (&v, s->type == NS_SETTING_DOUBLE ? G_TYPE_DOUBLE : G_TYPE_INT);
          g_object_get_property (G_OBJECT (p), s->name, &v);
          if (s->type == NS_SETTING_DOUBLE)
            {
              g_assert_cmpfloat (g_value_get_double (&v), ==, 0.0);
              g_assert_false (signbit (g_value_get_double (&v)));
            }
          else
            g_assert_cmpint (g_value_get_int (&v), ==, 0);
          g_value_unset (&v);
        }
      else
        g_assert_null (p);
      g_free (name);
    }

  g_list_free_full (list, g_object_unref);
  g_hash_table_unref (told);
  g_ptr_array_unref (problems);
  g_ptr_array_unref (hostile_files);
  g_rand_free (rand);
  {
    gchar *command = g_strdup_printf ("rm -rf '%s'", dir);

    g_assert_cmpint (system (command), ==, 0);
    g_free (command);
  }
  g_free (dir);
}

static gint
count_entries (const gchar *dir)
{
  GDir *gdir = g_dir_open (dir, 0, NULL);
  const gchar *entry;
  gint n = 0;

  g_assert_nonnull (gdir);
  while ((entry = g_dir_read_name (gdir)))
    n++;
  g_dir_close (gdir);
  return n;
}

/* A preset named like a path loads under that name, and saving it writes
 * into the presets folder, nowhere else. */
static void
test_path_like_name (void)
{
  gchar *dir = g_dir_make_tmp ("neural-style-pathname-XXXXXX", NULL);
  gchar *user_dir = g_build_filename (dir, "profile", "presets", NULL);
  gchar *source = g_build_filename (dir, "source.preset", NULL);
  const gchar *names[] = { "../../../escaped", "/tmp/absolute", "..", "." };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      NeuralStylePreset *preset;
      GError *error = NULL;
      gchar *contents = g_strdup_printf ("(name \"%s\")\n(iterations 11)\n", names[i]);
      gchar *parent;
      GList *list;

      g_assert_true (g_file_set_contents (source, contents, -1, NULL));
      preset = neural_style_preset_load (source, FALSE, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (neural_style_preset_get_name (preset), ==, names[i]);
      g_assert_true (neural_style_preset_save (preset, user_dir, &error));
      g_assert_no_error (error);
      parent = g_path_get_dirname (neural_style_preset_get_path (preset));
      g_test_message ("\"%s\" saved as %s", names[i], neural_style_preset_get_path (preset));
      g_assert_cmpstr (parent, ==, user_dir);
      g_free (parent);
      g_object_unref (preset);

      list = neural_style_presets_list (NULL, user_dir, NULL);
      g_assert_cmpuint (g_list_length (list), ==, i + 1);
      g_assert_nonnull (find_preset (list, names[i]));
      g_list_free_full (list, g_object_unref);
      g_free (contents);
    }
  /* Nothing written beside the profile. */
  g_assert_cmpint (count_entries (dir), ==, 2);

  {
    gchar *command = g_strdup_printf ("rm -rf '%s'", dir);

    g_assert_cmpint (system (command), ==, 0);
    g_free (command);
  }
  g_free (source);
  g_free (user_dir);
  g_free (dir);
}

/*  Saving where it cannot be done  */

/* Whether this process has a mount namespace of its own to mount in
 * (made in main, before any thread). */
static gboolean own_mounts;

static gboolean
write_proc (const gchar *file, const gchar *text)
{
  return g_file_set_contents_full (file, text, -1, G_FILE_SET_CONTENTS_NONE, 0, NULL);
}

static gboolean
enter_mount_namespace (void)
{
  uid_t uid = geteuid ();
  gid_t gid = getegid ();

  /* Not in a chroot: a user namespace, where mounts never reach the
   * machine's.  In one (tools/gimp3-env, as root): a mount namespace whose
   * root is made private. */
  if (unshare (CLONE_NEWUSER | CLONE_NEWNS) == 0)
    {
      gchar *map = g_strdup_printf ("0 %u 1", (guint) uid);
      gboolean ok = write_proc ("/proc/self/setgroups", "deny") &&
                    write_proc ("/proc/self/uid_map", map);

      g_free (map);
      map = g_strdup_printf ("0 %u 1", (guint) gid);
      ok = ok && write_proc ("/proc/self/gid_map", map);
      g_free (map);
      return ok && mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
    }

  return uid == 0 && unshare (CLONE_NEWNS) == 0 &&
         mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
}

static gchar *
read_file (const gchar *path)
{
  gchar *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* A user preset "Kept" in user_dir, and its file's contents. */
static gchar *
save_kept_preset (const gchar *user_dir, gchar **contents)
{
  FakeConfig *config = g_object_new (fake_config_get_type (), NULL);
  NeuralStylePreset *preset;
  GError *error = NULL;
  gchar *path;

  g_object_set (config, "iterations", 123, NULL);
  preset = neural_style_preset_new_from_config ("Kept", G_OBJECT (config));
  g_assert_true (neural_style_preset_save (preset, user_dir, &error));
  g_assert_no_error (error);
  path = g_strdup (neural_style_preset_get_path (preset));
  *contents = read_file (path);
  g_object_unref (preset);
  g_object_unref (config);
  return path;
}

/* Saving a new preset, and replacing "Kept", both fail with a message
 * that says why (containing reason); "Kept" is unchanged and still loads,
 * and nothing is left behind. */
static void
check_saves_fail (const gchar *user_dir, const gchar *kept_path, const gchar *kept_contents,
                  const gchar *reason)
{
  FakeConfig *config = g_object_new (fake_config_get_type (), NULL);
  const gchar *names[] = { "New one", "Kept" };
  gint entries = count_entries (user_dir);
  GList *list;
  guint i;

  g_object_set (config, "iterations", 456, NULL);
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      NeuralStylePreset *preset = neural_style_preset_new_from_config (names[i], G_OBJECT (config));
      GError *error = NULL;
      gchar *now;

      g_assert_false (neural_style_preset_save (preset, user_dir, &error));
      g_assert_nonnull (error);
      g_test_message ("saving \"%s\": %s", names[i], error->message);
      g_assert_nonnull (strstr (error->message, reason));
      g_clear_error (&error);
      g_object_unref (preset);

      now = read_file (kept_path);
      g_assert_cmpstr (now, ==, kept_contents);
      g_free (now);
      g_assert_cmpint (count_entries (user_dir), ==, entries);
    }

  list = neural_style_presets_list (NULL, user_dir, NULL);
  g_assert_cmpuint (g_list_length (list), ==, 1);
  {
    gint iterations = 0;

    g_object_get (find_preset (list, "Kept"), "iterations", &iterations, NULL);
    g_assert_cmpint (iterations, ==, 123);
  }
  g_list_free_full (list, g_object_unref);
  g_object_unref (config);
}

static void
test_save_read_only (void)
{
  gchar *dir;
  gchar *user_dir;
  gchar *kept_path;
  gchar *kept_contents;

  if (!own_mounts)
    {
      g_test_skip ("no mount namespace of our own: cannot make a read-only folder");
      return;
    }

  dir = g_dir_make_tmp ("neural-style-read-only-XXXXXX", NULL);
  user_dir = g_build_filename (dir, "neural-style", "presets", NULL);
  kept_path = save_kept_preset (user_dir, &kept_contents);

  /* The whole profile read-only, as on a read-only medium. */
  g_assert_cmpint (mount (dir, dir, NULL, MS_BIND, NULL), ==, 0);
  g_assert_cmpint (mount (NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), ==, 0);
  check_saves_fail (user_dir, kept_path, kept_contents, g_strerror (EROFS));

  /* Without a presets folder yet: the folder cannot be made. */
  {
    gchar *fresh = g_build_filename (dir, "fresh", "presets", NULL);
    FakeConfig *config = g_object_new (fake_config_get_type (), NULL);
    NeuralStylePreset *preset = neural_style_preset_new_from_config ("New", G_OBJECT (config));
    GError *error = NULL;

    g_assert_false (neural_style_preset_save (preset, fresh, &error));
    g_test_message ("saving into a folder that cannot be made: %s", error->message);
    g_assert_nonnull (strstr (error->message, g_strerror (EROFS)));
    g_clear_error (&error);
    g_object_unref (preset);
    g_object_unref (config);
    g_free (fresh);
  }

  g_assert_cmpint (umount (dir), ==, 0);
  {
    gchar *command = g_strdup_printf ("rm -rf '%s'", dir);

    g_assert_cmpint (system (command), ==, 0);
    g_free (command);
  }
  g_free (kept_path);
  g_free (kept_contents);
  g_free (user_dir);
  g_free (dir);
}

static void
test_save_full (void)
{
  gchar *dir;
  gchar *user_dir;
  gchar *kept_path;
  gchar *kept_contents;
  gchar *filler;
  FILE *fill;
  gchar block[1024] = { 0 };

  if (!own_mounts)
    {
      g_test_skip ("no mount namespace of our own: cannot make a full disk");
      return;
    }

  /* A small disk of the profile's own, filled up once "Kept" is on it. */
  dir = g_dir_make_tmp ("neural-style-full-XXXXXX", NULL);
  g_assert_cmpint (mount ("none", dir, "tmpfs", 0, "size=64k"), ==, 0);
  user_dir = g_build_filename (dir, "neural-style", "presets", NULL);
  kept_path = save_kept_preset (user_dir, &kept_contents);

  filler = g_build_filename (dir, "filler", NULL);
  fill = fopen (filler, "wb");
  g_assert_nonnull (fill);
  while (fwrite (block, 1, sizeof block, fill) == sizeof block && fflush (fill) == 0)
    ;
  fclose (fill);

  check_saves_fail (user_dir, kept_path, kept_contents, g_strerror (ENOSPC));

  g_assert_cmpint (umount (dir), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_free (filler);
  g_free (kept_path);
  g_free (kept_contents);
  g_free (user_dir);
  g_free (dir);
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
  preset = neural_style_preset_load (path, FALSE, NULL, &error);
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

/* A preset saved by 0.1 says "(keep-colors yes)" or "(keep-colors no)":
 * it loads as colors "luminance" or "style", with no warning; anything
 * else there is refused. */
static void
test_old_keep_colors (void)
{
  static const struct
  {
    const gchar *text;
    const gchar *colors; /* NULL: refused */
  } cases[] = {
    { "(name \"Old\")\n(keep-colors yes)\n", "luminance" },
    { "(name \"Old\")\n(keep-colors true)\n", "luminance" },
    { "(name \"Old\")\n(colors \"histogram\")\n(keep-colors no)\n", "style" },
    { "(name \"Old\")\n(keep-colors maybe)\n", NULL },
    { "(name \"Old\")\n(keep-colors \"luminance\")\n", NULL },
  };
  gchar *dir = g_dir_make_tmp ("neural-style-old-preset-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "old" NEURAL_STYLE_PRESET_SUFFIX, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      NeuralStylePreset *preset;
      GError *error = NULL;
      gchar *warning = NULL;
      gchar *colors = NULL;

      g_assert_true (g_file_set_contents (path, cases[i].text, -1, NULL));
      preset = neural_style_preset_load (path, FALSE, &warning, &error);
      if (!cases[i].colors)
        {
          g_assert_null (preset);
          g_assert_nonnull (error);
          g_test_message ("refused: %s", error->message);
          g_assert_nonnull (strstr (error->message, "keep-colors"));
          g_clear_error (&error);
          continue;
        }
      g_assert_no_error (error);
      g_assert_null (warning);
      g_object_get (preset, "colors", &colors, NULL);
      g_assert_cmpstr (colors, ==, cases[i].colors);
      g_free (colors);
      g_object_unref (preset);
    }

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

  /* Before any thread: a namespace cannot be entered after. */
  own_mounts = enter_mount_namespace ();

  g_test_init (&argc, &argv, NULL);
  if (!own_mounts)
    g_test_message ("no mount namespace: %s", g_strerror (errno));

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
  g_test_add_func ("/presets/hostile-files", test_hostile_files);
  g_test_add_func ("/presets/path-like-name", test_path_like_name);
  g_test_add_func ("/presets/save-read-only", test_save_read_only);
  g_test_add_func ("/presets/save-full", test_save_full);
  g_test_add_func ("/presets/old-layer-set-name", test_old_layer_set_name);
  g_test_add_func ("/presets/old-keep-colors", test_old_keep_colors);
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
