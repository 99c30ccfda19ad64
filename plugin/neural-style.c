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
 * The plug-in only moves pixels between GIMP and the engine (core/):
 * GEGL/babl convert every drawable to R'G'B'A float, the engine works on
 * those floats in a worker thread, and the result becomes a new layer
 * above the content.  The content and style layers are only read.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <glib/gi18n-lib.h>

#include "neural_style.h"
#include "vgg19_weights.h"
#include "neural-style-dialog.h"


#define PLUG_IN_PROC   "plug-in-neural-style"
#define PLUG_IN_BINARY "neural-style"

#define WEIGHTS_FILE_NAME "vgg19-conv.safetensors"
#define WEIGHTS_ENV       "NEURAL_STYLE_WEIGHTS"

/* How often the main thread looks at the worker's progress. */
#define PROGRESS_POLL_USEC 100000


typedef struct _NeuralStyle      NeuralStyle;
typedef struct _NeuralStyleClass NeuralStyleClass;

struct _NeuralStyle
{
  GimpPlugIn parent_instance;
};

struct _NeuralStyleClass
{
  GimpPlugInClass parent_class;
};

/* What the worker thread needs and what it hands back.  The mutex guards
 * progress, have_progress and finished; everything else is written by one
 * thread only (inputs before the thread starts, outputs before finished). */
typedef struct
{
  const vgg19_weights *weights;
  const ns_image      *content;
  const ns_image      *style;
  ns_params            params;

  GMutex               mutex;
  ns_progress          progress;
  gboolean             have_progress;
  gboolean             finished;

  ns_image             result;
  ns_status            status;
  ns_error             error;
} StylizeJob;


#define NEURAL_STYLE_TYPE (neural_style_get_type ())
#define NEURAL_STYLE(obj) (G_TYPE_CHECK_INSTANCE_CAST ((obj), NEURAL_STYLE_TYPE, NeuralStyle))

GType                   neural_style_get_type         (void) G_GNUC_CONST;

static GList          * neural_style_query_procedures (GimpPlugIn           *plug_in);
static GimpProcedure  * neural_style_create_procedure (GimpPlugIn           *plug_in,
                                                       const gchar          *name);
static gboolean         neural_style_set_i18n         (GimpPlugIn           *plug_in,
                                                       const gchar          *procedure_name,
                                                       gchar               **gettext_domain,
                                                       gchar               **catalog_dir);

static GimpValueArray * neural_style_run              (GimpProcedure        *procedure,
                                                       GimpRunMode           run_mode,
                                                       GimpImage            *image,
                                                       GimpDrawable        **drawables,
                                                       GimpProcedureConfig  *config,
                                                       gpointer              run_data);

static gboolean         read_drawable                 (GimpDrawable         *drawable,
                                                       const Babl           *format,
                                                       ns_image             *image,
                                                       GError              **error);
static gboolean         read_style_file               (GFile                *file,
                                                       const Babl           *format,
                                                       ns_image             *image,
                                                       GError              **error);
static gchar          * find_weights                  (GFile                *weights_file,
                                                       GError              **error);
static gboolean         stylize                       (const vgg19_weights  *weights,
                                                       const ns_image       *content,
                                                       const ns_image       *style,
                                                       const ns_params      *params,
                                                       ns_image             *result,
                                                       GError              **error);
static GimpLayer      * insert_result_layer           (GimpImage            *image,
                                                       GimpDrawable         *content,
                                                       const Babl           *format,
                                                       const ns_image       *result);


G_DEFINE_TYPE (NeuralStyle, neural_style, GIMP_TYPE_PLUG_IN)

GIMP_MAIN (NEURAL_STYLE_TYPE)


static void
neural_style_class_init (NeuralStyleClass *klass)
{
  GimpPlugInClass *plug_in_class = GIMP_PLUG_IN_CLASS (klass);

  plug_in_class->query_procedures = neural_style_query_procedures;
  plug_in_class->create_procedure = neural_style_create_procedure;
  plug_in_class->set_i18n         = neural_style_set_i18n;
}

static void
neural_style_init (NeuralStyle *neural_style)
{
}

static gboolean
neural_style_set_i18n (GimpPlugIn   *plug_in,
                       const gchar  *procedure_name,
                       gchar       **gettext_domain,
                       gchar       **catalog_dir)
{
  /* Catalogs live in <plug-in dir>/locale, libgimp's default. */
  *gettext_domain = g_strdup (GETTEXT_PACKAGE);
  *catalog_dir    = NULL;

  return TRUE;
}

static GList *
neural_style_query_procedures (GimpPlugIn *plug_in)
{
  return g_list_append (NULL, g_strdup (PLUG_IN_PROC));
}

static GimpProcedure *
neural_style_create_procedure (GimpPlugIn  *plug_in,
                               const gchar *name)
{
  GimpProcedure *procedure = NULL;
  ns_params      defaults;

  if (strcmp (name, PLUG_IN_PROC) != 0)
    return NULL;

  ns_params_init (&defaults);

  procedure = gimp_image_procedure_new (plug_in, name,
                                        GIMP_PDB_PROC_TYPE_PLUGIN,
                                        neural_style_run, NULL, NULL);

  gimp_procedure_set_image_types (procedure, "RGB*, GRAY*");
  gimp_procedure_set_sensitivity_mask (procedure,
                                       GIMP_PROCEDURE_SENSITIVE_DRAWABLE);

  gimp_procedure_set_menu_label (procedure, _("_Neural Style…"));
  gimp_procedure_add_menu_path (procedure, "<Image>/Filters/Artistic");

  gimp_procedure_set_documentation
    (procedure,
     _("Repaint a layer in the style of another picture"),
     _("Repaints the layer in the style of a style picture by neural style "
       "transfer (Gatys, Ecker and Bethge): the picture is optimised so "
       "that the VGG19 network sees the layer's content and the style "
       "picture's textures in it.  The style comes from a layer "
       "(style-layer) or from an image file (style-file); give exactly one. "
       "The result is a new layer above the layer; neither input is "
       "changed.  It needs the VGG19 weights: the weights-file argument, "
       "else the file named by the NEURAL_STYLE_WEIGHTS environment "
       "variable, else vgg19-conv.safetensors next to the plug-in."),
     name);
  gimp_procedure_set_attribution (procedure,
                                  "GIMP Neural Style authors",
                                  "GIMP Neural Style authors",
                                  "2025");

  gimp_procedure_add_layer_argument (procedure, "style-layer",
                                     _("Style la_yer"),
                                     _("The layer whose style is painted "
                                       "(give this or style-file)"),
                                     TRUE,
                                     G_PARAM_READWRITE);

  /* Files are declared with ACTION_ANY: with ACTION_OPEN, GIMP itself
   * rejects a missing file as an "out of range" value before the plug-in
   * runs, and the plug-in's own message says more.  The dialog shows open
   * choosers for them (ui/neural-style-dialog.c). */
  gimp_procedure_add_file_argument (procedure, "style-file",
                                    _("Style image _file"),
                                    _("An image file whose style is painted "
                                      "(give this or style-layer)"),
                                    GIMP_FILE_CHOOSER_ACTION_ANY,
                                    TRUE, NULL,
                                    G_PARAM_READWRITE);

  gimp_procedure_add_double_argument (procedure, "content-weight",
                                      _("Co_ntent weight"),
                                      _("How much the result keeps the "
                                        "layer's content (alpha)"),
                                      0.0, 1.0e6, defaults.content_weight,
                                      G_PARAM_READWRITE);

  gimp_procedure_add_double_argument (procedure, "style-weight",
                                      _("Style _weight"),
                                      _("How much the result takes the "
                                        "style picture's textures (beta)"),
                                      0.0, 1.0e9, defaults.style_weight,
                                      G_PARAM_READWRITE);

  gimp_procedure_add_double_argument (procedure, "learning-rate",
                                      _("Learnin_g rate"),
                                      _("Step size of the optimiser (Adam), "
                                        "in colour units of 0 to 1"),
                                      /* Not 1.0: GIMP 3.0.4's spin widget
                                       * raises a critical for a range just
                                       * under 1. */
                                      0.0001, 2.0, defaults.learning_rate,
                                      G_PARAM_READWRITE);

  gimp_procedure_add_int_argument (procedure, "iterations",
                                   _("_Iterations"),
                                   _("Number of optimisation steps"),
                                   1, NS_MAX_ITERATIONS, defaults.iterations,
                                   G_PARAM_READWRITE);

  gimp_procedure_add_int_argument (procedure, "max-size",
                                   _("Working si_ze"),
                                   _("Longest side, in pixels, of the "
                                     "picture the optimisation works on "
                                     "(0: the layer's own size); the result "
                                     "is resized back to the layer's size"),
                                   0, NS_MAX_WORKING_SIZE, defaults.max_size,
                                   G_PARAM_READWRITE);

  gimp_procedure_add_file_argument (procedure, "weights-file",
                                    _("_VGG19 weights"),
                                    _("A safetensors file with VGG19's "
                                      "convolutions (default: "
                                      "$NEURAL_STYLE_WEIGHTS, else "
                                      "vgg19-conv.safetensors next to "
                                      "the plug-in)"),
                                    GIMP_FILE_CHOOSER_ACTION_ANY,
                                    TRUE, NULL,
                                    G_PARAM_READWRITE);

  /* Which of the two style arguments the dialog uses (not part of the
   * PDB signature; remembered between interactive runs). */
  gimp_procedure_add_choice_aux_argument (procedure, "style-source",
                                          _("S_tyle from"),
                                          _("Where the dialog takes the "
                                            "style from"),
                                          gimp_choice_new_with_values
                                            ("layer", NEURAL_STYLE_SOURCE_LAYER,
                                             _("A layer"), NULL,
                                             "file",  NEURAL_STYLE_SOURCE_FILE,
                                             _("An image file"), NULL,
                                             NULL),
                                          "layer",
                                          G_PARAM_READWRITE);

  gimp_procedure_add_layer_return_value (procedure, "layer",
                                         _("Layer"),
                                         _("The new layer with the result"),
                                         FALSE,
                                         G_PARAM_READWRITE);

  return procedure;
}

static GimpValueArray *
neural_style_run (GimpProcedure        *procedure,
                  GimpRunMode           run_mode,
                  GimpImage            *image,
                  GimpDrawable        **drawables,
                  GimpProcedureConfig  *config,
                  gpointer              run_data)
{
  GimpValueArray *return_vals;
  GimpDrawable   *drawable;
  GimpLayer      *style_layer  = NULL;
  GFile          *style_file   = NULL;
  GFile          *weights_file = NULL;
  GimpLayer      *new_layer    = NULL;
  const Babl     *format;
  ns_params       params;
  ns_image        content      = { 0 };
  ns_image        style        = { 0 };
  ns_image        result       = { 0 };
  vgg19_weights   weights;
  ns_error        ns_err       = { 0 };
  gchar          *weights_path = NULL;
  gboolean        weights_loaded = FALSE;
  GimpPDBStatusType status     = GIMP_PDB_EXECUTION_ERROR;
  GError         *error        = NULL;

  gegl_init (NULL, NULL);

  if (gimp_core_object_array_get_length ((GObject **) drawables) != 1)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("Procedure '%s' only works with one drawable."),
                   gimp_procedure_get_name (procedure));
      return gimp_procedure_new_return_values (procedure,
                                               GIMP_PDB_CALLING_ERROR, error);
    }

  drawable = drawables[0];

  if (! gimp_item_is_layer (GIMP_ITEM (drawable)))
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("Neural Style works on a layer; "
                     "select a layer, not a channel or a mask."));
      return gimp_procedure_new_return_values (procedure,
                                               GIMP_PDB_CALLING_ERROR, error);
    }

  if (gimp_image_get_base_type (image) == GIMP_INDEXED)
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("Neural Style works on RGB and grayscale images; "
                     "convert the indexed image first (Image > Mode)."));
      return gimp_procedure_new_return_values (procedure,
                                               GIMP_PDB_CALLING_ERROR, error);
    }

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      if (! neural_style_dialog_run (procedure, config))
        return gimp_procedure_new_return_values (procedure,
                                                 GIMP_PDB_CANCEL, NULL);
    }

  ns_params_init (&params);

  g_object_get (config,
                "style-layer",    &style_layer,
                "style-file",     &style_file,
                "content-weight", &params.content_weight,
                "style-weight",   &params.style_weight,
                "learning-rate",  &params.learning_rate,
                "iterations",     &params.iterations,
                "max-size",       &params.max_size,
                "weights-file",   &weights_file,
                NULL);

  if ((style_layer == NULL) == (style_file == NULL))
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   style_layer == NULL ?
                   _("No style given: choose a style layer or a style "
                     "image file.") :
                   _("Both a style layer and a style image file were "
                     "given: choose only one of them."));
      status = GIMP_PDB_CALLING_ERROR;
      goto out;
    }

  if (ns_params_check (&params, &ns_err) != NS_OK)
    {
      g_set_error_literal (&error, GIMP_PLUG_IN_ERROR, 0, ns_err.message);
      status = GIMP_PDB_CALLING_ERROR;
      goto out;
    }

  gimp_progress_init (_("Neural style"));

  /* The content's format, including its colour space; the style is read
   * into the same space so that both are compared in the same colours. */
  format = babl_format_with_space ("R'G'B'A float",
                                   gimp_drawable_get_format (drawable));

  if (! read_drawable (drawable, format, &content, &error))
    goto out;

  if (style_layer)
    {
      if (! read_drawable (GIMP_DRAWABLE (style_layer), format, &style, &error))
        goto out;
    }
  else
    {
      gimp_progress_set_text (_("Neural style: loading the style image"));
      if (! read_style_file (style_file, format, &style, &error))
        goto out;
    }

  weights_path = find_weights (weights_file, &error);
  if (! weights_path)
    goto out;

  gimp_progress_set_text (_("Neural style: loading the VGG19 weights"));
  /* Only the convolutions the engine uses (it needs no more than
   * conv5_1), which saves reading and holding the rest. */
  if (vgg19_weights_load (&weights, weights_path, ns_conv_count_needed (&params),
                          &ns_err) != NS_OK)
    {
      g_set_error_literal (&error, GIMP_PLUG_IN_ERROR, 0, ns_err.message);
      goto out;
    }
  weights_loaded = TRUE;

  if (! stylize (&weights, &content, &style, &params, &result, &error))
    goto out;

  new_layer = insert_result_layer (image, drawable, format, &result);
  status = GIMP_PDB_SUCCESS;

  gimp_progress_update (1.0);
  gimp_progress_end ();

  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp_displays_flush ();

 out:
  if (weights_loaded)
    vgg19_weights_free (&weights);
  ns_image_free (&result);
  ns_image_free (&style);
  ns_image_free (&content);
  g_free (weights_path);
  g_clear_object (&style_layer);
  g_clear_object (&style_file);
  g_clear_object (&weights_file);

  return_vals = gimp_procedure_new_return_values (procedure, status, error);
  if (status == GIMP_PDB_SUCCESS)
    GIMP_VALUES_SET_LAYER (return_vals, 1, new_layer);

  return return_vals;
}

/* Reads the whole of drawable as interleaved 4-channel floats. */
static gboolean
read_drawable (GimpDrawable  *drawable,
               const Babl    *format,
               ns_image      *image,
               GError       **error)
{
  GeglBuffer *buffer;
  gint        width  = gimp_drawable_get_width (drawable);
  gint        height = gimp_drawable_get_height (drawable);
  ns_error    ns_err = { 0 };

  if (ns_image_alloc (image, width, height, 4, &ns_err) != NS_OK)
    {
      g_set_error_literal (error, GIMP_PLUG_IN_ERROR, 0, ns_err.message);
      return FALSE;
    }

  buffer = gimp_drawable_get_buffer (drawable);
  gegl_buffer_get (buffer, GEGL_RECTANGLE (0, 0, width, height), 1.0,
                   format, image->data,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref (buffer);

  return TRUE;
}

/* Opens file as a temporary image, flattens it and reads it. */
static gboolean
read_style_file (GFile       *file,
                 const Babl  *format,
                 ns_image    *image,
                 GError     **error)
{
  GimpImage *style_image;
  GimpLayer *layer;
  gboolean   success;

  if (! g_file_query_exists (file, NULL))
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("The style image file '%s' does not exist."),
                   gimp_file_get_utf8_name (file));
      return FALSE;
    }

  style_image = gimp_file_load (GIMP_RUN_NONINTERACTIVE, file);
  if (! style_image)
    {
      const gchar *reason = gimp_pdb_get_last_error (gimp_get_pdb ());

      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("Could not open the style image file '%s': %s"),
                   gimp_file_get_utf8_name (file),
                   reason && *reason ? reason : _("unknown error"));
      return FALSE;
    }

  if (gimp_image_get_base_type (style_image) == GIMP_INDEXED)
    gimp_image_convert_rgb (style_image);

  layer = gimp_image_flatten (style_image);
  if (! layer)
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("The style image file '%s' has no visible layer."),
                   gimp_file_get_utf8_name (file));
      gimp_image_delete (style_image);
      return FALSE;
    }

  success = read_drawable (GIMP_DRAWABLE (layer), format, image, error);
  gimp_image_delete (style_image);

  return success;
}

static gchar *
plug_in_directory_weights (void)
{
  gchar *dir  = g_path_get_dirname (gimp_get_progname ());
  gchar *path = g_build_filename (dir, WEIGHTS_FILE_NAME, NULL);

  g_free (dir);
  return path;
}

/* The weights: the argument, else $NEURAL_STYLE_WEIGHTS, else the file
 * installed next to the plug-in. */
static gchar *
find_weights (GFile   *weights_file,
              GError **error)
{
  const gchar *env;
  gchar       *path;

  if (weights_file)
    {
      path = g_file_get_path (weights_file);
      if (path && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return path;

      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _("The VGG19 weights file '%s' does not exist."),
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
                   _("%s names the VGG19 weights file '%s', which does "
                     "not exist."),
                   WEIGHTS_ENV, env);
      return NULL;
    }

  path = plug_in_directory_weights ();
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return path;

  g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
               _("No VGG19 weights found (looked for '%s').  Download "
                 "them with weights/get-weights from the GIMP Neural "
                 "Style sources, then set %s to the downloaded file, "
                 "choose it as the VGG19 weights file, or install it "
                 "next to the plug-in as vgg19-conv.safetensors."),
               path, WEIGHTS_ENV);
  g_free (path);
  return NULL;
}

/* Runs in the worker thread: no libgimp calls here. */
static ns_progress_reply
stylize_progress (const ns_progress *progress,
                  void              *user_data)
{
  StylizeJob *job = user_data;

  g_mutex_lock (&job->mutex);
  job->progress      = *progress;
  job->have_progress = TRUE;
  g_mutex_unlock (&job->mutex);

  return NS_PROGRESS_CONTINUE;
}

static gpointer
stylize_thread (gpointer data)
{
  StylizeJob *job = data;
  ns_status   status;

  ns_style style = { job->style, 1.0 };

  status = ns_stylize (job->weights, job->content, &style, 1, &job->params,
                       stylize_progress, job, &job->result, &job->error);

  g_mutex_lock (&job->mutex);
  job->status   = status;
  job->finished = TRUE;
  g_mutex_unlock (&job->mutex);

  return NULL;
}

/* Runs the engine in a worker thread while this (the main) thread reports
 * its progress to GIMP. */
static gboolean
stylize (const vgg19_weights *weights,
         const ns_image      *content,
         const ns_image      *style,
         const ns_params     *params,
         ns_image            *result,
         GError             **error)
{
  StylizeJob  job = { 0 };
  GThread    *thread;
  gint        shown_iteration = -1;
  gboolean    finished        = FALSE;

  job.weights = weights;
  job.content = content;
  job.style   = style;
  job.params  = *params;
  g_mutex_init (&job.mutex);

  gimp_progress_set_text (_("Neural style: preparing"));

  thread = g_thread_try_new ("neural-style", stylize_thread, &job, error);
  if (! thread)
    {
      g_mutex_clear (&job.mutex);
      return FALSE;
    }

  while (! finished)
    {
      ns_progress progress;
      gboolean    have_progress;

      g_usleep (PROGRESS_POLL_USEC);

      g_mutex_lock (&job.mutex);
      progress      = job.progress;
      have_progress = job.have_progress;
      finished      = job.finished;
      g_mutex_unlock (&job.mutex);

      if (have_progress && progress.iteration != shown_iteration)
        {
          gchar *text;

          /* TRANSLATORS: the first two numbers are the current and the total
           * number of iterations, the third the loss (e.g. 1.2e+04). */
          text = g_strdup_printf (_("Neural style: iteration %d/%d · loss %.3g"),
                                  progress.iteration, progress.iterations,
                                  progress.loss);
          gimp_progress_set_text (text);
          g_free (text);

          if (progress.iterations > 0)
            gimp_progress_update ((gdouble) progress.iteration /
                                  (gdouble) progress.iterations);
          shown_iteration = progress.iteration;
        }
    }

  g_thread_join (thread);
  g_mutex_clear (&job.mutex);

  if (job.status != NS_OK)
    {
      ns_image_free (&job.result);
      g_set_error_literal (error, GIMP_PLUG_IN_ERROR, 0,
                           job.error.message[0] ?
                           job.error.message :
                           _("The style transfer failed."));
      return FALSE;
    }

  *result = job.result;
  return TRUE;
}

/* Inserts the result as a new layer directly above content, with its
 * size and offsets, as one undo step. */
static GimpLayer *
insert_result_layer (GimpImage      *image,
                     GimpDrawable   *content,
                     const Babl     *format,
                     const ns_image *result)
{
  GimpLayer     *layer;
  GeglBuffer    *buffer;
  GimpImageType  type;
  gchar         *content_name;
  gchar         *name;
  gint           offset_x;
  gint           offset_y;

  type = gimp_image_get_base_type (image) == GIMP_GRAY ?
         GIMP_GRAYA_IMAGE : GIMP_RGBA_IMAGE;

  content_name = gimp_item_get_name (GIMP_ITEM (content));
  /* TRANSLATORS: the name of the new layer; %s is the content layer's name. */
  name = g_strdup_printf (_("%s (neural style)"), content_name);

  gimp_drawable_get_offsets (content, &offset_x, &offset_y);

  gimp_image_undo_group_start (image);

  layer = gimp_layer_new (image, name, result->width, result->height,
                          type, 100.0, GIMP_LAYER_MODE_NORMAL);
  gimp_image_insert_layer (image, layer,
                           GIMP_LAYER (gimp_item_get_parent (GIMP_ITEM (content))),
                           gimp_image_get_item_position (image,
                                                         GIMP_ITEM (content)));
  gimp_layer_set_offsets (layer, offset_x, offset_y);

  buffer = gimp_drawable_get_buffer (GIMP_DRAWABLE (layer));
  gegl_buffer_set (buffer, GEGL_RECTANGLE (0, 0, result->width, result->height),
                   0, format, result->data, GEGL_AUTO_ROWSTRIDE);
  g_object_unref (buffer);

  gimp_drawable_update (GIMP_DRAWABLE (layer), 0, 0,
                        result->width, result->height);

  gimp_image_undo_group_end (image);

  g_free (name);
  g_free (content_name);

  return layer;
}
