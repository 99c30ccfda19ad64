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
_Static_assert (sizeof (ns_precision) == sizeof (int), "ns_precision is not int-sized");
_Static_assert (sizeof (unsigned) == sizeof (int), "the seed is not int-sized");
_Static_assert (NS_CONVERGED_WINDOW == 10, "the help of \"converged\" names 10 iterations");

#define FIELD(name) offsetof (ns_params, name)

/* An older name's list: the names, then the NULL one that ends it. */
#define FORMER(...) ((const ns_setting_former[]) { __VA_ARGS__, { .name = NULL } })

static const ns_setting_choice optimizer_choices[] = {
  { .nick = "lbfgs", .label = N_ ("L-BFGS"), .value = NS_OPTIMIZER_LBFGS },
  { .nick = "adam", .label = N_ ("Adam"), .value = NS_OPTIMIZER_ADAM },
  { .nick = NULL },
};

static const ns_setting_choice layer_set_choices[] = {
  { .nick = "paper", .label = N_ ("Paper (Gatys et al.)"), .value = NS_LAYERS_PAPER },
  { .nick = "block-last",
    .label = N_ ("Last ReLU of each block"),
    .value = NS_LAYERS_BLOCK_LAST,
    .former = FORMER ({ .name = "seed", .kind = NS_FORMER_NAME }) },
  { .nick = NULL },
};

static const ns_setting_choice init_choices[] = {
  { .nick = "content", .label = N_ ("The content"), .value = NS_INIT_CONTENT },
  { .nick = "noise", .label = N_ ("Noise"), .value = NS_INIT_NOISE },
  { .nick = "style", .label = N_ ("The style picture"), .value = NS_INIT_STYLE },
  { .nick = NULL },
};

static const ns_setting_choice colors_choices[] = {
  { .nick = "style", .label = N_ ("As painted"), .value = NS_COLORS_STYLE },
  { .nick = "luminance",
    .label = N_ ("Your layer's colours (brightness painted)"),
    .value = NS_COLORS_LUMINANCE },
  { .nick = "match-style",
    .label = N_ ("Style recoloured to your layer"),
    .value = NS_COLORS_MATCH_STYLE },
  { .nick = "histogram", .label = N_ ("Your layer's colour histogram"), .value = NS_COLORS_HISTOGRAM },
  { .nick = NULL },
};

static const ns_setting_choice precision_choices[] = {
  { .nick = "exact", .label = N_ ("Exact"), .value = NS_PRECISION_EXACT },
  { .nick = "fast", .label = N_ ("Fast"), .value = NS_PRECISION_FAST },
  { .nick = NULL },
};

#define LAYER_WEIGHT(i, label_text, help_text)    \
  { .name = "style-layer-weight-" #i,             \
    .type = NS_SETTING_DOUBLE,                    \
    .offset = FIELD (style_layer_weights[i - 1]), \
    .default_value = 1.0,                         \
    .min = 0.0,                                   \
    .max = 1.0e3,                                 \
    .label = label_text,                          \
    .help = help_text,                            \
    .group = NS_SETTING_GROUP_LAYER_WEIGHTS,      \
    .digits = 2,                                  \
    .step = 0.1,                                  \
    .page = 1.0 }

/* The order is the procedure's argument order (positional Script-Fu calls
 * depend on it) and the order the dialog shows the settings in.  The
 * command line's former names are its options from before this table. */
const ns_setting ns_settings[] = {
  { .name = "content-weight",
    .type = NS_SETTING_DOUBLE,
    .offset = FIELD (content_weight),
    .default_value = 1.0,
    .min = 0.0,
    .max = 1.0e6,
    .label = N_ ("Co_ntent weight (α)"),
    .help = N_ ("How strongly the result keeps the shapes of your layer.  Only its ratio to the "
                "style weight matters: raise it to keep more of the original"),
    .group = NS_SETTING_GROUP_MAIN,
    .digits = 3,
    .step = 0.1,
    .page = 1.0 },
  { .name = "style-weight",
    .type = NS_SETTING_DOUBLE,
    .offset = FIELD (style_weight),
    .default_value = 1.0,
    .min = 0.0,
    .max = 1.0e9,
    .label = N_ ("Style _weight (β)"),
    .help = N_ ("How strongly the result takes the textures and colours of the style picture.  1 "
                "balances it with a content weight of 1; raise it for a stronger style"),
    .group = NS_SETTING_GROUP_MAIN,
    .digits = 3,
    .step = 0.1,
    .page = 1.0 },
  /* The optimiser's step is above 0; GIMP's spin widget needs a minimum above 0. */
  { .name = "learning-rate",
    .type = NS_SETTING_DOUBLE,
    .offset = FIELD (learning_rate),
    .default_value = 0.02,
    .min = 0.0001,
    .max = 10.0,
    .label = N_ ("Learnin_g rate"),
    .help = N_ ("How far each Adam step may change a colour (0 to 1 is the whole range): larger is "
                "faster but noisier.  Only used by the Adam optimiser"),
    .group = NS_SETTING_GROUP_MAIN,
    .digits = 4,
    .step = 0.001,
    .page = 0.01 },
  { .name = "iterations",
    .type = NS_SETTING_INT,
    .offset = FIELD (iterations),
    .default_value = 35,
    .min = 1,
    .max = NS_MAX_ITERATIONS,
    .label = N_ ("I_terations"),
    .help = N_ ("How many improvement steps each scale takes.  More steps give a more finished "
                "painting and take longer"),
    .group = NS_SETTING_GROUP_MAIN,
    .step = 10.0,
    .page = 100.0 },
  { .name = "max-size",
    .type = NS_SETTING_INT,
    .offset = FIELD (max_size),
    .default_value = 512,
    .min = 0,
    .max = NS_MAX_WORKING_SIZE,
    .label = N_ ("Wor_king size"),
    .help = N_ ("The longest side, in pixels, of the picture the optimisation paints (0: the "
                "layer's own size).  The result is resized to the layer; larger sizes show finer "
                "brush work and need much more time and memory"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .step = 32.0,
    .page = 256.0,
    .former = FORMER ({ .name = "size", .kind = NS_FORMER_NAME, .command_line_only = 1 }) },
  { .name = "optimizer",
    .type = NS_SETTING_CHOICE,
    .offset = FIELD (optimizer),
    .default_value = NS_OPTIMIZER_LBFGS,
    .choices = optimizer_choices,
    .label = N_ ("Opti_miser"),
    .help = N_ ("How the picture is improved: L-BFGS (the paper's) needs the fewest steps; Adam "
                "takes even steps of the learning rate"),
    .group = NS_SETTING_GROUP_ADVANCED },
  { .name = "layer-set",
    .type = NS_SETTING_CHOICE,
    .offset = FIELD (layer_set),
    .default_value = NS_LAYERS_PAPER,
    .choices = layer_set_choices,
    .label = N_ ("Layer set"),
    .help = N_ ("Which VGG19 layers judge content and style: the paper's (content relu4_2, style "
                "relu1_1 to relu5_1) or the last ReLU of each block (content relu4_4, style "
                "relu1_2, relu2_2, relu3_4, relu4_4, relu5_4)"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .former = FORMER ({ .name = "layers", .kind = NS_FORMER_NAME, .command_line_only = 1 }) },
  { .name = "multi-scale",
    .type = NS_SETTING_BOOLEAN,
    .offset = FIELD (multi_scale),
    .default_value = 1,
    .min = 0,
    .max = 1,
    .label = N_ ("Multi-scal_e (coarse to fine)"),
    .help = N_ ("Paint a small version first and refine it at larger sizes up to the working "
                "size: larger brush strokes and a faster start"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .former = FORMER ({ .name = "single-scale", .kind = NS_FORMER_NEGATION, .command_line_only = 1 }) },
  { .name = "min-scale-size",
    .type = NS_SETTING_INT,
    .offset = FIELD (min_scale_size),
    .default_value = 128,
    .min = 32,
    .max = NS_MAX_WORKING_SIZE,
    .label = N_ ("Coarsest scale si_ze"),
    .help = N_ ("The longest side, in pixels, of the first, smallest scale of a multi-scale run"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .step = 16.0,
    .page = 64.0,
    .former = FORMER ({ .name = "min-scale", .kind = NS_FORMER_NAME, .command_line_only = 1 }) },
  { .name = "detail-size",
    .type = NS_SETTING_INT,
    .offset = FIELD (detail_size),
    .default_value = 0,
    .min = 0,
    .max = NS_MAX_WORKING_SIZE,
    .label = N_ ("_Detail scales above"),
    .help = N_ ("Scales whose longest side is larger than this paint only the fine strokes (the "
                "two finest style layers) and keep the shapes of the scale before: far faster and "
                "leaner for print sizes.  0: every scale paints with all layers"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .step = 64.0,
    .page = 512.0 },
  { .name = "keep-strength",
    .type = NS_SETTING_DOUBLE,
    .offset = FIELD (keep_strength),
    .default_value = 10.0,
    .min = 1.0,
    .max = 1000.0,
    .label = N_ ("Keep strength"),
    .help = N_ ("In the region to keep (a face, text, a logo), the content weight is multiplied "
                "by this and the style's pull divided by it: the region stays as it is while the "
                "rest is painted"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .digits = 1,
    .step = 1.0,
    .page = 10.0 },
  { .name = "colors",
    .type = NS_SETTING_CHOICE,
    .offset = FIELD (colors),
    .default_value = NS_COLORS_STYLE,
    .choices = colors_choices,
    .label = N_ ("Colo_urs"),
    .help = N_ ("Whose colours the result has: the painting's as painted; your layer's, taking "
                "only the brightness from the painting; the style picture's moved to your "
                "layer's colours before painting (its strokes in your layer's palette); or the "
                "painting's, shifted so that each colour channel has your layer's histogram"),
    .group = NS_SETTING_GROUP_ADVANCED,
    /* a boolean before the choice */
    .former = FORMER ({ .name = "keep-colors",
                        .kind = NS_FORMER_SWITCH,
                        .if_true = "luminance",
                        .if_false = "style",
                        .label = N_ ("Keep origin_al colours"),
                        .help = N_ ("The older form of colors, still accepted: true is colors "
                                    "\"luminance\" (keep your layer's colours), false is colors "
                                    "\"style\"") }) },
  { .name = "style-scale",
    .type = NS_SETTING_DOUBLE,
    .offset = FIELD (style_scale),
    .default_value = 1.0,
    .min = 0.05,
    .max = 8.0,
    .label = N_ ("Te_xture scale"),
    .help = N_ ("The size of the style picture relative to the working size: below 1 gives "
                "finer, smaller strokes, above 1 larger ones.  A style picture is never enlarged "
                "beyond its own pixels (that would paint blur, not strokes)"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .digits = 2,
    .step = 0.05,
    .page = 0.25 },
  { .name = "tv-weight",
    .type = NS_SETTING_DOUBLE,
    .offset = FIELD (tv_weight),
    .default_value = 0.0,
    .min = 0.0,
    .max = 1.0e6,
    .label = N_ ("Smoothing (TV weight)"),
    .help = N_ ("Total-variation weight: smooths pixel noise in the result; 0 turns it off"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .digits = 4,
    .step = 0.001,
    .page = 0.01 },
  { .name = "init",
    .type = NS_SETTING_CHOICE,
    .offset = FIELD (init),
    .default_value = NS_INIT_CONTENT,
    .choices = init_choices,
    .label = N_ ("_Initial image"),
    .help = N_ ("What the painting starts from: your layer (keeps it recognisable), noise (a "
                "fresh painting, varies with the seed) or the style picture"),
    .group = NS_SETTING_GROUP_ADVANCED },
  { .name = "seed",
    .type = NS_SETTING_INT,
    .offset = FIELD (seed),
    .default_value = 0,
    .min = 0,
    .max = INT_MAX,
    .label = N_ ("Noise seed"),
    .help = N_ ("Picks the noise a noise start begins from: the same seed and settings give the "
                "same result"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .step = 1.0,
    .page = 100.0 },
  { .name = "memory-limit",
    .type = NS_SETTING_INT,
    .offset = FIELD (memory_limit),
    .default_value = 0,
    .min = 0,
    .max = NS_MAX_MEMORY_LIMIT,
    .label = N_ ("Memory limit (MiB)"),
    .help = N_ ("The most memory a run may take, in MiB; larger working sizes are painted in "
                "tiles to stay within it (the result is the same).  0: 2048 or half of the "
                "memory free when the run starts, whichever is less"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .step = 256.0,
    .page = 1024.0,
    .former = FORMER ({ .name = "memory", .kind = NS_FORMER_NAME, .command_line_only = 1 }) },
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
  /* Last: positional Script-Fu calls from before it stay valid. */
  { .name = "precision",
    .type = NS_SETTING_CHOICE,
    .offset = FIELD (precision),
    .label = N_ ("Precision"),
    .help = N_ ("The arithmetic of the network: exact rounds as PyTorch's float32 does; fast "
                "paints the larger scales with 1.78 times fewer multiplies (larger Winograd "
                "tiles) and rounds a few times more"),
    .choices = precision_choices,
    .default_value = NS_PRECISION_FAST,
    .group = NS_SETTING_GROUP_ADVANCED },
  /* The default from the sheet in docs/animation.md: steadier than any
   * lower weight where the camera stands still, while a panning clip's
   * style loss (its painted frames warped again and again) stays within
   * 10% of its frames painted alone. */
  { .name = "temporal-weight",
    .type = NS_SETTING_DOUBLE,
    .offset = FIELD (temporal_weight),
    .default_value = 160.0,
    .min = 0.0,
    .max = 1.0e6,
    .label = N_ ("Animation steadiness (temporal weight)"),
    .help = N_ ("How strongly each frame of an animation holds to the previous painted frame "
                "where the motion is known: higher is steadier, 0 paints every frame on its own. "
                " Only used when painting an animation; a single picture ignores it"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .digits = 2,
    .step = 1.0,
    .page = 10.0 },
  /* The default from the sheet in docs/animation.md: steadier than 20 and
   * as styled, in half the time. */
  { .name = "frame-iterations",
    .type = NS_SETTING_INT,
    .offset = FIELD (frame_iterations),
    .default_value = 10,
    .min = 1,
    .max = NS_MAX_ITERATIONS,
    .label = N_ ("Iterations of later frames"),
    .help = N_ ("How many improvement steps each frame of an animation after the first takes.  "
                "It starts from the painted frame before it, so it needs fewer than a single "
                "picture"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .step = 5.0,
    .page = 20.0 },
  { .name = "long-term",
    .type = NS_SETTING_BOOLEAN,
    .offset = FIELD (long_term),
    .default_value = 0,
    .min = 0,
    .max = 1,
    .label = N_ ("Long-term steadiness"),
    .help = N_ ("Hold each frame of an animation also to the frames two and four before it, "
                "where something hidden in the frame just before comes back into view"),
    .group = NS_SETTING_GROUP_ADVANCED },
  /* The default from docs/performance.md's "Stopping a scale early": it
   * never fires in a default run, whose scales still fall 2-3% over their
   * last 5 iterations, and ends runs of hundreds of iterations where the
   * picture no longer changes.  The help's 10 is NS_CONVERGED_WINDOW.
   * (Up to 1: GIMP 3.0's spin over a range under 1 logs a critical as it
   * guesses its increments.) */
  { .name = "converged",
    .type = NS_SETTING_DOUBLE,
    .offset = FIELD (converged_fraction),
    .default_value = 0.001,
    .min = 0.0,
    .max = 1.0,
    .label = N_ ("Stop a scale when its loss falls less than"),
    .help = N_ ("A scale ends before its iterations once the loss fell by less than this "
                "fraction of itself over its last 10 iterations (L-BFGS only): the picture has "
                "stopped changing.  0 always takes every iteration"),
    .group = NS_SETTING_GROUP_ADVANCED,
    .digits = 4,
    .step = 0.0005,
    .page = 0.005 },
};

const int ns_settings_count = (int) (sizeof ns_settings / sizeof ns_settings[0]);

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
    {
      if (strcmp (c->nick, nick) == 0)
        return c;
      for (const ns_setting_former *f = c->former; f && f->name; f++)
        if (strcmp (f->name, nick) == 0)
          return c;
    }
  return NULL;
}

const ns_setting *
ns_setting_find_former (const char *name, const ns_setting_former **former)
{
  for (int i = 0; name && i < ns_settings_count; i++)
    for (const ns_setting_former *f = ns_settings[i].former; f && f->name; f++)
      if (strcmp (f->name, name) == 0)
        {
          *former = f;
          return &ns_settings[i];
        }
  return NULL;
}

int
ns_setting_former_value (const ns_setting *setting, const ns_setting_former *former, int on)
{
  const ns_setting_choice *choice;

  switch (former->kind)
    {
    case NS_FORMER_NEGATION:
      return on ? 0 : 1;
    case NS_FORMER_SWITCH:
      choice = ns_setting_choice_find (setting, on ? former->if_true : former->if_false);
      return choice ? choice->value : -1;
    case NS_FORMER_NAME:
    default:
      return -1;
    }
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
