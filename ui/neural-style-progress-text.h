/* GIMP Neural Style: the text and fraction the progress shows, from the
 * engine's progress reports.  GLib only (no GIMP, no GTK), so that it is
 * tested on its own (tests/ui_progress_text_test.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef NEURAL_STYLE_PROGRESS_TEXT_H
#define NEURAL_STYLE_PROGRESS_TEXT_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  NEURAL_STYLE_PHASE_LOADING,   /* reading the VGG19 weights */
  NEURAL_STYLE_PHASE_PREPARING, /* the style's features, before the first iteration */
  NEURAL_STYLE_PHASE_ITERATING
} NeuralStylePhase;

typedef struct
{
  NeuralStylePhase phase;
  gint scale; /* 1-based, of scales */
  gint scales;
  gint iteration; /* 1-based, of iterations at this scale */
  gint iterations;
  gdouble loss;
} NeuralStyleProgressInfo;

/* A loss in a few characters: 0.42, 12.3, 1.2e4, 3.4e-5; "–" when not finite. */
gchar *neural_style_format_loss (gdouble loss);
/* m:ss, or h:mm:ss from an hour on. */
gchar *neural_style_format_elapsed (gint64 usec);
/* "Scale 2/3 · iteration 120/300 · loss 1.2e4 · 0:42" (translated), or the
 * loading or preparing text with the elapsed time. */
gchar *neural_style_progress_text (const NeuralStyleProgressInfo *info, gint64 elapsed_usec);
/* The share of the work done: each scale costs its iterations times its
 * pixel count (sizes are the scales' longest sides). */
gdouble neural_style_progress_fraction (const NeuralStyleProgressInfo *info, const gint *sizes,
                                        const gint *iterations, gint scales);

G_END_DECLS

#endif
