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
 * babl converts every drawable, of any precision and colour space, to
 * R'G'B'A float in the content's space; the engine loads its weights and
 * works on those floats in a worker thread while this (the main) thread
 * talks to GIMP; the result becomes a new layer above the content, in the
 * image's precision, limited to the selection by a layer mask.  The layer
 * is inserted only at the very end, so a run killed by GIMP's Cancel
 * leaves the image as it was.  The content and style layers are only read.
 */

#include <math.h>
#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <glib/gi18n-lib.h>

#include "neural_style.h"
#include "ns_weights.h"
#include "neural-style-dialog.h"
#include "neural-style-params.h"
#include "neural-style-progress.h"


#define PLUG_IN_PROC   "plug-in-neural-style"
#define PLUG_IN_BINARY "neural-style"

#define WEIGHTS_FILE_NAME "vgg19-conv.safetensors"
#define WEIGHTS_ENV       "NEURAL_STYLE_WEIGHTS"
#define PRESETS_DIR_NAME  "presets"

/* How often the main thread looks at the worker: without a window, and
 * with one (whose events it also handles). */
#define POLL_USEC            100000
#define UI_POLL_USEC          20000
/* The progress text is refreshed at least this often (it shows the
 * elapsed time), and the preview at most this often. */
#define TEXT_INTERVAL_USEC  1000000
#define PREVIEW_INTERVAL_USEC 500000

#define MAX_SCALES 16


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

/* What the worker thread needs and hands back.  The mutex guards the
 * "shared" fields; inputs are written before the thread starts, outputs
 * before finished is set; request is atomic. */
typedef struct
{
  /* inputs */
  const gchar         *weights_path;
  const ns_image      *content;
  const ns_image      *style;
  ns_params            params;
  gboolean             want_previews;

  /* shared */
  GMutex               mutex;
  gboolean             weights_loaded;
  gboolean             have_progress;
  ns_progress          progress;       /* planar_rgb not valid */
  ns_image             preview;        /* the latest snapshot, if any */
  gint64               preview_time;
  gboolean             finished;

  gint                 request;        /* a NeuralStyleRequest */

  /* outputs */
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

static void             default_style_layer           (GimpProcedureConfig  *config,
                                                       GimpImage            *image,
                                                       GimpDrawable         *drawable);
static void             params_from_config            (GimpProcedureConfig  *config,
                                                       ns_params            *params);
static gboolean         read_region                   (GimpDrawable         *drawable,
                                                       const Babl           *format,
                                                       const GeglRectangle  *region,
                                                       ns_image             *image,
                                                       GError              **error);
static gboolean         read_style_file               (GFile                *file,
                                                       const Babl           *format,
                                                       ns_image             *image,
                                                       GError              **error);
static gchar          * find_weights                  (GFile                *weights_file,
                                                       GError              **error);
static GimpPDBStatusType stylize                      (const gchar          *weights_path,
                                                       const ns_image       *content,
                                                       const ns_image       *style,
                                                       const ns_params      *params,
                                                       const Babl           *format,
                                                       gboolean              show_window,
                                                       ns_image             *result,
                                                       GError              **error);
static GimpLayer      * insert_result_layer           (GimpImage            *image,
                                                       GimpDrawable         *content,
                                                       const Babl           *format,
                                                       const GeglRectangle  *region,
                                                       gboolean              masked,
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
  gint           i;

  /* Shallow to deep: what each style layer weight controls. */
  const gchar *layer_weight_nicks[NS_STYLE_LAYER_COUNT] =
  {
    N_("Layer _1 (finest)"),
    N_("Layer _2"),
    N_("Layer _3"),
    N_("Layer _4"),
    N_("Layer _5 (largest)"),
  };
  const gchar *layer_weight_blurbs[NS_STYLE_LAYER_COUNT] =
  {
    N_("Share of the shallowest style layer (relu1_1, or relu1_2 in the "
       "seed set): the finest grain, colours and edges"),
    N_("Share of the second style layer (relu2_1 or relu2_2): small "
       "textures"),
    N_("Share of the third style layer (relu3_1 or relu3_4): brush strokes "
       "and patterns"),
    N_("Share of the fourth style layer (relu4_1 or relu4_4): larger "
       "motifs"),
    N_("Share of the deepest style layer (relu5_1 or relu5_4): the "
       "largest shapes of the style"),
  };

  if (strcmp (name, PLUG_IN_PROC) != 0)
    return NULL;

  ns_params_init (&defaults);

  procedure = gimp_image_procedure_new (plug_in, name,
                                        GIMP_PDB_PROC_TYPE_PLUGIN,
                                        neural_style_run, NULL, NULL);

  /* Indexed images are not offered: their palette cannot hold a painting. */
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
       "The result is a new layer above the layer, limited to the "
       "selection by a layer mask when there is one; neither input is "
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
                                     _("The layer whose look is painted onto "
                                       "your layer: a painting, a texture, a "
                                       "photo.  It may belong to any open "
                                       "image (give this or style-file)"),
                                     TRUE,
                                     G_PARAM_READWRITE);

  /* Files are declared with ACTION_ANY: with ACTION_OPEN, GIMP itself
   * rejects a missing file as an "out of range" value before the plug-in
   * runs, and the plug-in's own message says more.  The dialog shows open
   * choosers for them (ui/neural-style-dialog.c). */
  gimp_procedure_add_file_argument (procedure, "style-file",
                                    _("Style image file"),
                                    _("An image file whose look is painted "
                                      "onto your layer (give this or "
                                      "style-layer)"),
                                    GIMP_FILE_CHOOSER_ACTION_ANY,
                                    TRUE, NULL,
                                    G_PARAM_READWRITE);

  gimp_procedure_add_double_argument (procedure, "content-weight",
                                      _("Co_ntent weight (α)"),
                                      _("How strongly the result keeps the "
                                        "shapes of your layer.  Only its "
                                        "ratio to the style weight matters: "
                                        "raise it to keep more of the "
                                        "original"),
                                      0.0, NEURAL_STYLE_CONTENT_WEIGHT_MAX,
                                      defaults.content_weight,
                                      G_PARAM_READWRITE);

  gimp_procedure_add_double_argument (procedure, "style-weight",
                                      _("Style _weight (β)"),
                                      _("How strongly the result takes the "
                                        "textures and colours of the style "
                                        "picture.  1 balances it with a "
                                        "content weight of 1; raise it for a "
                                        "stronger style"),
                                      0.0, NEURAL_STYLE_STYLE_WEIGHT_MAX,
                                      defaults.style_weight,
                                      G_PARAM_READWRITE);

  gimp_procedure_add_double_argument (procedure, "learning-rate",
                                      _("Learnin_g rate"),
                                      _("How far each Adam step may change "
                                        "a colour (0 to 1 is the whole "
                                        "range): larger is faster but "
                                        "noisier.  Only used by the Adam "
                                        "optimiser"),
                                      NEURAL_STYLE_LEARNING_RATE_MIN,
                                      NEURAL_STYLE_LEARNING_RATE_MAX,
                                      defaults.learning_rate,
                                      G_PARAM_READWRITE);

  gimp_procedure_add_int_argument (procedure, "iterations",
                                   _("I_terations"),
                                   _("How many improvement steps to take at "
                                     "the first scale (later, finer scales "
                                     "take fewer).  More steps give a more "
                                     "finished painting and take longer"),
                                   1, NS_MAX_ITERATIONS, defaults.iterations,
                                   G_PARAM_READWRITE);

  gimp_procedure_add_int_argument (procedure, "max-size",
                                   _("Wor_king size"),
                                   _("The longest side, in pixels, of the "
                                     "picture the optimisation paints (0: "
                                     "the layer's own size).  The result is "
                                     "resized to the layer; larger sizes "
                                     "show finer brush work and need much "
                                     "more time and memory"),
                                   0, NS_MAX_WORKING_SIZE, defaults.max_size,
                                   G_PARAM_READWRITE);

  gimp_procedure_add_file_argument (procedure, "weights-file",
                                    _("VGG19 weights file"),
                                    _("A safetensors file with VGG19's "
                                      "convolutions (default: "
                                      "$NEURAL_STYLE_WEIGHTS, else "
                                      "vgg19-conv.safetensors next to "
                                      "the plug-in)"),
                                    GIMP_FILE_CHOOSER_ACTION_ANY,
                                    TRUE, NULL,
                                    G_PARAM_READWRITE);

  gimp_procedure_add_choice_argument (procedure, "optimizer",
                                      _("Opti_miser"),
                                      _("How the picture is improved: L-BFGS "
                                        "(the paper's) needs the fewest "
                                        "steps; Adam takes even steps of the "
                                        "learning rate"),
                                      gimp_choice_new_with_values
                                        (NEURAL_STYLE_OPTIMIZER_LBFGS, NS_OPTIMIZER_LBFGS,
                                         _("L-BFGS"), NULL,
                                         NEURAL_STYLE_OPTIMIZER_ADAM, NS_OPTIMIZER_ADAM,
                                         _("Adam"), NULL,
                                         NULL),
                                      defaults.optimizer == NS_OPTIMIZER_ADAM ?
                                      NEURAL_STYLE_OPTIMIZER_ADAM :
                                      NEURAL_STYLE_OPTIMIZER_LBFGS,
                                      G_PARAM_READWRITE);

  gimp_procedure_add_choice_argument (procedure, "layer-set",
                                      _("Lay_er set"),
                                      _("Which VGG19 layers judge content and "
                                        "style: the paper's (content relu4_2, "
                                        "style relu1_1 to relu5_1) or the "
                                        "seed write-up's (content relu4_4, "
                                        "style relu1_2 to relu5_4)"),
                                      gimp_choice_new_with_values
                                        (NEURAL_STYLE_LAYERS_PAPER, NS_LAYERS_PAPER,
                                         _("Paper (Gatys et al.)"), NULL,
                                         NEURAL_STYLE_LAYERS_SEED, NS_LAYERS_SEED,
                                         _("Seed write-up"), NULL,
                                         NULL),
                                      defaults.layer_set == NS_LAYERS_SEED ?
                                      NEURAL_STYLE_LAYERS_SEED :
                                      NEURAL_STYLE_LAYERS_PAPER,
                                      G_PARAM_READWRITE);

  gimp_procedure_add_boolean_argument (procedure, "multi-scale",
                                       _("M_ulti-scale (coarse to fine)"),
                                       _("Paint a small version first and "
                                         "refine it at larger sizes up to the "
                                         "working size: larger brush strokes "
                                         "and a faster start"),
                                       defaults.multi_scale != 0,
                                       G_PARAM_READWRITE);

  gimp_procedure_add_int_argument (procedure, "min-scale-size",
                                   _("Coarsest scale si_ze"),
                                   _("The longest side, in pixels, of the "
                                     "first, smallest scale of a multi-scale "
                                     "run"),
                                   NEURAL_STYLE_MIN_SCALE_SIZE_MIN,
                                   NS_MAX_WORKING_SIZE,
                                   defaults.min_scale_size,
                                   G_PARAM_READWRITE);

  gimp_procedure_add_boolean_argument (procedure, "keep-colors",
                                       _("Keep origin_al colours"),
                                       _("Take only the brightness from the "
                                         "painting and keep your layer's own "
                                         "colours"),
                                       defaults.keep_colors != 0,
                                       G_PARAM_READWRITE);

  gimp_procedure_add_double_argument (procedure, "style-scale",
                                      _("Te_xture scale"),
                                      _("The size of the style picture "
                                        "relative to the working size: below "
                                        "1 gives finer, smaller strokes, "
                                        "above 1 larger ones"),
                                      NEURAL_STYLE_STYLE_SCALE_MIN,
                                      NEURAL_STYLE_STYLE_SCALE_MAX,
                                      defaults.style_scale,
                                      G_PARAM_READWRITE);

  gimp_procedure_add_double_argument (procedure, "tv-weight",
                                      _("Smoot_hing (TV weight)"),
                                      _("Total-variation weight: smooths "
                                        "pixel noise in the result; 0 turns "
                                        "it off"),
                                      0.0, NEURAL_STYLE_TV_WEIGHT_MAX,
                                      defaults.tv_weight,
                                      G_PARAM_READWRITE);

  gimp_procedure_add_choice_argument (procedure, "init",
                                      _("_Initial image"),
                                      _("What the painting starts from: your "
                                        "layer (keeps it recognisable), "
                                        "noise (a fresh painting, varies with "
                                        "the seed) or the style picture"),
                                      gimp_choice_new_with_values
                                        (NEURAL_STYLE_INIT_CONTENT, NS_INIT_CONTENT,
                                         _("The content"), NULL,
                                         NEURAL_STYLE_INIT_NOISE, NS_INIT_NOISE,
                                         _("Noise"), NULL,
                                         NEURAL_STYLE_INIT_STYLE, NS_INIT_STYLE,
                                         _("The style picture"), NULL,
                                         NULL),
                                      defaults.init == NS_INIT_NOISE ?
                                      NEURAL_STYLE_INIT_NOISE :
                                      defaults.init == NS_INIT_STYLE ?
                                      NEURAL_STYLE_INIT_STYLE :
                                      NEURAL_STYLE_INIT_CONTENT,
                                      G_PARAM_READWRITE);

  gimp_procedure_add_int_argument (procedure, "seed",
                                   _("Noise see_d"),
                                   _("Picks the noise a noise start begins "
                                     "from: the same seed and settings give "
                                     "the same result"),
                                   0, NEURAL_STYLE_SEED_MAX,
                                   (gint) MIN (defaults.seed,
                                               (unsigned) NEURAL_STYLE_SEED_MAX),
                                   G_PARAM_READWRITE);

  for (i = 0; i < NS_STYLE_LAYER_COUNT; i++)
    {
      gchar *arg = g_strdup_printf (NEURAL_STYLE_LAYER_WEIGHT_NAME, i + 1);

      gimp_procedure_add_double_argument (procedure, arg,
                                          _(layer_weight_nicks[i]),
                                          _(layer_weight_blurbs[i]),
                                          0.0, NEURAL_STYLE_LAYER_WEIGHT_MAX,
                                          defaults.style_layer_weights[i],
                                          G_PARAM_READWRITE);
      g_free (arg);
    }

  /* Which of the two style arguments the dialog uses (not part of the
   * PDB signature; remembered between interactive runs). */
  gimp_procedure_add_choice_aux_argument (procedure, "style-source",
                                          _("Style _from"),
                                          _("Take the style from a layer of "
                                            "an open image or from an image "
                                            "file"),
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

/* A file or folder installed next to the plug-in's binary. */
static gchar *
plug_in_directory_path (const gchar *name)
{
  gchar *dir  = g_path_get_dirname (gimp_get_progname ());
  gchar *path = g_build_filename (dir, name, NULL);

  g_free (dir);
  return path;
}

static GimpValueArray *
neural_style_run (GimpProcedure        *procedure,
                  GimpRunMode           run_mode,
                  GimpImage            *image,
                  GimpDrawable        **drawables,
                  GimpProcedureConfig  *config,
                  gpointer              run_data)
{
  GimpValueArray    *return_vals;
  GimpDrawable      *drawable;
  GimpLayer         *style_layer  = NULL;
  GFile             *style_file   = NULL;
  GFile             *weights_file = NULL;
  GimpLayer         *new_layer    = NULL;
  const Babl        *format;
  GeglRectangle      region;
  gboolean           masked;
  ns_params          params;
  ns_image           content      = { 0 };
  ns_image           style        = { 0 };
  ns_image           result       = { 0 };
  ns_error           ns_err       = { 0 };
  gchar             *weights_path = NULL;
  GimpPDBStatusType  status       = GIMP_PDB_EXECUTION_ERROR;
  GError            *error        = NULL;

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

  /* Layer arguments are never remembered: suggest one. */
  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    default_style_layer (config, image, drawable);

  /* A repeated run (Filters ▸ Repeat) uses the source the dialog last
   * used; the dialog itself clears the other one. */
  if (run_mode == GIMP_RUN_WITH_LAST_VALS)
    {
      if (gimp_procedure_config_get_choice_id (config, "style-source") ==
          NEURAL_STYLE_SOURCE_FILE)
        g_object_set (config, "style-layer", NULL, NULL);
      else
        g_object_set (config, "style-file", NULL, NULL);
    }

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      gchar    *presets = plug_in_directory_path (PRESETS_DIR_NAME);
      gboolean  run     = neural_style_dialog_run (procedure, config, presets);

      g_free (presets);
      if (! run)
        return gimp_procedure_new_return_values (procedure,
                                                 GIMP_PDB_CANCEL, NULL);
    }

  params_from_config (config, &params);
  g_object_get (config,
                "style-layer",  &style_layer,
                "style-file",   &style_file,
                "weights-file", &weights_file,
                NULL);

  /* GIMP stores the settings of interactive runs, but cannot store a layer
   * (and warns about it): forget it now that it is read. */
  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    g_object_set (config, "style-layer", NULL, NULL);

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
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("Invalid settings: %s."), ns_err.message);
      status = GIMP_PDB_CALLING_ERROR;
      goto out;
    }

  /* With a selection, only its bounding box is painted, and a mask made
   * from it limits the new layer to it. */
  masked = ! gimp_selection_is_empty (image);
  if (! gimp_drawable_mask_intersect (drawable, &region.x, &region.y,
                                      &region.width, &region.height))
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   _("The selection does not touch the layer: there is "
                     "nothing to paint."));
      status = GIMP_PDB_CALLING_ERROR;
      goto out;
    }

  weights_path = find_weights (weights_file, &error);
  if (! weights_path)
    goto out;

  gimp_progress_init (_("Neural style"));

  /* The content's own colour space (its ICC profile, linear or not),
   * gamma-encoded as the engine expects; the style is read into the same
   * space so that both are compared in the same colours. */
  format = babl_format_with_space ("R'G'B'A float",
                                   gimp_drawable_get_format (drawable));

  if (! read_region (drawable, format, &region, &content, &error))
    goto out;

  if (style_layer)
    {
      GeglRectangle whole = { 0, 0,
                              gimp_drawable_get_width (GIMP_DRAWABLE (style_layer)),
                              gimp_drawable_get_height (GIMP_DRAWABLE (style_layer)) };

      if (! read_region (GIMP_DRAWABLE (style_layer), format, &whole, &style, &error))
        goto out;
    }
  else
    {
      gimp_progress_set_text (_("Neural style: loading the style image"));
      if (! read_style_file (style_file, format, &style, &error))
        goto out;
    }

  status = stylize (weights_path, &content, &style, &params, format,
                    run_mode == GIMP_RUN_INTERACTIVE, &result, &error);
  if (status != GIMP_PDB_SUCCESS)
    goto out;

  new_layer = insert_result_layer (image, drawable, format, &region, masked,
                                   &result);

  gimp_progress_update (1.0);
  gimp_progress_end ();

  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp_displays_flush ();

 out:
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

/* When no style layer is set (layer arguments are never remembered),
 * suggests the top-most other layer of the image, else the first layer of
 * another open image. */
static void
default_style_layer (GimpProcedureConfig *config,
                     GimpImage           *image,
                     GimpDrawable        *drawable)
{
  GimpLayer  *current = NULL;
  GimpLayer  *choice  = NULL;
  GimpLayer **layers;
  GimpImage **images;
  gint        i;

  g_object_get (config, "style-layer", &current, NULL);
  if (current)
    {
      g_object_unref (current);
      return;
    }

  layers = gimp_image_get_layers (image);
  for (i = 0; layers && layers[i] && ! choice; i++)
    if (GIMP_DRAWABLE (layers[i]) != drawable)
      choice = layers[i];

  images = gimp_get_images ();
  for (i = 0; images && images[i] && ! choice; i++)
    if (images[i] != image)
      {
        GimpLayer **other = gimp_image_get_layers (images[i]);

        if (other && other[0])
          choice = other[0];
        g_free (other);
      }

  if (choice)
    g_object_set (config, "style-layer", choice, NULL);

  if (choice)
    {
      gchar *name = gimp_item_get_name (GIMP_ITEM (choice));

      g_debug ("suggested style layer: %s", name);
      g_free (name);
    }

  g_free (images);
  g_free (layers);
}

static void
params_from_config (GimpProcedureConfig *config,
                    ns_params           *params)
{
  gboolean multi_scale;
  gboolean keep_colors;
  gint     seed;
  gint     i;

  ns_params_init (params);

  g_object_get (config,
                "content-weight", &params->content_weight,
                "style-weight",   &params->style_weight,
                "learning-rate",  &params->learning_rate,
                "iterations",     &params->iterations,
                "max-size",       &params->max_size,
                "multi-scale",    &multi_scale,
                "min-scale-size", &params->min_scale_size,
                "keep-colors",    &keep_colors,
                "style-scale",    &params->style_scale,
                "tv-weight",      &params->tv_weight,
                "seed",           &seed,
                NULL);

  params->multi_scale = multi_scale;
  params->keep_colors = keep_colors;
  params->seed        = (unsigned) seed;
  params->optimizer   = gimp_procedure_config_get_choice_id (config, "optimizer");
  params->layer_set   = gimp_procedure_config_get_choice_id (config, "layer-set");
  params->init        = gimp_procedure_config_get_choice_id (config, "init");

  for (i = 0; i < NS_STYLE_LAYER_COUNT; i++)
    {
      gchar *name = g_strdup_printf (NEURAL_STYLE_LAYER_WEIGHT_NAME, i + 1);

      g_object_get (config, name, &params->style_layer_weights[i], NULL);
      g_free (name);
    }
}

/* Reads a rectangle of drawable (in its own coordinates) as interleaved
 * R'G'B'A floats in format; babl converts from any precision and space. */
static gboolean
read_region (GimpDrawable         *drawable,
             const Babl           *format,
             const GeglRectangle  *region,
             ns_image             *image,
             GError              **error)
{
  GeglBuffer *buffer;
  ns_error    ns_err = { 0 };

  if (ns_image_alloc (image, region->width, region->height, 4, &ns_err) != NS_OK)
    {
      g_set_error_literal (error, GIMP_PLUG_IN_ERROR, 0, ns_err.message);
      return FALSE;
    }

  buffer = gimp_drawable_get_buffer (drawable);
  gegl_buffer_get (buffer, region, 1.0, format, image->data,
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
  GimpImage     *style_image;
  GimpLayer     *layer;
  GeglRectangle  whole;
  gboolean       success;

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

  whole.x      = 0;
  whole.y      = 0;
  whole.width  = gimp_drawable_get_width (GIMP_DRAWABLE (layer));
  whole.height = gimp_drawable_get_height (GIMP_DRAWABLE (layer));

  success = read_region (GIMP_DRAWABLE (layer), format, &whole, image, error);
  gimp_image_delete (style_image);

  return success;
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

  path = plug_in_directory_path (WEIGHTS_FILE_NAME);
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


/*  The worker thread: no libgimp calls here.  */

static ns_progress_reply
stylize_progress (const ns_progress *progress,
                  void              *user_data)
{
  StylizeJob *job = user_data;
  gint64      now = g_get_monotonic_time ();

  g_mutex_lock (&job->mutex);
  job->progress            = *progress;
  job->progress.planar_rgb = NULL;
  job->have_progress       = TRUE;

  if (job->want_previews &&
      now - job->preview_time >= PREVIEW_INTERVAL_USEC)
    {
      ns_error ignored;

      ns_image_clear (&job->preview);
      if (ns_progress_snapshot (progress, &job->preview, &ignored) != NS_OK)
        memset (&job->preview, 0, sizeof job->preview);
      job->preview_time = now;
    }
  g_mutex_unlock (&job->mutex);

  switch (g_atomic_int_get (&job->request))
    {
    case NEURAL_STYLE_REQUEST_STOP:   return NS_PROGRESS_STOP;
    case NEURAL_STYLE_REQUEST_CANCEL: return NS_PROGRESS_CANCEL;
    default:                          return NS_PROGRESS_CONTINUE;
    }
}

static gpointer
stylize_thread (gpointer data)
{
  StylizeJob    *job = data;
  ns_weights  weights;
  ns_style       style;
  ns_status      status;

  /* Only the convolutions the chosen layers use. */
  status = ns_weights_load (&weights, job->weights_path,
                               ns_conv_count_needed (&job->params),
                               &job->error);
  if (status == NS_OK)
    {
      g_mutex_lock (&job->mutex);
      job->weights_loaded = TRUE;
      g_mutex_unlock (&job->mutex);

      style.image = job->style;
      style.blend = 1.0;
      status = ns_stylize (&weights, job->content, &style, 1, &job->params,
                           stylize_progress, job, &job->result, &job->error);
      ns_weights_clear (&weights);
    }

  g_mutex_lock (&job->mutex);
  job->status   = status;
  job->finished = TRUE;
  g_mutex_unlock (&job->mutex);

  return NULL;
}


/*  The main thread's side  */

/* A loss in a few characters: 0.42, 12.3, 1.2e4, 3.4e-5. */
static gchar *
format_loss (gdouble loss)
{
  gchar *text;
  gchar *e;

  if (! isfinite (loss))
    return g_strdup ("–");

  if (loss != 0.0 && (fabs (loss) >= 1.0e4 || fabs (loss) < 1.0e-2))
    text = g_strdup_printf ("%.1e", loss);
  else
    return g_strdup_printf ("%.3g", loss);

  /* "1.2e+04" → "1.2e4", "3.4e-05" → "3.4e-5" */
  e = strchr (text, 'e');
  if (e)
    {
      gchar *digits = e + 1;
      gchar *out    = e + 1;

      if (*digits == '+')
        digits++;
      else if (*digits == '-')
        out = ++digits;
      while (digits[0] == '0' && digits[1] != '\0')
        digits++;
      memmove (out, digits, strlen (digits) + 1);
    }

  return text;
}

static gchar *
format_elapsed (gint64 usec)
{
  gint64 seconds = usec / G_USEC_PER_SEC;

  if (seconds >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (gint) (seconds / 3600),
                            (gint) (seconds / 60 % 60), (gint) (seconds % 60));

  return g_strdup_printf ("%d:%02d", (gint) (seconds / 60), (gint) (seconds % 60));
}

/* The share of the work done: each scale costs its iterations times its
 * pixel count. */
static gdouble
progress_fraction (const ns_progress *progress,
                   const gint        *sizes,
                   const gint        *iterations,
                   gint               scales)
{
  gdouble total = 0.0;
  gdouble done  = 0.0;
  gint    k;

  for (k = 0; k < scales; k++)
    {
      gdouble cost = (gdouble) iterations[k] * sizes[k] * sizes[k];

      total += cost;
      if (k + 1 < progress->scale)
        done += cost;
      else if (k + 1 == progress->scale && progress->iterations > 0)
        done += cost * MIN (1.0, (gdouble) progress->iteration /
                                 progress->iterations);
    }

  return total > 0.0 ? done / total : 0.0;
}

static void
show_preview (GtkWidget      *window,
              const ns_image *snapshot,
              const Babl     *format)
{
  const Babl *from;
  guchar     *bytes;

  /* Conversion, not arithmetic: babl turns the engine's floats (in the
   * image's space) into sRGB bytes for the screen. */
  from  = babl_format_with_space ("R'G'B' float", format);
  bytes = g_malloc ((gsize) snapshot->width * snapshot->height * 3);
  babl_process (babl_fish (from, babl_format ("R'G'B' u8")),
                snapshot->data, bytes,
                (glong) snapshot->width * snapshot->height);
  neural_style_progress_set_preview (window, bytes, snapshot->width,
                                     snapshot->height, snapshot->width * 3);
  g_free (bytes);
}

/* Runs the engine in a worker thread while this thread reports its
 * progress to GIMP (and, when show_window, shows the progress window and
 * handles its buttons).  Returns GIMP_PDB_SUCCESS with result set,
 * GIMP_PDB_CANCEL, or GIMP_PDB_EXECUTION_ERROR with error set. */
static GimpPDBStatusType
stylize (const gchar     *weights_path,
         const ns_image  *content,
         const ns_image  *style,
         const ns_params *params,
         const Babl      *format,
         gboolean         show_window,
         ns_image        *result,
         GError         **error)
{
  StylizeJob  job = { 0 };
  GThread    *thread;
  GtkWidget  *window = NULL;
  gint        sizes[MAX_SCALES];
  gint        iterations[MAX_SCALES];
  gint        scales;
  gint64      start;
  gint64      last_text = 0;
  gint        shown_scale = -1;
  gint        shown_iteration = -1;
  gboolean    finished = FALSE;

  job.weights_path  = weights_path;
  job.content       = content;
  job.style         = style;
  job.params        = *params;
  job.want_previews = show_window;
  g_mutex_init (&job.mutex);

  scales = ns_scale_schedule (params, content->width, content->height,
                              sizes, iterations, MAX_SCALES);

  if (show_window)
    window = neural_style_progress_new ();

  start  = g_get_monotonic_time ();
  thread = g_thread_try_new ("neural-style", stylize_thread, &job, error);
  if (! thread)
    {
      if (window)
        gtk_widget_destroy (window);
      g_mutex_clear (&job.mutex);
      return GIMP_PDB_EXECUTION_ERROR;
    }

  while (! finished)
    {
      ns_progress progress;
      ns_image    preview = { 0 };
      gboolean    have_progress;
      gboolean    weights_loaded;
      gint64      now;

      if (window)
        {
          NeuralStyleRequest request;

          while (gtk_events_pending ())
            gtk_main_iteration ();

          request = neural_style_progress_get_request (window);
          if (request != NEURAL_STYLE_REQUEST_NONE)
            g_atomic_int_set (&job.request, request);

          g_usleep (UI_POLL_USEC);
        }
      else
        {
          g_usleep (POLL_USEC);
        }

      g_mutex_lock (&job.mutex);
      progress       = job.progress;
      have_progress  = job.have_progress;
      weights_loaded = job.weights_loaded;
      finished       = job.finished;
      preview        = job.preview;
      memset (&job.preview, 0, sizeof job.preview);
      g_mutex_unlock (&job.mutex);

      if (preview.data)
        {
          show_preview (window, &preview, format);
          ns_image_clear (&preview);
        }

      /* New progress is shown (the last one too), and at least every
       * second the text is refreshed (its clock moves). */
      now = g_get_monotonic_time ();
      if ((have_progress && (progress.iteration != shown_iteration ||
                             progress.scale     != shown_scale)) ||
          (! finished && now - last_text >= TEXT_INTERVAL_USEC))
        {
          gchar   *elapsed = format_elapsed (now - start);
          gchar   *text;
          gdouble  fraction = 0.0;

          if (have_progress)
            {
              gchar *loss = format_loss (progress.loss);

              /* TRANSLATORS: "Scale 2/3 · iteration 120/300 · loss 1.2e4 ·
               * 0:42": the scale of a coarse-to-fine run, the iteration at
               * that scale, the loss, and the time since the start. */
              text = g_strdup_printf (_("Scale %d/%d · iteration %d/%d · loss %s · %s"),
                                      progress.scale, progress.scales,
                                      progress.iteration, progress.iterations,
                                      loss, elapsed);
              g_free (loss);
              fraction = progress_fraction (&progress, sizes, iterations, scales);
              shown_scale     = progress.scale;
              shown_iteration = progress.iteration;
            }
          else if (weights_loaded)
            {
              /* TRANSLATORS: %s is the time since the start, e.g. 0:03. */
              text = g_strdup_printf (_("Preparing the style · %s"), elapsed);
            }
          else
            {
              /* TRANSLATORS: %s is the time since the start, e.g. 0:03. */
              text = g_strdup_printf (_("Loading the VGG19 weights · %s"), elapsed);
            }

          gimp_progress_set_text (text);
          if (have_progress)
            gimp_progress_update (fraction);
          else
            gimp_progress_pulse ();

          if (window)
            {
              neural_style_progress_set_text (window, text);
              neural_style_progress_set_fraction (window, fraction);
            }

          g_debug ("progress %.3f s: %s",
                   (gdouble) (now - start) / G_USEC_PER_SEC, text);

          g_free (text);
          g_free (elapsed);
          last_text = now;
        }
    }

  g_thread_join (thread);
  g_mutex_clear (&job.mutex);
  ns_image_clear (&job.preview);

  if (window)
    gtk_widget_destroy (window);

  g_debug ("finished after %.3f s: %s",
           (gdouble) (g_get_monotonic_time () - start) / G_USEC_PER_SEC,
           job.status == NS_OK ? "ok" :
           job.status == NS_ERROR_CANCELLED ? "cancelled" : job.error.message);

  if (job.status == NS_ERROR_CANCELLED)
    {
      ns_image_clear (&job.result);
      return GIMP_PDB_CANCEL;
    }

  if (job.status != NS_OK)
    {
      ns_image_clear (&job.result);
      g_set_error_literal (error, GIMP_PLUG_IN_ERROR, 0,
                           job.error.message[0] ?
                           job.error.message :
                           _("The style transfer failed."));
      return GIMP_PDB_EXECUTION_ERROR;
    }

  *result = job.result;
  return GIMP_PDB_SUCCESS;
}

/* Inserts the result as a new layer directly above content, covering the
 * painted region (of the content's coordinates), as one undo step; with a
 * selection, a layer mask made from it limits the layer to it. */
static GimpLayer *
insert_result_layer (GimpImage           *image,
                     GimpDrawable        *content,
                     const Babl          *format,
                     const GeglRectangle *region,
                     gboolean             masked,
                     const ns_image      *result)
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

  /* New layers take the image's precision; babl converts into it. */
  layer = gimp_layer_new (image, name, result->width, result->height,
                          type, 100.0, GIMP_LAYER_MODE_NORMAL);
  gimp_image_insert_layer (image, layer,
                           GIMP_LAYER (gimp_item_get_parent (GIMP_ITEM (content))),
                           gimp_image_get_item_position (image,
                                                         GIMP_ITEM (content)));
  gimp_layer_set_offsets (layer, offset_x + region->x, offset_y + region->y);

  buffer = gimp_drawable_get_buffer (GIMP_DRAWABLE (layer));
  gegl_buffer_set (buffer, GEGL_RECTANGLE (0, 0, result->width, result->height),
                   0, format, result->data, GEGL_AUTO_ROWSTRIDE);
  g_object_unref (buffer);

  gimp_drawable_update (GIMP_DRAWABLE (layer), 0, 0,
                        result->width, result->height);

  if (masked)
    {
      GimpLayerMask *mask = gimp_layer_create_mask (layer,
                                                    GIMP_ADD_MASK_SELECTION);

      gimp_layer_add_mask (layer, mask);
    }

  gimp_image_undo_group_end (image);

  g_free (name);
  g_free (content_name);

  return layer;
}
