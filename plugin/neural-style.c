/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: repaints a layer in the style of another picture
 * (Gatys, Ecker and Bethge's neural style transfer over VGG19).
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
 * This file: the GimpPlugIn, the procedure and its run.  The plug-in only
 * moves pixels between GIMP and the engine (core/), split by role:
 *   neural-style-settings.c  the PDB arguments from the engine's settings
 *                            table, config → ns_params, the weights file
 *   neural-style-image.c     pixels in (babl) and the result layer out
 *   neural-style-job.c       the engine in a worker thread, progress
 *   ui/                      dialog, presets, progress window and text
 * The layer is inserted only at the very end, so a run killed by GIMP's
 * Cancel leaves the image as it was.  The content and style layers are
 * only read.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <glib/gi18n-lib.h>

#include "neural_style.h"
#include "neural-style-dialog.h"
#include "neural-style-image.h"
#include "neural-style-job.h"
#include "neural-style-settings.h"

#define PLUG_IN_PROC "plug-in-neural-style"

#define PRESETS_DIR_NAME "presets"

typedef struct _NeuralStyle NeuralStyle;
typedef struct _NeuralStyleClass NeuralStyleClass;

struct _NeuralStyle
{
  GimpPlugIn parent_instance;
};

struct _NeuralStyleClass
{
  GimpPlugInClass parent_class;
};

#define NEURAL_STYLE_TYPE (neural_style_get_type ())
#define NEURAL_STYLE(obj) (G_TYPE_CHECK_INSTANCE_CAST ((obj), NEURAL_STYLE_TYPE, NeuralStyle))

GType neural_style_get_type (void) G_GNUC_CONST;

static GList *neural_style_query_procedures (GimpPlugIn *plug_in);
static GimpProcedure *neural_style_create_procedure (GimpPlugIn *plug_in, const gchar *name);
static gboolean neural_style_set_i18n (GimpPlugIn *plug_in, const gchar *procedure_name,
                                       gchar **gettext_domain, gchar **catalog_dir);

static GimpValueArray *neural_style_run (GimpProcedure *procedure, GimpRunMode run_mode,
                                         GimpImage *image, GimpDrawable **drawables,
                                         GimpProcedureConfig *config, gpointer run_data);

G_DEFINE_TYPE (NeuralStyle, neural_style, GIMP_TYPE_PLUG_IN)

GIMP_MAIN (NEURAL_STYLE_TYPE)

static void
neural_style_class_init (NeuralStyleClass *klass)
{
  GimpPlugInClass *plug_in_class = GIMP_PLUG_IN_CLASS (klass);

  plug_in_class->query_procedures = neural_style_query_procedures;
  plug_in_class->create_procedure = neural_style_create_procedure;
  plug_in_class->set_i18n = neural_style_set_i18n;
}

static void
neural_style_init (NeuralStyle *neural_style)
{
}

static gboolean
neural_style_set_i18n (GimpPlugIn *plug_in, const gchar *procedure_name, gchar **gettext_domain,
                       gchar **catalog_dir)
{
  /* Catalogs live in <plug-in dir>/locale, libgimp's default. */
  *gettext_domain = g_strdup (GETTEXT_PACKAGE);
  *catalog_dir = NULL;

  return TRUE;
}

static GList *
neural_style_query_procedures (GimpPlugIn *plug_in)
{
  return g_list_append (NULL, g_strdup (PLUG_IN_PROC));
}

/* Each style's blend and region, and the further styles (2 to
 * NEURAL_STYLE_MAX_STYLES) as numbered arguments: a batch script names
 * the ones it uses (#:style-layer-2 l #:style-blend-2 0.5), each style may
 * have a region or not (an array of channels could not leave one out),
 * and the dialog shows every one of them (it has no widget for arrays). */
static void
add_style_arguments (GimpProcedure *procedure)
{
  gint n;

  for (n = 1; n <= NEURAL_STYLE_MAX_STYLES; n++)
    {
      gchar *name;
      gchar *help;

      if (n > 1)
        {
          name = neural_style_style_property (n, "layer");
          help = g_strdup_printf (_ ("The layer of style %d (of any open image); give this or "
                                     "style-file-%d, or neither to leave the style out"),
                                  n, n);
          gimp_procedure_add_layer_argument (procedure, name, _ ("Style la_yer"), help, TRUE,
                                             G_PARAM_READWRITE);
          g_free (help);
          g_free (name);

          name = neural_style_style_property (n, "file");
          help = g_strdup_printf (_ ("The image file of style %d (give this or "
                                     "style-layer-%d)"),
                                  n, n);
          gimp_procedure_add_file_argument (procedure, name, _ ("Style image file"), help,
                                            GIMP_FILE_CHOOSER_ACTION_ANY, TRUE, NULL,
                                            G_PARAM_READWRITE);
          g_free (help);
          g_free (name);
        }

      name = neural_style_style_property (n, "blend");
      help = g_strdup_printf (_ ("The share of style %d in the blend of the styles that paint "
                                 "the same place (relative to the others' blends)"),
                              n);
      gimp_procedure_add_double_argument (procedure, name, _ ("_Blend"), help, 0.0, 100.0, 1.0,
                                          G_PARAM_READWRITE);
      g_free (help);
      g_free (name);

      name = neural_style_style_property (n, "region");
      help = g_strdup_printf (_ ("Where style %d paints: a channel of the image (a saved "
                                 "selection, a layer mask).  None: wherever no style with a "
                                 "region paints"),
                              n);
      gimp_procedure_add_channel_argument (procedure, name, _ ("Region"), help, TRUE,
                                           G_PARAM_READWRITE);
      g_free (help);
      g_free (name);

      /* The dialog's own switches, outside the PDB signature. */
      if (n > 1)
        {
          name = neural_style_style_property (n, "source");
          gimp_procedure_add_choice_aux_argument (
              procedure, name, _ ("Style _from"),
              _ ("Take the style from a layer of an open image or from an image file, or "
                 "leave it out"),
              gimp_choice_new_with_values ("none", NEURAL_STYLE_SOURCE_NONE, _ ("No style"), NULL,
                                           "layer", NEURAL_STYLE_SOURCE_LAYER, _ ("A layer"), NULL,
                                           "file", NEURAL_STYLE_SOURCE_FILE, _ ("An image file"),
                                           NULL, NULL),
              "none", G_PARAM_READWRITE);
          g_free (name);
        }

      name = neural_style_style_property (n, "in-region");
      gimp_procedure_add_boolean_aux_argument (procedure, name, _ ("Limit to _a region"),
                                               _ ("Paint this style only in a channel of the "
                                                  "image: a saved selection or a layer mask"),
                                               FALSE, G_PARAM_READWRITE);
      g_free (name);
    }
}

static GimpProcedure *
neural_style_create_procedure (GimpPlugIn *plug_in, const gchar *name)
{
  GimpProcedure *procedure = NULL;
  gint row;

  if (strcmp (name, PLUG_IN_PROC) != 0)
    return NULL;

  procedure = gimp_image_procedure_new (plug_in, name, GIMP_PDB_PROC_TYPE_PLUGIN, neural_style_run,
                                        NULL, NULL);

  /* Indexed images are not offered: their palette cannot hold a painting. */
  gimp_procedure_set_image_types (procedure, "RGB*, GRAY*");
  gimp_procedure_set_sensitivity_mask (procedure, GIMP_PROCEDURE_SENSITIVE_DRAWABLE);

  gimp_procedure_set_menu_label (procedure, _ ("_Neural Style…"));
  gimp_procedure_add_menu_path (procedure, "<Image>/Filters/Artistic");

  gimp_procedure_set_documentation (
      procedure, _ ("Repaint a layer in the style of another picture"),
      _ ("Repaints the layer in the style of a style picture by neural style "
         "transfer (Gatys, Ecker and Bethge): the picture is optimised so "
         "that the VGG19 network sees the layer's content and the style "
         "picture's textures in it.  The style comes from a layer "
         "(style-layer) or from an image file (style-file); give exactly one. "
         "Up to three more styles come from style-layer-2 or style-file-2, "
         "and so on to -4; style-blend, style-blend-2… weigh them.  A style "
         "with a region (style-region, style-region-2…: a channel of the "
         "image, such as a saved selection or a layer mask) paints only "
         "there; the styles without one paint the rest.  keep-region is a "
         "channel whose shapes are kept (keep-strength). "
         "The result is a new layer above the layer, limited to the "
         "selection by a layer mask when there is one; neither input is "
         "changed.  It needs the VGG19 weights: the weights-file argument, "
         "else the file named by the NEURAL_STYLE_WEIGHTS environment "
         "variable, else vgg19-conv.safetensors next to the plug-in, else "
         "the file neural-style-get-weights stores "
         "(gimp-neural-style/vgg19-conv.safetensors in the user's data "
         "folder, ~/.local/share by default)."),
      name);
  gimp_procedure_set_attribution (procedure, "GIMP Neural Style authors",
                                  "GIMP Neural Style authors", "2025");

  gimp_procedure_add_layer_argument (procedure, "style-layer", _ ("Style la_yer"),
                                     _ ("The layer whose look is painted onto "
                                        "your layer: a painting, a texture, a "
                                        "photo.  It may belong to any open "
                                        "image (give this or style-file)"),
                                     TRUE, G_PARAM_READWRITE);

  /* Files are declared with ACTION_ANY: with ACTION_OPEN, GIMP itself
   * rejects a missing file as an "out of range" value before the plug-in
   * runs, and the plug-in's own message says more.  The dialog shows open
   * choosers for them (ui/neural-style-dialog.c). */
  gimp_procedure_add_file_argument (procedure, "style-file", _ ("Style image file"),
                                    _ ("An image file whose look is painted "
                                       "onto your layer (give this or "
                                       "style-layer)"),
                                    GIMP_FILE_CHOOSER_ACTION_ANY, TRUE, NULL, G_PARAM_READWRITE);

  /* The settings, from the engine's table, in its order; the weights file
   * keeps its place after max-size (positional calls depend on it). */
  row = neural_style_settings_add_arguments (procedure, 0, "max-size");

  gimp_procedure_add_file_argument (procedure, "weights-file", _ ("VGG19 weights file"),
                                    _ ("A safetensors file with VGG19's "
                                       "convolutions (default: "
                                       "$NEURAL_STYLE_WEIGHTS, else "
                                       "vgg19-conv.safetensors next to "
                                       "the plug-in, else the file "
                                       "neural-style-get-weights stores)"),
                                    GIMP_FILE_CHOOSER_ACTION_ANY, TRUE, NULL, G_PARAM_READWRITE);

  neural_style_settings_add_arguments (procedure, row, NULL);

  /* Which of the two style arguments the dialog uses (not part of the
   * PDB signature; remembered between interactive runs). */
  gimp_procedure_add_choice_aux_argument (
      procedure, "style-source", _ ("Style _from"),
      _ ("Take the style from a layer of "
         "an open image or from an image "
         "file"),
      gimp_choice_new_with_values ("layer", NEURAL_STYLE_SOURCE_LAYER, _ ("A layer"), NULL, "file",
                                   NEURAL_STYLE_SOURCE_FILE, _ ("An image file"), NULL, NULL),
      "layer", G_PARAM_READWRITE);

  add_style_arguments (procedure);

  /* The region to keep (item 3 of issue 11): any channel of the image. */
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

  gimp_procedure_add_layer_return_value (procedure, "layer", _ ("Layer"),
                                         _ ("The new layer with the result"), FALSE,
                                         G_PARAM_READWRITE);

  return procedure;
}

/* One style's arguments as the run reads them. */
typedef struct
{
  GimpLayer *layer;
  GFile *file;
  gdouble blend;
  GimpChannel *region;
} StyleArguments;

/* A repeated run (Filters ▸ Repeat) uses what the dialog last chose: each
 * style's source, and its region only where it was switched on.  (Only an
 * interactive or repeated run has the switches: a script gives the
 * arguments it means.) */
static void
apply_dialog_switches (GimpProcedureConfig *config)
{
  gint n;

  for (n = 1; n <= NEURAL_STYLE_MAX_STYLES; n++)
    {
      gchar *source = neural_style_style_property (n, "source");
      gchar *layer = neural_style_style_property (n, "layer");
      gchar *file = neural_style_style_property (n, "file");
      gchar *in_region = neural_style_style_property (n, "in-region");
      gchar *region = neural_style_style_property (n, "region");
      gint id = gimp_procedure_config_get_choice_id (config, source);
      gboolean limited = FALSE;

      if (id != NEURAL_STYLE_SOURCE_LAYER)
        g_object_set (config, layer, NULL, NULL);
      if (id != NEURAL_STYLE_SOURCE_FILE)
        g_object_set (config, file, NULL, NULL);
      g_object_get (config, in_region, &limited, NULL);
      if (!limited)
        g_object_set (config, region, NULL, NULL);

      g_free (region);
      g_free (in_region);
      g_free (file);
      g_free (layer);
      g_free (source);
    }

  {
    gboolean keep = FALSE;

    g_object_get (config, "keep-in-region", &keep, NULL);
    if (!keep)
      g_object_set (config, "keep-region", NULL, NULL);
  }
}

/* In the dialog (and a repeat of it) a further style's source says what
 * it should have: a style that is to come from a layer or a file without
 * one is an error, not left out. */
static gboolean
check_dialog_sources (GimpProcedureConfig *config, GError **error)
{
  gint n;

  for (n = 2; n <= NEURAL_STYLE_MAX_STYLES; n++)
    {
      gchar *source = neural_style_style_property (n, "source");
      gchar *layer = neural_style_style_property (n, "layer");
      gchar *file = neural_style_style_property (n, "file");
      gint id = gimp_procedure_config_get_choice_id (config, source);
      GObject *input = NULL;

      if (id != NEURAL_STYLE_SOURCE_NONE)
        g_object_get (config, id == NEURAL_STYLE_SOURCE_LAYER ? layer : file, &input, NULL);
      if (id != NEURAL_STYLE_SOURCE_NONE && !input)
        g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                     id == NEURAL_STYLE_SOURCE_LAYER ?
                         _ ("Style %d is to come from a layer, but no layer is chosen.") :
                         _ ("Style %d is to come from an image file, but no file is chosen."),
                     n);
      g_clear_object (&input);

      g_free (file);
      g_free (layer);
      g_free (source);
      if (error && *error)
        return FALSE;
    }

  return TRUE;
}

/* Reads every style's arguments and the region to keep.  GIMP stores the
 * settings of every run after it (as the image's parasite, too) but
 * cannot store a layer or a channel, and their image may be closed by
 * then: they are forgotten in config once read. */
static void
read_style_arguments (GimpProcedureConfig *config, StyleArguments *styles, GimpChannel **keep)
{
  gint n;

  for (n = 1; n <= NEURAL_STYLE_MAX_STYLES; n++)
    {
      StyleArguments *style = &styles[n - 1];
      gchar *layer = neural_style_style_property (n, "layer");
      gchar *file = neural_style_style_property (n, "file");
      gchar *blend = neural_style_style_property (n, "blend");
      gchar *region = neural_style_style_property (n, "region");

      g_object_get (config, layer, &style->layer, file, &style->file, blend, &style->blend, region,
                    &style->region, NULL);
      g_object_set (config, layer, NULL, region, NULL, NULL);

      g_free (region);
      g_free (blend);
      g_free (file);
      g_free (layer);
    }

  g_object_get (config, "keep-region", keep, NULL);
  g_object_set (config, "keep-region", NULL, NULL);
}

static void
clear_style_arguments (StyleArguments *styles)
{
  gint n;

  for (n = 0; n < NEURAL_STYLE_MAX_STYLES; n++)
    {
      g_clear_object (&styles[n].layer);
      g_clear_object (&styles[n].file);
      g_clear_object (&styles[n].region);
    }
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

/* Whether the styles given make sense: the first one is a layer or a
 * file, each further one a layer, a file or nothing, and every region is
 * a channel of the image. */
static gboolean
check_style_arguments (const StyleArguments *styles, GimpChannel *keep, GimpImage *image,
                       GError **error)
{
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

  for (n = 1; n <= NEURAL_STYLE_MAX_STYLES; n++)
    {
      const StyleArguments *style = &styles[n - 1];
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

  return check_region (keep, image, _ ("The region to keep"), error);
}

/* Reads the styles given (layers and files, in the content's space) and
 * their regions (over the painted part of the content); *count of them. */
static gboolean
read_styles (const StyleArguments *arguments, GimpDrawable *content, const GeglRectangle *region,
             const Babl *format, gboolean status_bar, ns_image *images, ns_image *regions,
             ns_style *styles, gint *count, GError **error)
{
  gint n;

  *count = 0;
  for (n = 0; n < NEURAL_STYLE_MAX_STYLES; n++)
    {
      const StyleArguments *style = &arguments[n];
      gint k = *count;

      if (style->layer)
        {
          GeglRectangle whole = { 0, 0, gimp_drawable_get_width (GIMP_DRAWABLE (style->layer)),
                                  gimp_drawable_get_height (GIMP_DRAWABLE (style->layer)) };

          if (!neural_style_read_region (GIMP_DRAWABLE (style->layer), format, &whole, &images[k],
                                         error))
            return FALSE;
        }
      else if (style->file)
        {
          if (status_bar)
            gimp_progress_set_text (_ ("Neural style: loading the style image"));
          if (!neural_style_read_style_file (style->file, format, &images[k], error))
            return FALSE;
        }
      else
        continue;

      if (style->region &&
          !neural_style_read_mask (style->region, content, region, &regions[k], error))
        return FALSE;

      {
        gchar *name = style->layer ? gimp_item_get_name (GIMP_ITEM (style->layer)) :
                                     g_file_get_parse_name (style->file);
        gchar *region_name = style->region ? gimp_item_get_name (GIMP_ITEM (style->region)) : NULL;

        g_debug ("style %d: %s '%s', blend %g, region %s", n + 1, style->layer ? "layer" : "file",
                 name, style->blend, region_name ? region_name : "none");
        g_free (region_name);
        g_free (name);
      }

      styles[k].image = &images[k];
      styles[k].blend = style->blend;
      styles[k].region = style->region ? &regions[k] : NULL;
      *count = k + 1;
    }

  return TRUE;
}

static GimpValueArray *
neural_style_run (GimpProcedure *procedure, GimpRunMode run_mode, GimpImage *image,
                  GimpDrawable **drawables, GimpProcedureConfig *config, gpointer run_data)
{
  GimpValueArray *return_vals;
  GimpDrawable *drawable;
  StyleArguments arguments[NEURAL_STYLE_MAX_STYLES] = { 0 };
  GimpChannel *keep_region = NULL;
  GFile *weights_file = NULL;
  GimpLayer *new_layer = NULL;
  const Babl *format;
  const Babl *style_format;
  GeglRectangle region;
  gboolean masked;
  NeuralStyleTarget target = { 0 };
  gboolean status_bar;
  ns_params params;
  ns_image content = { 0 };
  ns_image keep = { 0 };
  ns_image style_images[NEURAL_STYLE_MAX_STYLES] = { 0 };
  ns_image style_regions[NEURAL_STYLE_MAX_STYLES] = { 0 };
  ns_style styles[NEURAL_STYLE_MAX_STYLES] = { 0 };
  gint style_count = 0;
  ns_image result = { 0 };
  ns_error ns_err = { 0 };
  gchar *weights_path = NULL;
  GimpPDBStatusType status = GIMP_PDB_EXECUTION_ERROR;
  GError *error = NULL;
  gint i;

  gegl_init (NULL, NULL);

  if (gimp_core_object_array_get_length ((GObject **) drawables) != 1)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0, _ ("Procedure '%s' only works with one drawable."),
                   gimp_procedure_get_name (procedure));
      return gimp_procedure_new_return_values (procedure, GIMP_PDB_CALLING_ERROR, error);
    }

  drawable = drawables[0];

  if (!gimp_item_is_layer (GIMP_ITEM (drawable)))
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _ ("Neural Style works on a layer; "
                      "select a layer, not a channel or a mask."));
      return gimp_procedure_new_return_values (procedure, GIMP_PDB_CALLING_ERROR, error);
    }

  if (gimp_image_get_base_type (image) == GIMP_INDEXED)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _ ("Neural Style works on RGB and grayscale images; "
                      "convert the indexed image first (Image > Mode)."));
      return gimp_procedure_new_return_values (procedure, GIMP_PDB_CALLING_ERROR, error);
    }

  /* Layer and channel arguments are never remembered: suggest some. */
  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    neural_style_default_inputs (config, image, drawable);

  if (run_mode == GIMP_RUN_WITH_LAST_VALS)
    apply_dialog_switches (config);

  /* Old nicks (layer-set "seed") from a script or remembered settings. */
  neural_style_settings_normalize (config);

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      gchar *presets = neural_style_plug_in_path (PRESETS_DIR_NAME);
      gboolean run = neural_style_dialog_run (procedure, config, presets);

      g_free (presets);
      if (!run)
        return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL, NULL);
    }

  if (run_mode != GIMP_RUN_NONINTERACTIVE && !check_dialog_sources (config, &error))
    return gimp_procedure_new_return_values (procedure, GIMP_PDB_CALLING_ERROR, error);

  neural_style_settings_to_params (config, &params);
  g_object_get (config, "weights-file", &weights_file, NULL);
  read_style_arguments (config, arguments, &keep_region);

  if (!check_style_arguments (arguments, keep_region, image, &error))
    {
      status = GIMP_PDB_CALLING_ERROR;
      goto out;
    }

  if (ns_params_check (&params, &ns_err) != NS_OK)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0, _ ("Invalid settings: %s."), ns_err.message);
      status = GIMP_PDB_CALLING_ERROR;
      goto out;
    }

  /* With a selection, only its bounding box is painted, and a mask made
   * from it limits the new layer to it. */
  masked = !gimp_selection_is_empty (image);
  if (!gimp_drawable_mask_intersect (drawable, &region.x, &region.y, &region.width, &region.height))
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _ ("The selection does not touch the layer: there is "
                      "nothing to paint."));
      status = GIMP_PDB_CALLING_ERROR;
      goto out;
    }
  neural_style_target_init (&target, image, drawable, &region, masked);

  weights_path = neural_style_find_weights (weights_file, &error);
  if (!weights_path)
    goto out;

  /* GIMP's status bar shows the progress of runs without a progress
   * window of their own.  Closing the image closes its status bar, which
   * cancels (kills) the run: an interactive run, whose window shows its
   * progress, goes on then and puts its result into a new image. */
  status_bar = run_mode != GIMP_RUN_INTERACTIVE;
  if (status_bar)
    gimp_progress_init (_ ("Neural style"));

  /* The content's own colour space (its ICC profile, linear or not),
   * gamma-encoded as the engine expects; the style is read into the same
   * space so that both are compared in the same colours.  An alpha channel
   * only where the engine uses one (the content's, copied to the result):
   * at print size each takes a quarter more memory. */
  format = babl_format_with_space (gimp_drawable_has_alpha (drawable) ? "R'G'B'A float" :
                                                                        "R'G'B' float",
                                   gimp_drawable_get_format (drawable));
  style_format = babl_format_with_space ("R'G'B' float", format);

  if (!neural_style_read_region (drawable, format, &region, &content, &error))
    goto out;
  if (keep_region)
    {
      gchar *name = gimp_item_get_name (GIMP_ITEM (keep_region));

      g_debug ("region to keep: %s", name);
      g_free (name);
      if (!neural_style_read_mask (keep_region, drawable, &region, &keep, &error))
        goto out;
    }
  if (!read_styles (arguments, drawable, &region, style_format, status_bar, style_images,
                    style_regions, styles, &style_count, &error))
    goto out;

  status = neural_style_job_run (weights_path, &content, keep_region ? &keep : NULL, styles,
                                 style_count, &params, format, run_mode == GIMP_RUN_INTERACTIVE,
                                 &result, &error);
  if (status != GIMP_PDB_SUCCESS)
    goto out;

  {
    GimpImage *new_image = NULL;
    gchar *note = NULL;

    new_layer = neural_style_insert_result (&target, format, &result, &new_image, &note);
    if (new_image && run_mode != GIMP_RUN_NONINTERACTIVE)
      gimp_display_new (new_image);
    if (note)
      {
        g_debug ("%s", note);
        gimp_message (note);
      }
    g_free (note);
  }

  if (status_bar)
    {
      gimp_progress_update (1.0);
      gimp_progress_end ();
    }

  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp_displays_flush ();

out:
  neural_style_target_clear (&target);
  ns_image_clear (&result);
  for (i = 0; i < NEURAL_STYLE_MAX_STYLES; i++)
    {
      ns_image_clear (&style_images[i]);
      ns_image_clear (&style_regions[i]);
    }
  ns_image_clear (&keep);
  ns_image_clear (&content);
  g_free (weights_path);
  clear_style_arguments (arguments);
  g_clear_object (&keep_region);
  g_clear_object (&weights_file);

  return_vals = gimp_procedure_new_return_values (procedure, status, error);
  if (status == GIMP_PDB_SUCCESS)
    GIMP_VALUES_SET_LAYER (return_vals, 1, new_layer);

  return return_vals;
}
