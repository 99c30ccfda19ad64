/* GIMP Neural Style: the text the progress shows, from the
 * engine's progress reports.  GLib only (no GIMP, no GTK), so that it is
 * tested on its own (tests/unit/ui_progress_text_test.c).
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
  gint tiles; /* each evaluation runs over this many tiles (1: the whole image) */
  gint tile;  /* between iterations: the tile just done of sweep 1 or 2; else 0 */
  gint sweep;
  gdouble done; /* the engine's share of the work done, 0..1 (of the frame, in an animation) */
  gint frame;   /* an animation's frame being painted (1-based) of frames; 0 for a still */
  gint frames;
  gdouble loss;
  gint64 report_usec; /* the elapsed time when the engine sent this report */
} NeuralStyleProgressInfo;

/* A loss in a few characters: 0.42, 12.3, 1.2e4, 3.4e-5; "–" when not finite. */
gchar *neural_style_format_loss (gdouble loss);
/* m:ss, or h:mm:ss from an hour on. */
gchar *neural_style_format_elapsed (gint64 usec);
/* The time left after elapsed_usec, from the share of the work done (done,
 * 0..1) when the last report came, report_usec after the start: that
 * report's estimate, report_usec * (1 - done) / done, counted down since
 * (never below 0).  -1 while too little is done for it to mean anything. */
gint64 neural_style_time_left (gdouble done, gint64 report_usec, gint64 elapsed_usec);
/* "Scale 2/3 · iteration 120/300 · 4 tiles · loss 1.2e4 · 0:42 · about 3:10
 * left" (translated; the tiles only when more than one, "tile 3/4, pass
 * 2/2" instead between iterations; the time left once there is an
 * estimate), or the loading or preparing text with the elapsed time.  In
 * an animation "Frame 7/24 · " first, and the time left is the whole
 * animation's (its frames taking about as long as each other). */
gchar *neural_style_progress_text (const NeuralStyleProgressInfo *info, gint64 elapsed_usec);

G_END_DECLS

#endif
