/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The settings table (see ns_settings.h). */
#include "ns_settings.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

/* Marks a string for xgettext (po/POTFILES lists this file); the front ends
 * translate it. */
#define N_(text) text

/* Choices, booleans and the (unsigned) seed are read and written through an
 * int pointer; the seed's range is int's. */
_Static_assert (sizeof (ns_optimizer) == sizeof (int), "ns_optimizer is not int-sized");
_Static_assert (sizeof (ns_layer_set) == sizeof (int), "ns_layer_set is not int-sized");
_Static_assert (sizeof (ns_init) == sizeof (int), "ns_init is not int-sized");
_Static_assert (sizeof (ns_colors) == sizeof (int), "ns_colors is not int-sized");
_Static_assert (sizeof (unsigned) == sizeof (int), "the seed is not int-sized");

#define FIELD(name) offsetof (ns_params, name)

static const ns_setting_choice optimizer_choices[] = {
  { "lbfgs", N_ ("L-BFGS"), NS_OPTIMIZER_LBFGS, NULL },
  { "adam", N_ ("Adam"), NS_OPTIMIZER_ADAM, NULL },
  { NULL, NULL, 0, NULL },
};

static const ns_setting_choice layer_set_choices[] = {
  { "paper", N_ ("Paper (Gatys et al.)"), NS_LAYERS_PAPER, NULL },
  /* "seed" was its name until 0.1 (after the write-up it came from) */
  { "block-last", N_ ("Last ReLU of each block"), NS_LAYERS_BLOCK_LAST, "seed" },
  { NULL, NULL, 0, NULL },
};

static const ns_setting_choice init_choices[] = {
  { "content", N_ ("The content"), NS_INIT_CONTENT, NULL },
  { "noise", N_ ("Noise"), NS_INIT_NOISE, NULL },
  { "style", N_ ("The style picture"), NS_INIT_STYLE, NULL },
  { NULL, NULL, 0, NULL },
};

static const ns_setting_choice colors_choices[] = {
  { "style", N_ ("As painted"), NS_COLORS_STYLE, NULL },
  { "luminance", N_ ("Your layer's colours (brightness painted)"), NS_COLORS_LUMINANCE, NULL },
  { "match-style", N_ ("Style recoloured to your layer"), NS_COLORS_MATCH_STYLE, NULL },
  { "histogram", N_ ("Your layer's colour histogram"), NS_COLORS_HISTOGRAM, NULL },
  { NULL, NULL, 0, NULL },
};

#define LAYER_WEIGHT(i, label, help)    \
  { "style-layer-weight-" #i,           \
    NS_SETTING_DOUBLE,                  \
    FIELD (style_layer_weights[i - 1]), \
    1.0,                                \
    0.0,                                \
    1.0e3,                              \
    NULL,                               \
    label,                              \
    help,                               \
    NS_SETTING_GROUP_LAYER_WEIGHTS,     \
    2,                                  \
    0.1,                                \
    1.0 }

/* The order is the procedure's argument order (positional Script-Fu calls
 * depend on it) and the order the dialog shows the settings in. */
const ns_setting ns_settings[] = {
  { "content-weight", NS_SETTING_DOUBLE, FIELD (content_weight), 1.0, 0.0, 1.0e6, NULL,
    N_ ("Co_ntent weight (α)"),
    N_ ("How strongly the result keeps the shapes of your layer.  Only its ratio to the "
        "style weight matters: raise it to keep more of the original"),
    NS_SETTING_GROUP_MAIN, 3, 0.1, 1.0 },
  { "style-weight", NS_SETTING_DOUBLE, FIELD (style_weight), 1.0, 0.0, 1.0e9, NULL,
    N_ ("Style _weight (β)"),
    N_ ("How strongly the result takes the textures and colours of the style picture.  1 "
        "balances it with a content weight of 1; raise it for a stronger style"),
    NS_SETTING_GROUP_MAIN, 3, 0.1, 1.0 },
  /* The optimiser's step is above 0; GIMP's spin widget needs a minimum above 0. */
  { "learning-rate", NS_SETTING_DOUBLE, FIELD (learning_rate), 0.02, 0.0001, 10.0, NULL,
    N_ ("Learnin_g rate"),
    N_ ("How far each Adam step may change a colour (0 to 1 is the whole range): larger is "
        "faster but noisier.  Only used by the Adam optimiser"),
    NS_SETTING_GROUP_MAIN, 4, 0.001, 0.01 },
  { "iterations", NS_SETTING_INT, FIELD (iterations), 35, 1, NS_MAX_ITERATIONS, NULL,
    N_ ("I_terations"),
    N_ ("How many improvement steps each scale takes.  More steps give a more finished "
        "painting and take longer"),
    NS_SETTING_GROUP_MAIN, 0, 10.0, 100.0 },
  { "max-size", NS_SETTING_INT, FIELD (max_size), 512, 0, NS_MAX_WORKING_SIZE, NULL,
    N_ ("Wor_king size"),
    N_ ("The longest side, in pixels, of the picture the optimisation paints (0: the layer's "
        "own size).  The result is resized to the layer; larger sizes show finer brush work "
        "and need much more time and memory"),
    NS_SETTING_GROUP_ADVANCED, 0, 32.0, 256.0 },
  { "optimizer", NS_SETTING_CHOICE, FIELD (optimizer), NS_OPTIMIZER_LBFGS, 0, 0, optimizer_choices,
    N_ ("Opti_miser"),
    N_ ("How the picture is improved: L-BFGS (the paper's) needs the fewest steps; Adam takes "
        "even steps of the learning rate"),
    NS_SETTING_GROUP_ADVANCED, 0, 0, 0 },
  { "layer-set", NS_SETTING_CHOICE, FIELD (layer_set), NS_LAYERS_PAPER, 0, 0, layer_set_choices,
    N_ ("Layer set"),
    N_ ("Which VGG19 layers judge content and style: the paper's (content relu4_2, style "
        "relu1_1 to relu5_1) or the last ReLU of each block (content relu4_4, style relu1_2, "
        "relu2_2, relu3_4, relu4_4, relu5_4)"),
    NS_SETTING_GROUP_ADVANCED, 0, 0, 0 },
  { "multi-scale", NS_SETTING_BOOLEAN, FIELD (multi_scale), 1, 0, 1, NULL,
    N_ ("Multi-scal_e (coarse to fine)"),
    N_ ("Paint a small version first and refine it at larger sizes up to the working size: "
        "larger brush strokes and a faster start"),
    NS_SETTING_GROUP_ADVANCED, 0, 0, 0 },
  { "min-scale-size", NS_SETTING_INT, FIELD (min_scale_size), 128, 32, NS_MAX_WORKING_SIZE, NULL,
    N_ ("Coarsest scale si_ze"),
    N_ ("The longest side, in pixels, of the first, smallest scale of a multi-scale run"),
    NS_SETTING_GROUP_ADVANCED, 0, 16.0, 64.0 },
  { "detail-size", NS_SETTING_INT, FIELD (detail_size), 0, 0, NS_MAX_WORKING_SIZE, NULL,
    N_ ("_Detail scales above"),
    N_ ("Scales whose longest side is larger than this paint only the fine strokes (the two "
        "finest style layers) and keep the shapes of the scale before: far faster and leaner "
        "for print sizes.  0: every scale paints with all layers"),
    NS_SETTING_GROUP_ADVANCED, 0, 64.0, 512.0 },
  { "keep-strength", NS_SETTING_DOUBLE, FIELD (keep_strength), 10.0, 1.0, 1000.0, NULL,
    N_ ("Keep strength"),
    N_ ("In the region to keep (a face, text, a logo), the content weight is multiplied by "
        "this and the style's pull divided by it: the region stays as it is while the rest is "
        "painted"),
    NS_SETTING_GROUP_ADVANCED, 1, 1.0, 10.0 },
  { "colors", NS_SETTING_CHOICE, FIELD (colors), NS_COLORS_STYLE, 0, 0, colors_choices,
    N_ ("Colo_urs"),
    N_ ("Whose colours the result has: the painting's as painted; your layer's, taking only "
        "the brightness from the painting; the style picture's moved to your layer's colours "
        "before painting (its strokes in your layer's palette); or the painting's, shifted so "
        "that each colour channel has your layer's histogram"),
    NS_SETTING_GROUP_ADVANCED, 0, 0, 0 },
  { "style-scale", NS_SETTING_DOUBLE, FIELD (style_scale), 1.0, 0.05, 8.0, NULL, N_ ("Te_xture scale"),
    N_ ("The size of the style picture relative to the working size: below 1 gives finer, "
        "smaller strokes, above 1 larger ones.  A style picture is never enlarged beyond its "
        "own pixels (that would paint blur, not strokes)"),
    NS_SETTING_GROUP_ADVANCED, 2, 0.05, 0.25 },
  { "tv-weight", NS_SETTING_DOUBLE, FIELD (tv_weight), 0.0, 0.0, 1.0e6, NULL,
    N_ ("Smoothing (TV weight)"),
    N_ ("Total-variation weight: smooths pixel noise in the result; 0 turns it off"),
    NS_SETTING_GROUP_ADVANCED, 4, 0.001, 0.01 },
  { "init", NS_SETTING_CHOICE, FIELD (init), NS_INIT_CONTENT, 0, 0, init_choices,
    N_ ("_Initial image"),
    N_ ("What the painting starts from: your layer (keeps it recognisable), noise (a fresh "
        "painting, varies with the seed) or the style picture"),
    NS_SETTING_GROUP_ADVANCED, 0, 0, 0 },
  { "seed", NS_SETTING_INT, FIELD (seed), 0, 0, INT_MAX, NULL, N_ ("Noise seed"),
    N_ ("Picks the noise a noise start begins from: the same seed and settings give the same "
        "result"),
    NS_SETTING_GROUP_ADVANCED, 0, 1.0, 100.0 },
  { "memory-limit", NS_SETTING_INT, FIELD (memory_limit), 0, 0, NS_MAX_MEMORY_LIMIT, NULL,
    N_ ("Memory limit (MiB)"),
    N_ ("The most memory a run may take, in MiB; larger working sizes are painted in tiles "
        "to stay within it (the result is the same).  0: 2048 or half of the memory free "
        "when the run starts, whichever is less"),
    NS_SETTING_GROUP_ADVANCED, 0, 256.0, 1024.0 },
  /* Shallow to deep: what each style layer weight controls. */
  LAYER_WEIGHT (1, N_ ("Layer 1 (finest)"),
                N_ ("Share of the shallowest style layer (relu1_1, or relu1_2 in the last-ReLU "
                    "set): the finest grain, colours and edges")),
  LAYER_WEIGHT (2, N_ ("Layer 2"),
                N_ ("Share of the second style layer (relu2_1 or relu2_2): small textures")),
  LAYER_WEIGHT (3, N_ ("Layer 3"),
                N_ ("Share of the third style layer (relu3_1 or relu3_4): brush strokes and "
                    "patterns")),
  LAYER_WEIGHT (4, N_ ("Layer 4"),
                N_ ("Share of the fourth style layer (relu4_1 or relu4_4): larger motifs")),
  LAYER_WEIGHT (5, N_ ("Layer 5 (largest)"),
                N_ ("Share of the deepest style layer (relu5_1 or relu5_4): the largest shapes "
                    "of the style")),
};

const int ns_settings_count = (int) (sizeof ns_settings / sizeof ns_settings[0]);

const ns_setting_former ns_settings_former[] = {
  /* a boolean in 0.1 */
  { "keep-colors", "colors", "luminance", "style", N_ ("Keep origin_al colours"),
    N_ ("The older form of colors, still accepted: true is colors \"luminance\" (keep your "
        "layer's colours), false is colors \"style\"") },
};

const int ns_settings_former_count = (int) (sizeof ns_settings_former / sizeof ns_settings_former[0]);

const ns_setting *
ns_setting_find (const char *name)
{
  for (int i = 0; i < ns_settings_count; i++)
    if (strcmp (ns_settings[i].name, name) == 0)
      return &ns_settings[i];
  return NULL;
}

double
ns_setting_get (const ns_params *params, const ns_setting *setting)
{
  const char *field = (const char *) params + setting->offset;

  if (setting->type == NS_SETTING_DOUBLE)
    return *(const double *) field;
  return (double) *(const int *) field;
}

void
ns_setting_set (ns_params *params, const ns_setting *setting, double value)
{
  char *field = (char *) params + setting->offset;

  if (setting->type == NS_SETTING_DOUBLE)
    *(double *) field = value;
  else
    *(int *) field = value >= (double) INT_MIN && value <= (double) INT_MAX ? (int) value :
                     value < 0.0                                            ? INT_MIN :
                                                                              INT_MAX;
}

const ns_setting_choice *
ns_setting_choice_find (const ns_setting *setting, const char *nick)
{
  if (!setting->choices || !nick)
    return NULL;
  for (const ns_setting_choice *c = setting->choices; c->nick; c++)
    if (strcmp (c->nick, nick) == 0 || (c->alias && strcmp (c->alias, nick) == 0))
      return c;
  return NULL;
}

const ns_setting_former *
ns_setting_former_find (const char *name)
{
  for (int i = 0; name && i < ns_settings_former_count; i++)
    if (strcmp (ns_settings_former[i].name, name) == 0)
      return &ns_settings_former[i];
  return NULL;
}

const ns_setting_choice *
ns_setting_former_choice (const ns_setting_former *former, int value)
{
  const ns_setting *setting = ns_setting_find (former->setting);
  return setting ? ns_setting_choice_find (setting, value ? former->if_true : former->if_false) :
                   NULL;
}

const ns_setting_choice *
ns_setting_choice_of (const ns_setting *setting, int value)
{
  if (!setting->choices)
    return NULL;
  for (const ns_setting_choice *c = setting->choices; c->nick; c++)
    if (c->value == value)
      return c;
  return NULL;
}

const char *
ns_setting_default_nick (const ns_setting *setting)
{
  const ns_setting_choice *c = ns_setting_choice_of (setting, (int) setting->default_value);
  return c ? c->nick : NULL;
}

ns_status
ns_setting_check (const ns_setting *setting, double value, ns_error *err)
{
  switch (setting->type)
    {
    case NS_SETTING_CHOICE:
      if (!isfinite (value) || value != floor (value) || !ns_setting_choice_of (setting, (int) value))
        return ns_error_set (err, NS_ERROR_ARGUMENT, "%s: unknown choice %g", setting->name, value);
      return NS_OK;
    case NS_SETTING_BOOLEAN:
      if (value != 0.0 && value != 1.0)
        return ns_error_set (err, NS_ERROR_ARGUMENT, "%s must be 0 or 1 (got %g)", setting->name,
                             value);
      return NS_OK;
    case NS_SETTING_INT:
      if (!isfinite (value) || value != floor (value) || value < setting->min || value > setting->max)
        return ns_error_set (err, NS_ERROR_ARGUMENT,
                             "%s must be a whole number from %.15g to %.15g (got %g)",
                             setting->name, setting->min, setting->max, value);
      return NS_OK;
    case NS_SETTING_DOUBLE:
    default:
      if (!isfinite (value) || value < setting->min || value > setting->max)
        return ns_error_set (err, NS_ERROR_ARGUMENT, "%s must be a number from %g to %g (got %g)",
                             setting->name, setting->min, setting->max, value);
      return NS_OK;
    }
}
