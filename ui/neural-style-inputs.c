/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the styles and regions the procedure takes.
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
 * Each style's inputs are numbered arguments rather than arrays: a batch
 * script names the ones it uses (#:style-layer-2 l #:style-blend-2 0.5),
 * each style may have a region or not (an array of channels could not
 * leave one out), and the dialog shows every one of them (it has no
 * widget for arrays).
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <glib/gi18n-lib.h>

#include "neural-style-inputs.h"

#define FIELD(name) G_STRUCT_OFFSET (NeuralStyleStyleValues, name)

const NeuralStyleInput neural_style_inputs[] = {
  { .what = "source",
    .type = NEURAL_STYLE_INPUT_SOURCE,
    .offset = -1,
    .nick = N_ ("Style _from"),
    .first_blurb = N_ ("Take the style from a layer of an open image or from an image file"),
    .blurb = N_ ("Take the style from a layer of an open image or from an image file, or leave "
                 "it out") },
  { .what = "layer",
    .type = NEURAL_STYLE_INPUT_LAYER,
    .offset = FIELD (layer),
    .nick = N_ ("Style la_yer"),
    .first_blurb = N_ ("The layer whose look is painted onto your layer: a painting, a texture, "
                       "a photo.  It may belong to any open image (give this or style-file)"),
    .blurb = N_ ("The layer of style %d (of any open image); give this or style-file-%d, or "
                 "neither to leave the style out") },
  { .what = "file",
    .type = NEURAL_STYLE_INPUT_FILE,
    .offset = FIELD (file),
    .nick = N_ ("Style image file"),
    .first_blurb = N_ ("An image file whose look is painted onto your layer (give this or "
                       "style-layer)"),
    .blurb = N_ ("The image file of style %d (give this or style-layer-%d)") },
  { .what = "blend",
    .type = NEURAL_STYLE_INPUT_DOUBLE,
    .offset = FIELD (blend),
    .nick = N_ ("_Blend"),
    .min = NS_BLEND_MIN,
    .max = NS_BLEND_MAX,
    .value = 1.0,
    .blurb = N_ ("The share of style %d in the blend of the styles that paint the same place "
                 "(relative to the others' blends)") },
  { .what = "in-region",
    .type = NEURAL_STYLE_INPUT_SWITCH,
    .offset = -1,
    .nick = N_ ("Limit to _a region"),
    .blurb = N_ ("Paint this style only in a channel of the image: a saved selection or a layer "
                 "mask") },
  { .what = "region",
    .type = NEURAL_STYLE_INPUT_CHANNEL,
    .offset = FIELD (region),
    .nick = N_ ("Region"),
    .switched_by = "in-region",
    .blurb = N_ ("Where style %d paints: a channel of the image (a saved selection, a layer "
                 "mask).  None: wherever no style with a region paints") },
};

const gint neural_style_inputs_count = G_N_ELEMENTS (neural_style_inputs);

gchar *
neural_style_input_property (gint n, const gchar *what)
{
  return n == 1 ? g_strdup_printf ("style-%s", what) : g_strdup_printf ("style-%s-%d", what, n);
}

/* Style n's input of type as a property name (the table's first row of
 * that type: every type named here has one); g_free it. */
static gchar *
property_of (gint n, NeuralStyleInputType type)
{
  const NeuralStyleInput *input = neural_style_inputs;

  while (input->type != type)
    input++;
  return neural_style_input_property (n, input->what);
}

/* The first style's layer and file come before the settings. */
static gboolean
is_leading (const NeuralStyleInput *input, gint n)
{
  return n == 1 &&
         (input->type == NEURAL_STYLE_INPUT_LAYER || input->type == NEURAL_STYLE_INPUT_FILE);
}

/* Declares style n's input. */
static void
add_input (GimpProcedure *procedure, const NeuralStyleInput *input, gint n)
{
  gchar *name = neural_style_input_property (n, input->what);
  const gchar *nick = _ (input->nick);
  gchar *help = n == 1 && input->first_blurb ? g_strdup (_ (input->first_blurb)) :
                                               g_strdup_printf (_ (input->blurb), n, n);

  switch (input->type)
    {
    case NEURAL_STYLE_INPUT_SOURCE:
      /* The first style always has one. */
      gimp_procedure_add_choice_aux_argument (
          procedure, name, nick, help,
          n == 1 ? gimp_choice_new_with_values ("layer", NEURAL_STYLE_SOURCE_LAYER, _ ("A layer"),
                                                NULL, "file", NEURAL_STYLE_SOURCE_FILE,
                                                _ ("An image file"), NULL, NULL) :
                   gimp_choice_new_with_values ("none", NEURAL_STYLE_SOURCE_NONE, _ ("No style"),
                                                NULL, "layer", NEURAL_STYLE_SOURCE_LAYER,
                                                _ ("A layer"), NULL, "file", NEURAL_STYLE_SOURCE_FILE,
                                                _ ("An image file"), NULL, NULL),
          n == 1 ? "layer" : "none", G_PARAM_READWRITE);
      break;
    case NEURAL_STYLE_INPUT_LAYER:
      gimp_procedure_add_layer_argument (procedure, name, nick, help, TRUE, G_PARAM_READWRITE);
      break;
    case NEURAL_STYLE_INPUT_FILE:
      /* ACTION_ANY: with ACTION_OPEN, GIMP itself rejects a missing file
       * as an "out of range" value before the plug-in runs, and the
       * plug-in's own message says more.  The dialog shows an open
       * chooser. */
      gimp_procedure_add_file_argument (procedure, name, nick, help, GIMP_FILE_CHOOSER_ACTION_ANY,
                                        TRUE, NULL, G_PARAM_READWRITE);
      break;
    case NEURAL_STYLE_INPUT_DOUBLE:
      gimp_procedure_add_double_argument (procedure, name, nick, help, input->min, input->max,
                                          input->value, G_PARAM_READWRITE);
      break;
    case NEURAL_STYLE_INPUT_SWITCH:
      gimp_procedure_add_boolean_aux_argument (procedure, name, nick, help, FALSE, G_PARAM_READWRITE);
      break;
    case NEURAL_STYLE_INPUT_CHANNEL:
      gimp_procedure_add_channel_argument (procedure, name, nick, help, TRUE, G_PARAM_READWRITE);
      break;
    }

  g_free (help);
  g_free (name);
}

void
neural_style_inputs_add_leading (GimpProcedure *procedure)
{
  gint i;

  for (i = 0; i < neural_style_inputs_count; i++)
    if (is_leading (&neural_style_inputs[i], 1))
      add_input (procedure, &neural_style_inputs[i], 1);
}

void
neural_style_inputs_add_arguments (GimpProcedure *procedure)
{
  gint n, i;

  for (n = 1; n <= NS_MAX_STYLES; n++)
    for (i = 0; i < neural_style_inputs_count; i++)
      if (!is_leading (&neural_style_inputs[i], n))
        add_input (procedure, &neural_style_inputs[i], n);

  gimp_procedure_add_channel_argument (procedure, "keep-region", _ ("Region to keep"),
                                       _ ("A channel of the image (a saved selection, a layer "
                                          "mask): there the content weight is multiplied by "
                                          "keep-strength, so the region keeps its shapes"),
                                       TRUE, G_PARAM_READWRITE);
  gimp_procedure_add_boolean_aux_argument (procedure, "keep-in-region",
                                           _ ("Keep the s_hapes of a region"),
                                           _ ("Paint a region of the layer more lightly, so "
                                              "that faces, text or a logo stay as they are"),
                                           FALSE, G_PARAM_READWRITE);
}

gint
neural_style_input_source (GimpProcedureConfig *config, gint n)
{
  gchar *property = property_of (n, NEURAL_STYLE_INPUT_SOURCE);
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

gboolean
neural_style_input_is_used (GimpProcedureConfig *config, gint n, const NeuralStyleInput *input)
{
  gint source = neural_style_input_source (config, n);
  gboolean on = TRUE;

  if (input->type == NEURAL_STYLE_INPUT_SOURCE)
    return TRUE;
  if (input->type == NEURAL_STYLE_INPUT_LAYER)
    return source == NEURAL_STYLE_SOURCE_LAYER;
  if (input->type == NEURAL_STYLE_INPUT_FILE)
    return source == NEURAL_STYLE_SOURCE_FILE;
  if (input->switched_by)
    {
      gchar *property = neural_style_input_property (n, input->switched_by);

      on = config_boolean (config, property);
      g_free (property);
    }

  return source != NEURAL_STYLE_SOURCE_NONE && on;
}

void
neural_style_inputs_sources_from_files (GimpProcedureConfig *config)
{
  gint n;

  for (n = 1; n <= NS_MAX_STYLES; n++)
    {
      gchar *property = property_of (n, NEURAL_STYLE_INPUT_FILE);
      GFile *file = NULL;

      g_object_get (config, property, &file, NULL);
      g_free (property);
      if (file)
        {
          property = property_of (n, NEURAL_STYLE_INPUT_SOURCE);
          g_object_set (config, property, "file", NULL);
          g_free (property);
          g_object_unref (file);
        }
    }
}

/* Whether an input of type holds an object (a layer, file or channel). */
static gboolean
holds_object (NeuralStyleInputType type)
{
  return type == NEURAL_STYLE_INPUT_LAYER || type == NEURAL_STYLE_INPUT_FILE ||
         type == NEURAL_STYLE_INPUT_CHANNEL;
}

void
neural_style_inputs_clear_unused (GimpProcedureConfig *config)
{
  gint n, i;

  for (n = 1; n <= NS_MAX_STYLES; n++)
    for (i = 0; i < neural_style_inputs_count; i++)
      {
        const NeuralStyleInput *input = &neural_style_inputs[i];

        if (holds_object (input->type) && !neural_style_input_is_used (config, n, input))
          {
            gchar *property = neural_style_input_property (n, input->what);

            g_object_set (config, property, NULL, NULL);
            g_free (property);
          }
      }

  if (!config_boolean (config, "keep-in-region"))
    g_object_set (config, "keep-region", NULL, NULL);
}

gboolean
neural_style_inputs_check_sources (GimpProcedureConfig *config, GError **error)
{
  gint n;

  for (n = 2; n <= NS_MAX_STYLES; n++)
    {
      gint id = neural_style_input_source (config, n);
      GObject *input = NULL;
      gchar *property;

      if (id == NEURAL_STYLE_SOURCE_NONE)
        continue;
      property = property_of (n, id == NEURAL_STYLE_SOURCE_LAYER ? NEURAL_STYLE_INPUT_LAYER :
                                                                   NEURAL_STYLE_INPUT_FILE);
      g_object_get (config, property, &input, NULL);
      g_free (property);
      if (input)
        {
          g_object_unref (input);
          continue;
        }
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   id == NEURAL_STYLE_SOURCE_LAYER ?
                       _ ("Style %d is to come from a layer, but no layer is chosen.") :
                       _ ("Style %d is to come from an image file, but no file is chosen."),
                   n);
      return FALSE;
    }

  return TRUE;
}

/* Reads the inputs into values (used_only: those the switches use), and
 * with forget, clears the layers and channels in config. */
static void
read_inputs (GimpProcedureConfig *config, NeuralStyleInputValues *values, gboolean used_only,
             gboolean forget)
{
  gint n, i;

  for (n = 1; n <= NS_MAX_STYLES; n++)
    for (i = 0; i < neural_style_inputs_count; i++)
      {
        const NeuralStyleInput *input = &neural_style_inputs[i];
        gchar *property;

        if (input->offset < 0 || (used_only && holds_object (input->type) &&
                                  !neural_style_input_is_used (config, n, input)))
          continue;
        property = neural_style_input_property (n, input->what);
        g_object_get (config, property, G_STRUCT_MEMBER_P (&values->styles[n - 1], input->offset),
                      NULL);
        if (forget &&
            (input->type == NEURAL_STYLE_INPUT_LAYER || input->type == NEURAL_STYLE_INPUT_CHANNEL))
          g_object_set (config, property, NULL, NULL);
        g_free (property);
      }

  if (!used_only || config_boolean (config, "keep-in-region"))
    g_object_get (config, "keep-region", &values->keep, NULL);
  if (forget)
    g_object_set (config, "keep-region", NULL, NULL);
}

void
neural_style_inputs_read (GimpProcedureConfig *config, NeuralStyleInputValues *values)
{
  read_inputs (config, values, FALSE, TRUE);
}

void
neural_style_inputs_peek (GimpProcedureConfig *config, NeuralStyleInputValues *values)
{
  memset (values, 0, sizeof *values);
  read_inputs (config, values, TRUE, FALSE);
}

/* A region must be a channel of the image painted: its pixels are laid
 * over the layer's. */
static gboolean
check_region (GimpChannel *region, GimpImage *image, const gchar *what, GError **error)
{
  gchar *name;

  if (!region || gimp_item_get_image (GIMP_ITEM (region)) == image)
    return TRUE;

  name = gimp_item_get_name (GIMP_ITEM (region));
  /* TRANSLATORS: the first %s is e.g. "The region of style 2", the second a
   * channel's name. */
  g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
               _ ("%s (\"%s\") belongs to another image: choose a channel or a layer mask of "
                  "the image you are painting."),
               what, name);
  g_free (name);

  return FALSE;
}

gboolean
neural_style_inputs_check (const NeuralStyleInputValues *values, GimpImage *image, GError **error)
{
  const NeuralStyleStyleValues *styles = values->styles;
  gint n;

  if ((styles[0].layer == NULL) == (styles[0].file == NULL))
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   styles[0].layer == NULL ? _ ("No style given: choose a style layer or a style "
                                                "image file.") :
                                             _ ("Both a style layer and a style image file were "
                                                "given: choose only one of them."));
      return FALSE;
    }

  for (n = 1; n <= NS_MAX_STYLES; n++)
    {
      const NeuralStyleStyleValues *style = &styles[n - 1];
      gchar *what;
      gboolean ok;

      if (n > 1 && style->layer && style->file)
        {
          g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                       _ ("Style %d has both a layer and an image file: choose only one of "
                          "them."),
                       n);
          return FALSE;
        }
      if (n > 1 && style->region && !style->layer && !style->file)
        {
          g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                       _ ("Style %d has a region but no layer or image file."), n);
          return FALSE;
        }

      what = g_strdup_printf (_ ("The region of style %d"), n);
      ok = check_region (style->region, image, what, error);
      g_free (what);
      if (!ok)
        return FALSE;
    }

  return check_region (values->keep, image, _ ("The region to keep"), error);
}

void
neural_style_inputs_clear (NeuralStyleInputValues *values)
{
  gint n, i;

  for (n = 0; n < NS_MAX_STYLES; n++)
    for (i = 0; i < neural_style_inputs_count; i++)
      if (neural_style_inputs[i].offset >= 0 && holds_object (neural_style_inputs[i].type))
        g_clear_object (
            (GObject **) G_STRUCT_MEMBER_P (&values->styles[n], neural_style_inputs[i].offset));
  g_clear_object (&values->keep);
}
