/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: a run of the engine (see neural-style-job.h).
 *
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
 *
 * The worker thread runs ns_stylize (an animation's frame: ns_animation_paint,
 * one thread a frame, the weights and engine kept between them) and makes
 * no libgimp call.  After each
 * iteration it stores the progress (and, at most every half second, a
 * preview snapshot) and posts an update to the main thread with
 * g_idle_add; the main thread runs a GMainLoop (which also serves the
 * progress window's events), shows the update and quits the loop when the
 * worker has finished.  A one-second timer keeps the elapsed time moving
 * while an iteration takes long.  Batch runs use the same loop without a
 * window.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <glib/gi18n-lib.h>

#include "ns_weights.h"
#include "neural-style-image.h"
#include "neural-style-job.h"
#include "neural-style-progress.h"
#include "neural-style-progress-text.h"

/* The progress text is refreshed at least this often (it shows the
 * elapsed time), and the preview at most this often. */
#define TEXT_INTERVAL_MSEC 1000
#define PREVIEW_INTERVAL_USEC 500000
/* The preview is shrunk in the worker to at most this (the window's box at
 * twice its size, for high-resolution screens): a print-size run's
 * preview takes a megabyte, not the image's size again. */
#define PREVIEW_MAX_SIDE 512

/* The mutex guards the "shared" fields; inputs are written before the
 * thread starts, outputs before finished is set; request is atomic; the
 * "main thread" fields are the main thread's alone. */
typedef struct
{
  /* inputs (content and frame: the paint's, written before its thread
   * starts) */
  const gchar *weights_path;
  const ns_image *content;
  const ns_image *keep;
  const ns_image *start_picture; /* the result of the first scales, or NULL */
  const ns_style *styles;
  gint style_count;
  ns_params params;
  gboolean want_previews;
  gint frame; /* 1-based, of frames; 0 for a still */
  gint frames;

  /* the worker's between paints: one paint's thread at a time */
  ns_weights weights;
  ns_engine *engine;
  ns_animation *animation;
  ns_frame_report report;

  /* shared */
  GMutex mutex;
  gboolean weights_loaded;
  gboolean have_progress;
  ns_progress progress; /* planar_rgb not valid */
  gint64 progress_time; /* when it came (monotonic) */
  ns_image preview;     /* the latest snapshot, if any */
  gint64 preview_time;
  gint preview_scale;     /* the scale of the last preview */
  gboolean update_posted; /* an update is queued in the main loop */
  gboolean finished;

  gint request; /* a NeuralStyleRequest; Stop and Cancel hold for every later frame */

  /* outputs */
  ns_image result;
  ns_status status;
  ns_error error;

  /* main thread */
  GMainLoop *loop;
  GtkWidget *window;
  const Babl *format;
  gint64 start;
  gint shown_scale;
  gint shown_iteration;
  gint shown_tile;
  gint shown_sweep;
} Job;

/*  The worker thread: no libgimp calls here.  */

static gboolean job_update (gpointer data);

/* Called with the mutex held: queues one update in the main loop. */
static void
post_update (Job *job)
{
  if (job->update_posted)
    return;

  job->update_posted = TRUE;
  g_idle_add (job_update, job);
}

static ns_progress_reply
job_progress (const ns_progress *progress, void *user_data)
{
  Job *job = user_data;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&job->mutex);
  job->progress = *progress;
  job->progress.planar_rgb = NULL;
  job->progress_time = now;
  job->have_progress = TRUE;

  /* at every iteration of a long run (each one a sweep over the tiles),
   * and at the first of each scale however short */
  if (job->want_previews && progress->planar_rgb &&
      (now - job->preview_time >= PREVIEW_INTERVAL_USEC || progress->scale != job->preview_scale))
    {
      ns_error ignored;

      ns_image_clear (&job->preview);
      if (ns_progress_snapshot (progress, PREVIEW_MAX_SIDE, &job->preview, &ignored) != NS_OK)
        memset (&job->preview, 0, sizeof job->preview);
      job->preview_time = now;
      job->preview_scale = progress->scale;
    }
  post_update (job);
  g_mutex_unlock (&job->mutex);

  switch (g_atomic_int_get (&job->request))
    {
    case NEURAL_STYLE_REQUEST_STOP:
      return NS_PROGRESS_STOP;
    case NEURAL_STYLE_REQUEST_CANCEL:
      return NS_PROGRESS_CANCEL;
    default:
      return NS_PROGRESS_CONTINUE;
    }
}

/* The weights (once per job) and, for an animation, its engine. */
static ns_status
job_prepare (Job *job)
{
  ns_status status = NS_OK;

  if (!job->weights_loaded)
    {
      /* Only the convolutions the chosen layers use. */
      status = ns_weights_load (&job->weights, job->weights_path,
                                ns_conv_count_needed (&job->params), &job->error);
      if (status == NS_OK && job->frames > 0)
        status = ns_engine_new (&job->weights, &job->engine, &job->error);
      if (status == NS_OK && job->frames > 0)
        status = ns_animation_new (job->engine, FALSE, &job->animation, &job->error);
      if (status != NS_OK)
        return status;
      /* what the progress shows; the worker's own flag as well, read by
       * the next paint's thread after this one is joined */
      g_mutex_lock (&job->mutex);
      job->weights_loaded = TRUE;
      post_update (job);
      g_mutex_unlock (&job->mutex);
    }
  return status;
}

static gpointer
job_thread (gpointer data)
{
  Job *job = data;
  ns_status status = job_prepare (job);

  if (status == NS_OK)
    {
      const ns_request request = {
        .content = job->content,
        .styles = job->styles,
        .style_count = job->style_count,
        .keep = job->keep,
        .start = job->start_picture,
        .start_done = job->start_picture != NULL,
        .params = &job->params,
        .progress = job_progress,
        .user_data = job,
      };
      if (job->animation)
        status = ns_animation_paint (job->animation, &request, &job->result, &job->report,
                                     &job->error);
      else
        status = ns_stylize (&job->weights, &request, &job->result, &job->error);
    }

  g_mutex_lock (&job->mutex);
  job->status = status;
  job->finished = TRUE;
  post_update (job);
  g_mutex_unlock (&job->mutex);

  return NULL;
}

/*  The main thread's side  */

static void
show_text (Job *job, const NeuralStyleProgressInfo *info)
{
  gint64 now = g_get_monotonic_time ();
  gchar *text;
  gdouble fraction = info->phase == NEURAL_STYLE_PHASE_ITERATING ?
                         ns_animation_done (info->frame, info->frames, info->done) :
                         0.0;

  text = neural_style_progress_text (info, now - job->start);

  /* The progress window, or else GIMP's status bar (see status_bar in
   * neural-style.c). */
  if (!job->window)
    {
      gimp_progress_set_text (text);
      if (info->phase == NEURAL_STYLE_PHASE_ITERATING)
        gimp_progress_update (fraction);
      else
        gimp_progress_pulse ();
    }
  else
    {
      neural_style_progress_set_text (job->window, text);
      neural_style_progress_set_fraction (job->window, fraction);
    }

  g_debug ("progress %.3f s: %s", (gdouble) (now - job->start) / G_USEC_PER_SEC, text);
  g_free (text);
}

/* What the worker last reported; with take_preview, hands its preview
 * over (the caller frees it).  Returns whether the worker has finished. */
static gboolean
read_state (Job *job, NeuralStyleProgressInfo *info, ns_image *preview)
{
  gboolean finished;

  g_mutex_lock (&job->mutex);
  info->phase = job->have_progress  ? NEURAL_STYLE_PHASE_ITERATING :
                job->weights_loaded ? NEURAL_STYLE_PHASE_PREPARING :
                                      NEURAL_STYLE_PHASE_LOADING;
  info->scale = job->progress.scale;
  info->scales = job->progress.scales;
  info->iteration = job->progress.iteration;
  info->iterations = job->progress.iterations;
  info->tiles = job->progress.tiles;
  info->tile = job->progress.tile;
  info->sweep = job->progress.sweep;
  info->done = job->progress.done;
  info->frame = job->frame;
  info->frames = job->frames;
  info->loss = job->progress.loss;
  info->report_usec = job->progress_time - job->start;
  if (preview)
    {
      *preview = job->preview;
      memset (&job->preview, 0, sizeof job->preview);
      job->update_posted = FALSE;
    }
  finished = job->finished;
  g_mutex_unlock (&job->mutex);

  return finished;
}

/* An update from the worker: new progress, a preview, or the end. */
static gboolean
job_update (gpointer data)
{
  Job *job = data;
  NeuralStyleProgressInfo info;
  ns_image preview = { 0 };
  gboolean finished;

  finished = read_state (job, &info, &preview);

  if (preview.data)
    {
      if (job->window)
        {
          guchar *bytes = neural_style_preview_bytes (&preview, job->format);

          neural_style_progress_set_preview (job->window, bytes, preview.width, preview.height,
                                             preview.width * 3);
          g_free (bytes);
        }
      ns_image_clear (&preview);
    }

  /* New progress is shown (the last one too). */
  if (info.phase != NEURAL_STYLE_PHASE_ITERATING || info.iteration != job->shown_iteration ||
      info.scale != job->shown_scale || info.tile != job->shown_tile ||
      info.sweep != job->shown_sweep)
    {
      show_text (job, &info);
      job->shown_scale = info.scale;
      job->shown_iteration = info.iteration;
      job->shown_tile = info.tile;
      job->shown_sweep = info.sweep;
    }

  if (finished)
    g_main_loop_quit (job->loop);

  return G_SOURCE_REMOVE;
}

/* Every second: the elapsed time moves even while an iteration is long. */
static gboolean
job_tick (gpointer data)
{
  Job *job = data;
  NeuralStyleProgressInfo info;

  if (!read_state (job, &info, NULL))
    show_text (job, &info);

  return G_SOURCE_CONTINUE;
}

/* The progress window's Stop or Cancel: the worker reads it after its
 * next iteration, or its next tile in a run over several. */
static void
job_request (NeuralStyleRequest request, gpointer data)
{
  Job *job = data;

  g_atomic_int_set (&job->request, request);
}

NeuralStyleJob *
neural_style_job_new (const gchar *weights_path, const ns_image *keep, const ns_style *styles,
                      gint style_count, const ns_params *params, const Babl *format,
                      gboolean show_window, gint frames)
{
  Job *job = g_new0 (Job, 1);

  job->weights_path = weights_path;
  job->keep = keep;
  job->styles = styles;
  job->style_count = style_count;
  job->params = *params;
  job->want_previews = show_window;
  job->format = format;
  job->frames = frames;
  g_mutex_init (&job->mutex);

  if (show_window)
    {
      job->window = neural_style_progress_new ();
      neural_style_progress_set_request_func (job->window, job_request, job);
    }

  job->loop = g_main_loop_new (NULL, FALSE);
  job->start = g_get_monotonic_time ();
  return (NeuralStyleJob *) job;
}

GimpPDBStatusType
neural_style_job_paint (NeuralStyleJob *self, const ns_image *content, ns_image *result,
                        GError **error)
{
  Job *job = (Job *) self;
  GThread *thread;
  guint tick;

  if (g_atomic_int_get (&job->request) == NEURAL_STYLE_REQUEST_CANCEL)
    return GIMP_PDB_CANCEL;

  /* this paint's inputs and state; the shared fields are the worker's
   * only once its thread starts */
  job->content = content;
  job->frame = job->frames > 0 ? job->frame + 1 : 0;
  job->have_progress = FALSE;
  job->finished = FALSE;
  job->update_posted = FALSE;
  job->status = NS_OK;
  memset (&job->error, 0, sizeof job->error);
  memset (&job->result, 0, sizeof job->result);
  memset (&job->progress, 0, sizeof job->progress);
  job->preview_scale = 0;
  job->shown_scale = -1;
  job->shown_iteration = -1;

  thread = g_thread_try_new ("neural-style", job_thread, job, error);
  if (!thread)
    return GIMP_PDB_EXECUTION_ERROR;

  tick = g_timeout_add (TEXT_INTERVAL_MSEC, job_tick, job);
  job_tick (job);

  g_main_loop_run (job->loop);

  g_source_remove (tick);
  g_thread_join (thread);
  g_debug ("finished after %.3f s: %s",
           (gdouble) (g_get_monotonic_time () - job->start) / G_USEC_PER_SEC,
           job->status == NS_OK              ? "ok" :
           job->status == NS_ERROR_CANCELLED ? "cancelled" :
                                               job->error.message);
  if (job->status == NS_OK && job->frames > 0)
    {
      if (job->report.start == NS_FRAME_HELD)
        g_debug ("frame %d/%d: held to the frame before (%.1f%% consistent with it)", job->frame,
                 job->frames, 100.0 * job->report.consistent);
      else if (job->report.start == NS_FRAME_SCENE_CUT)
        g_debug ("frame %d/%d: afresh, a scene cut (%.1f%% consistent with the frame before)",
                 job->frame, job->frames, 100.0 * job->report.consistent);
      else
        g_debug ("frame %d/%d: afresh", job->frame, job->frames);
    }

  if (job->status == NS_ERROR_CANCELLED)
    {
      ns_image_clear (&job->result);
      return GIMP_PDB_CANCEL;
    }

  if (job->status != NS_OK)
    {
      ns_image_clear (&job->result);
      g_set_error_literal (error, GIMP_PLUG_IN_ERROR, 0,
                           job->error.message[0] ? job->error.message :
                                                   _ ("The style transfer failed."));
      return GIMP_PDB_EXECUTION_ERROR;
    }

  *result = job->result;
  memset (&job->result, 0, sizeof job->result);
  return GIMP_PDB_SUCCESS;
}

gboolean
neural_style_job_stopped (NeuralStyleJob *self)
{
  Job *job = (Job *) self;

  return g_atomic_int_get (&job->request) == NEURAL_STYLE_REQUEST_STOP;
}

void
neural_style_job_free (NeuralStyleJob *self)
{
  Job *job = (Job *) self;

  if (!job)
    return;
  g_main_loop_unref (job->loop);
  g_mutex_clear (&job->mutex);
  ns_image_clear (&job->preview);
  ns_animation_free (job->animation);
  ns_engine_free (job->engine);
  /* zeroed when never loaded */
  ns_weights_clear (&job->weights);
  if (job->window)
    gtk_widget_destroy (job->window);
  g_free (job);
}

GimpPDBStatusType
neural_style_job_run (const gchar *weights_path, const ns_image *content, const ns_image *keep,
                      const ns_image *start, const ns_style *styles, gint style_count,
                      const ns_params *params, const Babl *format, gboolean show_window,
                      ns_image *result, GError **error)
{
  NeuralStyleJob *job = neural_style_job_new (weights_path, keep, styles, style_count, params,
                                              format, show_window, 0);
  GimpPDBStatusType status;

  ((Job *) job)->start_picture = start;
  status = neural_style_job_paint (job, content, result, error);

  neural_style_job_free (job);
  return status;
}
