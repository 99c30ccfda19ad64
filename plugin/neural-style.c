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
#define PLUG_IN_BINARY "neural-style"

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

  gimp_procedure_add_layer_return_value (procedure, "layer", _ ("Layer"),
                                         _ ("The new layer with the result"), FALSE,
                                         G_PARAM_READWRITE);

  return procedure;
}

static GimpValueArray *
neural_style_run (GimpProcedure *procedure, GimpRunMode run_mode, GimpImage *image,
                  GimpDrawable **drawables, GimpProcedureConfig *config, gpointer run_data)
{
  GimpValueArray *return_vals;
  GimpDrawable *drawable;
  GimpLayer *style_layer = NULL;
  GFile *style_file = NULL;
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
  ns_image style = { 0 };
  ns_image result = { 0 };
  ns_error ns_err = { 0 };
  gchar *weights_path = NULL;
  GimpPDBStatusType status = GIMP_PDB_EXECUTION_ERROR;
  GError *error = NULL;

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

  /* Layer arguments are never remembered: suggest one. */
  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    neural_style_default_style_layer (config, image, drawable);

  /* A repeated run (Filters ▸ Repeat) uses the source the dialog last
   * used; the dialog itself clears the other one. */
  if (run_mode == GIMP_RUN_WITH_LAST_VALS)
    {
      if (gimp_procedure_config_get_choice_id (config, "style-source") == NEURAL_STYLE_SOURCE_FILE)
        g_object_set (config, "style-layer", NULL, NULL);
      else
        g_object_set (config, "style-file", NULL, NULL);
    }

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

  neural_style_settings_to_params (config, &params);
  g_object_get (config, "style-layer", &style_layer, "style-file", &style_file, "weights-file",
                &weights_file, NULL);

  /* GIMP stores the settings of every run after it (as the image's
   * parasite, too) but cannot store a layer, and the style layer's image
   * may be closed by then: forget the layer now that it is read. */
  g_object_set (config, "style-layer", NULL, NULL);

  if ((style_layer == NULL) == (style_file == NULL))
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   style_layer == NULL ? _ ("No style given: choose a style layer or a style "
                                            "image file.") :
                                         _ ("Both a style layer and a style image file were "
                                            "given: choose only one of them."));
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

  if (style_layer)
    {
      GeglRectangle whole = { 0, 0, gimp_drawable_get_width (GIMP_DRAWABLE (style_layer)),
                              gimp_drawable_get_height (GIMP_DRAWABLE (style_layer)) };

      if (!neural_style_read_region (GIMP_DRAWABLE (style_layer), style_format, &whole, &style,
                                     &error))
        goto out;
    }
  else
    {
      if (status_bar)
        gimp_progress_set_text (_ ("Neural style: loading the style image"));
      if (!neural_style_read_style_file (style_file, style_format, &style, &error))
        goto out;
    }

  status = neural_style_job_run (weights_path, &content, &style, &params, format,
                                 run_mode == GIMP_RUN_INTERACTIVE, &result, &error);
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
  ns_image_clear (&style);
  ns_image_clear (&content);
  g_free (weights_path);
  g_clear_object (&style_layer);
  g_clear_object (&style_file);
  g_clear_object (&weights_file);

  return_vals = gimp_procedure_new_return_values (procedure, status, error);
  if (status == GIMP_PDB_SUCCESS)
    GIMP_VALUES_SET_LAYER (return_vals, 1, new_layer);

  return return_vals;
}
