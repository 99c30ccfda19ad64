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
 *   ui/                      the styles' and regions' arguments
 *                            (neural-style-inputs.c), dialog, presets,
 *                            progress window and text
 * The layer is inserted only at the very end, so a run killed by GIMP's
 * Cancel leaves the image as it was.  The content and style layers are
 * only read.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <glib/gi18n-lib.h>

#include "neural_style.h"
#include "neural-style-animation.h"
#include "neural-style-dialog.h"
#include "neural-style-image.h"
#include "neural-style-inputs.h"
#include "neural-style-job.h"
#include "neural-style-preview.h"
#include "neural-style-run-input.h"
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

  /* The help counts the styles in words. */
  G_STATIC_ASSERT (NS_MAX_STYLES == 4);
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

  /* A positional call gives the (first) style first. */
  neural_style_inputs_add_leading (procedure);

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

  neural_style_inputs_add_arguments (procedure);

  /* After every older argument: positional calls keep their meaning. */
  gimp_procedure_add_choice_argument (
      procedure, NEURAL_STYLE_PAINT, _ ("Paint"),
      _ ("What to paint: the layer, or every layer as a frame of an animation (the bottom "
         "layer first, as Filters > Animation > Playback plays them), each frame held to the "
         "one before it so that the animation does not flicker; the frames go to a new image, "
         "one layer a frame with the same names"),
      gimp_choice_new_with_values ("layer", NEURAL_STYLE_PAINT_LAYER, _ ("This layer"), NULL,
                                   "animation", NEURAL_STYLE_PAINT_ANIMATION,
                                   _ ("Every layer as a frame of an animation"), NULL, NULL),
      "layer", G_PARAM_READWRITE);

  /* The dialog's switch, remembered as its other values are. */
  gimp_procedure_add_boolean_aux_argument (procedure, "preview", _ ("Preview"),
                                           _ ("Show in the dialog what the settings paint, "
                                              "on a small copy of the layer, repainted "
                                              "after every change"),
                                           TRUE, G_PARAM_READWRITE);

  gimp_procedure_add_layer_return_value (procedure, "layer", _ ("Layer"),
                                         _ ("The new layer with the result"), FALSE,
                                         G_PARAM_READWRITE);

  return procedure;
}

/* Every layer of image as a frame of an animation, into a new image shown
 * at the end (also after an error, with the frames painted before it);
 * *top is its top layer. */
static GimpPDBStatusType
paint_animation (GimpImage *image, const NeuralStyleInputValues *inputs, const ns_params *params,
                 GFile *weights_file, GimpRunMode run_mode, GimpLayer **top, GError **error)
{
  gchar *weights_path = neural_style_find_weights (weights_file, error);
  GimpImage *new_image = NULL;
  GimpPDBStatusType status;
  gboolean status_bar = run_mode != GIMP_RUN_INTERACTIVE;

  if (!weights_path)
    return GIMP_PDB_EXECUTION_ERROR;
  if (status_bar)
    gimp_progress_init (_ ("Neural style"));
  status = neural_style_animate (image, inputs, params, weights_path,
                                 run_mode == GIMP_RUN_INTERACTIVE, &new_image, top, error);
  if (new_image && run_mode != GIMP_RUN_NONINTERACTIVE)
    {
      gimp_display_new (new_image);
      gimp_displays_flush ();
    }
  if (status_bar)
    gimp_progress_end ();
  g_free (weights_path);
  return status;
}

static GimpValueArray *
neural_style_run (GimpProcedure *procedure, GimpRunMode run_mode, GimpImage *image,
                  GimpDrawable **drawables, GimpProcedureConfig *config, gpointer run_data)
{
  GimpValueArray *return_vals;
  GimpDrawable *drawable;
  NeuralStyleInputValues inputs = { 0 };
  GFile *weights_file = NULL;
  GimpLayer *new_layer = NULL;
  const Babl *format = NULL;
  GeglRectangle region;
  gboolean masked;
  NeuralStyleTarget target = { 0 };
  gboolean status_bar;
  ns_params params;
  NeuralStyleRunInput input = { 0 };
  ns_request request;
  ns_image result = { 0 };
  ns_image start = { 0 };
  NeuralStylePreview *preview = NULL;
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

  /* Layer and channel arguments are never remembered: suggest some. */
  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    neural_style_default_inputs (config, image, drawable);

  /* Old nicks (layer-set "seed") from a script or remembered settings. */
  neural_style_settings_normalize (config);

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      gchar *presets = neural_style_plug_in_path (PRESETS_DIR_NAME);
      gboolean run;

      preview = neural_style_preview_new (image, drawable);
      run = neural_style_dialog_run (procedure, config, presets,
                                     neural_style_preview_get_dialog_preview (preview));
      g_free (presets);
      if (!run)
        {
          neural_style_preview_free (preview);
          return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL, NULL);
        }
    }

  /* The dialog's and a repeat's inputs are what its switches choose (a
   * script gives the inputs it means). */
  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    {
      neural_style_inputs_clear_unused (config);
      if (!neural_style_inputs_check_sources (config, &error))
        {
          neural_style_preview_free (preview);
          return gimp_procedure_new_return_values (procedure, GIMP_PDB_CALLING_ERROR, error);
        }
    }

  neural_style_settings_to_params (config, &params);
  g_object_get (config, "weights-file", &weights_file, NULL);
  neural_style_inputs_read (config, &inputs);

  if (!neural_style_inputs_check (&inputs, image, &error))
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

  if (gimp_procedure_config_get_choice_id (config, NEURAL_STYLE_PAINT) == NEURAL_STYLE_PAINT_ANIMATION)
    {
      status = paint_animation (image, &inputs, &params, weights_file, run_mode, &new_layer, &error);
      goto out;
    }

  if (!neural_style_run_area (drawable, &region, &masked, &format, &error))
    {
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

  if (!neural_style_run_input_read (&inputs, &params, drawable, &region, format, status_bar, &input,
                                    &error))
    goto out;
  neural_style_run_input_request (&input, &request);

  /* The preview's finished scales that this run has too are done.  Its
   * thread, weights and engine go before the run. */
  if (preview && neural_style_preview_take_start (preview, &input, &start))
    g_debug ("the run goes on from the preview's %d×%d picture", start.width, start.height);
  g_clear_pointer (&preview, neural_style_preview_free);

  status = neural_style_job_run (weights_path, request.content, request.keep,
                                 start.data ? &start : NULL, request.styles, request.style_count,
                                 &params, format, run_mode == GIMP_RUN_INTERACTIVE, &result, &error);
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
  neural_style_preview_free (preview);
  neural_style_target_clear (&target);
  ns_image_clear (&result);
  ns_image_clear (&start);
  neural_style_run_input_clear (&input);
  g_free (weights_path);
  neural_style_inputs_clear (&inputs);
  g_clear_object (&weights_file);

  return_vals = gimp_procedure_new_return_values (procedure, status, error);
  if (status == GIMP_PDB_SUCCESS)
    GIMP_VALUES_SET_LAYER (return_vals, 1, new_layer);

  return return_vals;
}
