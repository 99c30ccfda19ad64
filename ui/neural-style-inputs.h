/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the procedure's inputs that are not settings: the
 * styles (each one's layer or file, blend and region) and the region to
 * keep.  One table declares them; the procedure, the dialog and a
 * Script-Fu call all go through the functions below.
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
 */
#ifndef NEURAL_STYLE_INPUTS_H
#define NEURAL_STYLE_INPUTS_H

#include <libgimp/gimp.h>

#include "neural_style.h"

G_BEGIN_DECLS

/* Values of the "style-source" auxiliary arguments (GimpChoices whose
 * nicks are "layer" and "file", and for the further styles "none"). */
typedef enum
{
  NEURAL_STYLE_SOURCE_LAYER,
  NEURAL_STYLE_SOURCE_FILE,
  NEURAL_STYLE_SOURCE_NONE
} NeuralStyleSource;

/* A per-style input's type: its argument's and its widget's. */
typedef enum
{
  NEURAL_STYLE_INPUT_SOURCE, /* auxiliary choice: a layer, a file (or, after the first, none) */
  NEURAL_STYLE_INPUT_LAYER,  /* a layer of any open image */
  NEURAL_STYLE_INPUT_FILE,   /* an image file */
  NEURAL_STYLE_INPUT_DOUBLE, /* a number from min to max */
  NEURAL_STYLE_INPUT_SWITCH, /* auxiliary boolean: turns other inputs on */
  NEURAL_STYLE_INPUT_CHANNEL /* a channel of the image painted */
} NeuralStyleInputType;

/* One style's inputs as a run reads them. */
typedef struct
{
  GimpLayer *layer;
  GFile *file;
  gdouble blend;
  GimpChannel *region;
} NeuralStyleStyleValues;

/* Every style's inputs (by index n - 1) and the region to keep. */
typedef struct
{
  NeuralStyleStyleValues styles[NS_MAX_STYLES];
  GimpChannel *keep;
} NeuralStyleInputValues;

/* One row per input each style has, in the dialog's order.  Style n's
 * argument is "style-WHAT" for the first style, else "style-WHAT-n". */
typedef struct
{
  const gchar *what;
  NeuralStyleInputType type;
  const gchar *nick;        /* untranslated, with its mnemonic */
  const gchar *first_blurb; /* the first style's help, untranslated; NULL: blurb's */
  const gchar *blurb;       /* a format: %d the style's number, as often as it comes */
  gdouble min, max, value;  /* a number's range and default */
  const gchar *switched_by; /* the what of the switch that turns it on, or NULL */
  gint offset;              /* its field in NeuralStyleStyleValues; -1: the dialog's only */
} NeuralStyleInput;

extern const NeuralStyleInput neural_style_inputs[];
extern const gint neural_style_inputs_count;

/* The name of style n's (1-based) input what (a row's what): the first
 * style's are "style-layer" and so on, the others' "style-layer-2" and so
 * on.  g_free it. */
gchar *neural_style_input_property (gint n, const gchar *what);

/* Declares the first style's layer and file, the arguments a positional
 * call gives first. */
void neural_style_inputs_add_leading (GimpProcedure *procedure);

/* Declares every other style input, then the region to keep (the
 * auxiliary arguments are the dialog's switches, outside the PDB
 * signature). */
void neural_style_inputs_add_arguments (GimpProcedure *procedure);

/* Style n's source as the dialog's switch says. */
gint neural_style_input_source (GimpProcedureConfig *config, gint n);

/* Whether style n's input (a row of the table) is used as the dialog's
 * switches stand: a layer or a file only as the style's source says, the
 * others when the style has a source and their switch (if any) is on. */
gboolean neural_style_input_is_used (GimpProcedureConfig *config, gint n,
                                     const NeuralStyleInput *input);

/* Starts the dialog's switches from the inputs given: a style with a file
 * comes from its file. */
void neural_style_inputs_sources_from_files (GimpProcedureConfig *config);

/* Leaves in config only the inputs the dialog's switches choose: of each
 * style's layer and file the one its source selects (neither for a style
 * without one), its region only when "in-region" is on, and the region to
 * keep only when "keep-in-region" is on.  For the dialog and for a run
 * that repeats it (a script gives the inputs it means). */
void neural_style_inputs_clear_unused (GimpProcedureConfig *config);

/* FALSE with error set when a style's switch names a source that has no
 * layer or file chosen. */
gboolean neural_style_inputs_check_sources (GimpProcedureConfig *config, GError **error);

/* Reads every input into values and forgets the layers and channels in
 * config: GIMP stores the config after every run (as the image's
 * parasite, too) but cannot store a layer or a channel, whose image may be
 * closed by then.  Free with neural_style_inputs_clear. */
void neural_style_inputs_read (GimpProcedureConfig *config, NeuralStyleInputValues *values);

/* The inputs the dialog's switches use now (as neural_style_inputs_read
 * would give after neural_style_inputs_clear_unused), leaving config as it
 * is: for the preview while the dialog is open.  Free with
 * neural_style_inputs_clear. */
void neural_style_inputs_peek (GimpProcedureConfig *config, NeuralStyleInputValues *values);

/* Whether the inputs make sense: the first style is a layer or a file,
 * each further one a layer, a file or nothing, and every region is a
 * channel of image.  FALSE with error set (a message for the user)
 * otherwise. */
gboolean neural_style_inputs_check (const NeuralStyleInputValues *values, GimpImage *image,
                                    GError **error);

void neural_style_inputs_clear (NeuralStyleInputValues *values);

G_END_DECLS

#endif
