/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the dialog's preview, run by the engine in a worker
 * thread.  GLib and the engine only (no GTK, no libgimp), so that a
 * program with a GMainLoop drives it as the dialog does (the benchmark,
 * the unit test).
 *
 * What a run paints (NeuralStyleRunInput) is filled by the plug-in the
 * same way for OK and for the preview; the preview paints it with the
 * content shrunk to the preview's size.  Each change hands the worker a
 * new input: the run under way is cancelled at once and the next starts
 * after a short pause, so that dragging a slider does not start ten
 * runs.  Pictures come to the main context of the thread that made the
 * worker, all at the preview's size (a coarse scale's stretched): at the
 * first iteration and the end of each scale, every few iterations
 * between, and the finished picture; never one of a run replaced since.
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
#ifndef NEURAL_STYLE_PREVIEW_WORKER_H
#define NEURAL_STYLE_PREVIEW_WORKER_H

#include <glib.h>

#include "neural_style.h"

G_BEGIN_DECLS

/* What a run paints, owning its pictures: the content (the painted part
 * of the layer), the region to keep, the styles with their blends and
 * regions, and the settings. */
typedef struct
{
  ns_params params;
  ns_image content;
  ns_image keep; /* data NULL: none */
  ns_image style_images[NS_MAX_STYLES];
  ns_image style_regions[NS_MAX_STYLES]; /* data NULL: none */
  gdouble blends[NS_MAX_STYLES];
  gint style_count;
  ns_style styles[NS_MAX_STYLES]; /* neural_style_run_input_request fills them */
} NeuralStyleRunInput;

/* request's content, styles, region to keep and params from input (which
 * must outlive it); progress, start and cancel are left unset. */
void neural_style_run_input_request (NeuralStyleRunInput *input, ns_request *request);
void neural_style_run_input_clear (NeuralStyleRunInput *input);

/* The preview's size: the longest side of its picture, when the run that
 * OK would make is no smaller. */
#define NEURAL_STYLE_PREVIEW_SIZE 320

typedef struct _NeuralStylePreviewWorker NeuralStylePreviewWorker;

/* A picture of the preview (RGB, valid during the call): finished when it
 * is the run's result, else the run's picture so far (scale of scales). */
typedef struct
{
  const ns_image *picture;
  guint generation; /* which neural_style_preview_worker_set_input it paints */
  gint scale, scales;
  gint iteration, iterations;
  gboolean finished;
  gboolean resumed; /* the run started from the last run's picture */
} NeuralStylePreviewPicture;

typedef void (*NeuralStylePreviewFn) (const NeuralStylePreviewPicture *picture, gpointer user_data);
/* A run that failed (message) or the weights that did not load. */
typedef void (*NeuralStylePreviewErrorFn) (guint generation, const gchar *message,
                                           gpointer user_data);

/* A worker whose thread loads the weights at weights_path once (or takes
 * weights, when not NULL: they are the worker's then), keeps an engine
 * (the style targets of each scale) between runs and waits for an input.
 * picture_fn and error_fn (may be NULL) are called in the main context of
 * the calling thread.  delay_ms: the pause after a change before a run
 * starts. */
NeuralStylePreviewWorker *neural_style_preview_worker_new (const gchar *weights_path,
                                                           ns_weights *weights, guint delay_ms,
                                                           NeuralStylePreviewFn picture_fn,
                                                           NeuralStylePreviewErrorFn error_fn,
                                                           gpointer user_data);

/* Takes input (the worker's now, freed by it): cancels the run under way
 * and starts one of input after the pause.  When only the weights of the
 * content and the style, the colours or the iterations differ from the last
 * run's, the new run starts from the last run's picture.  Returns the new
 * run's generation. */
guint neural_style_preview_worker_set_input (NeuralStylePreviewWorker *worker,
                                             NeuralStyleRunInput *input);

/* Cancels the run under way, and the one waiting for its pause: no
 * picture comes until the next input. */
void neural_style_preview_worker_stop (NeuralStylePreviewWorker *worker);

/* Whether a run is under way or waiting for its pause. */
gboolean neural_style_preview_worker_busy (NeuralStylePreviewWorker *worker);

/* Waits until no run is under way (one waiting for its pause does not
 * count), at most until end_time (g_get_monotonic_time's clock); returns
 * whether none is. */
gboolean neural_style_preview_worker_wait_run (NeuralStylePreviewWorker *worker, gint64 end_time);

/* The picture the run OK makes of input (at its own size) may go on from
 * (ns_request.start_done): the last preview's at the end of the largest
 * scale that run has too, when the last preview painted all its scales,
 * of input shrunk to the preview's size with the same settings.  Stops
 * the preview and waits for its run to end first.  Returns FALSE, start
 * without data, when there is none; else start is the caller's. */
gboolean neural_style_preview_worker_take_start (NeuralStylePreviewWorker *worker,
                                                 const NeuralStyleRunInput *input, ns_image *start);

/* Stops the worker, waits for its thread to end and frees the engine and
 * the weights.  No callback comes after. */
void neural_style_preview_worker_free (NeuralStylePreviewWorker *worker);

G_END_DECLS

#endif
