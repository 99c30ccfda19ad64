/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the dialog's preview in a worker thread (see
 * neural-style-preview-worker.h).
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
 * One thread per worker, alive while the dialog is: it owns the weights
 * and an engine, and waits on a condition for an input whose pause is
 * over.  The main thread hands inputs over under the mutex and sets the
 * cancel flag the engine reads between the network's layers.  Each run
 * has a generation; pictures travel to the main context as messages that
 * hold a reference to the worker, and are shown only if their generation
 * is still the newest there, so a replaced run's pictures never arrive.
 */

#include <math.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "ns_weights.h"
#include "neural-style-preview-worker.h"

/* Pictures of a scale between its first and its last come at most this
 * often: each is a copy and a redraw for the main thread. */
#define PICTURE_INTERVAL_USEC 200000

struct _NeuralStylePreviewWorker
{
  gint ref_count; /* the worker's owner, and each message on its way */
  GMainContext *context;
  NeuralStylePreviewFn picture_fn;
  NeuralStylePreviewErrorFn error_fn;
  gpointer user_data;
  guint delay_ms;
  gchar *weights_path;
  ns_weights weights;
  gboolean weights_given;
  GThread *thread;

  /* shared, under mutex */
  GMutex mutex;
  GCond cond;      /* an input is ready, or quit */
  GCond idle_cond; /* a run ended */
  NeuralStyleRunInput *pending;
  gboolean ready; /* pending's pause is over */
  gboolean quit;
  gboolean running;
  guint generation; /* the newest input's */
  atomic_int cancel;

  /* the main thread's */
  guint shown_generation; /* pictures of any other are dropped */
  GSource *pause;
  gboolean closed;

  /* the worker thread's */
  ns_engine *engine;
  NeuralStyleRunInput *last; /* the last run's input */
  ns_image last_picture;     /* its latest picture at the preview's size */
  guint run_generation;
  gint64 last_post;
  gint picture_width, picture_height; /* the preview's size in this run */
  gboolean resumed;                   /* this run starts from the last picture */
  /* the longest sides of the scales of the run OK would make of this
   * run's input, and this run's picture at the end of the largest of them
   * it paints: where that run may go on from */
  gint ok_sizes[16];
  gint ok_scales;
  ns_image ok_start;
  gboolean finished; /* the last run painted all its scales */
};

void
neural_style_run_input_request (NeuralStyleRunInput *input, ns_request *request)
{
  gint k;

  for (k = 0; k < input->style_count; k++)
    {
      input->styles[k].image = &input->style_images[k];
      input->styles[k].blend = input->blends[k];
      input->styles[k].region = input->style_regions[k].data ? &input->style_regions[k] : NULL;
    }
  memset (request, 0, sizeof *request);
  request->content = &input->content;
  request->styles = input->styles;
  request->style_count = input->style_count;
  request->keep = input->keep.data ? &input->keep : NULL;
  request->params = &input->params;
}

void
neural_style_run_input_clear (NeuralStyleRunInput *input)
{
  gint k;

  for (k = 0; k < NS_MAX_STYLES; k++)
    {
      ns_image_clear (&input->style_images[k]);
      ns_image_clear (&input->style_regions[k]);
    }
  ns_image_clear (&input->keep);
  ns_image_clear (&input->content);
}

static void
input_free (NeuralStyleRunInput *input)
{
  if (!input)
    return;
  neural_style_run_input_clear (input);
  g_free (input);
}

static NeuralStylePreviewWorker *
worker_ref (NeuralStylePreviewWorker *worker)
{
  g_atomic_int_inc (&worker->ref_count);
  return worker;
}

static void
worker_unref (NeuralStylePreviewWorker *worker)
{
  if (!g_atomic_int_dec_and_test (&worker->ref_count))
    return;
  g_mutex_clear (&worker->mutex);
  g_cond_clear (&worker->cond);
  g_cond_clear (&worker->idle_cond);
  g_main_context_unref (worker->context);
  g_free (worker->weights_path);
  g_free (worker);
}

/*  Messages to the main context  */

typedef struct
{
  NeuralStylePreviewWorker *worker;
  guint generation;
  ns_image picture; /* data NULL: an error */
  gint scale, scales, iteration, iterations;
  gboolean finished;
  gboolean resumed;
  gchar *message;
} Message;

static gboolean
deliver (gpointer data)
{
  Message *m = data;
  NeuralStylePreviewWorker *worker = m->worker;

  if (worker->closed || m->generation != worker->shown_generation)
    return G_SOURCE_REMOVE;
  if (m->picture.data)
    {
      const NeuralStylePreviewPicture picture = {
        .picture = &m->picture,
        .generation = m->generation,
        .scale = m->scale,
        .scales = m->scales,
        .iteration = m->iteration,
        .iterations = m->iterations,
        .finished = m->finished,
        .resumed = m->resumed,
      };

      worker->picture_fn (&picture, worker->user_data);
    }
  else if (worker->error_fn)
    worker->error_fn (m->generation, m->message, worker->user_data);

  return G_SOURCE_REMOVE;
}

static void
message_free (gpointer data)
{
  Message *m = data;

  ns_image_clear (&m->picture);
  g_free (m->message);
  worker_unref (m->worker);
  g_free (m);
}

/* Sends m (taken) to the main context. */
static void
post (NeuralStylePreviewWorker *worker, Message *m)
{
  m->worker = worker_ref (worker);
  m->generation = worker->run_generation;
  m->resumed = worker->resumed;
  worker->last_post = g_get_monotonic_time ();
  g_main_context_invoke_full (worker->context, G_PRIORITY_DEFAULT, deliver, m, message_free);
}

static void
post_error (NeuralStylePreviewWorker *worker, const gchar *message)
{
  Message *m = g_new0 (Message, 1);

  m->message = g_strdup (message);
  post (worker, m);
}

/*  The worker thread  */

static gboolean
cancelled (NeuralStylePreviewWorker *worker)
{
  return atomic_load (&worker->cancel) != 0;
}

/* The picture of a report at the preview's size: a coarse scale's is
 * stretched, so that the preview shows the whole picture at every scale. */
static gboolean
snapshot (NeuralStylePreviewWorker *worker, const ns_progress *progress, ns_image *picture)
{
  ns_image own = { 0 };
  ns_error ignored;
  gboolean ok;

  if (ns_progress_snapshot (progress, 0, &own, &ignored) != NS_OK)
    return FALSE;
  if (own.width == worker->picture_width && own.height == worker->picture_height)
    {
      *picture = own;
      return TRUE;
    }
  ok = ns_image_resize (&own, worker->picture_width, worker->picture_height, picture, &ignored) ==
       NS_OK;
  ns_image_clear (&own);
  return ok;
}

/* Whether the picture of progress is of a scale that the run OK would
 * make has too: the preview's scales are those of a run whose working
 * size is the preview's, the first ones of OK's (ns_scale_schedule). */
static gboolean
ok_scale (NeuralStylePreviewWorker *worker, const ns_progress *progress)
{
  const gint longest = MAX (progress->width, progress->height);
  gint k;

  for (k = 0; k < worker->ok_scales; k++)
    if (worker->ok_sizes[k] == longest)
      return TRUE;
  return FALSE;
}

static ns_progress_reply
run_progress (const ns_progress *progress, void *user_data)
{
  NeuralStylePreviewWorker *worker = user_data;
  gboolean edge;
  ns_error ignored;

  if (cancelled (worker))
    return NS_PROGRESS_CANCEL;
  if (!progress->planar_rgb)
    return NS_PROGRESS_CONTINUE;

  if (ok_scale (worker, progress))
    {
      ns_image_clear (&worker->ok_start);
      if (ns_progress_snapshot (progress, 0, &worker->ok_start, &ignored) != NS_OK)
        memset (&worker->ok_start, 0, sizeof worker->ok_start);
    }

  /* the last scale's latest picture: where a resumed run starts */
  if (progress->scale == progress->scales)
    {
      ns_image_clear (&worker->last_picture);
      if (ns_progress_snapshot (progress, 0, &worker->last_picture, &ignored) != NS_OK)
        memset (&worker->last_picture, 0, sizeof worker->last_picture);
    }

  edge = progress->iteration == 1 || progress->iteration == progress->iterations;
  if (edge || g_get_monotonic_time () - worker->last_post >= PICTURE_INTERVAL_USEC)
    {
      Message *m = g_new0 (Message, 1);

      if (!snapshot (worker, progress, &m->picture))
        {
          g_free (m);
          return NS_PROGRESS_CONTINUE;
        }
      m->scale = progress->scale;
      m->scales = progress->scales;
      m->iteration = progress->iteration;
      m->iterations = progress->iterations;
      post (worker, m);
    }

  return NS_PROGRESS_CONTINUE;
}

static gboolean
same_image (const ns_image *a, const ns_image *b)
{
  if (!a->data || !b->data)
    return !a->data && !b->data;
  return a->width == b->width && a->height == b->height && a->channels == b->channels &&
         memcmp (a->data, b->data, sizeof (float) * a->width * a->height * a->channels) == 0;
}

/* Whether settings a and b differ at most in the weights of the content
 * and the style, the colours and the iterations: a run of b may go on from
 * a run of a's picture. */
static gboolean
resumable_params (const ns_params *a, const ns_params *b)
{
  gint k;

  for (k = 0; k < NS_STYLE_LAYER_COUNT; k++)
    if (a->style_layer_weights[k] != b->style_layer_weights[k])
      return FALSE;
  return a->tv_weight == b->tv_weight && a->layer_set == b->layer_set &&
         a->optimizer == b->optimizer && a->learning_rate == b->learning_rate &&
         a->max_size == b->max_size && a->multi_scale == b->multi_scale &&
         a->min_scale_size == b->min_scale_size && a->detail_size == b->detail_size &&
         a->style_scale == b->style_scale && a->keep_strength == b->keep_strength &&
         a->init == b->init && a->seed == b->seed && a->memory_limit == b->memory_limit;
}

/* Whether settings a and b paint the same picture. */
static gboolean
same_params (const ns_params *a, const ns_params *b)
{
  return resumable_params (a, b) && a->content_weight == b->content_weight &&
         a->style_weight == b->style_weight && a->colors == b->colors &&
         a->iterations == b->iterations && a->precision == b->precision;
}

static gboolean
resumable (const NeuralStyleRunInput *a, const NeuralStyleRunInput *b)
{
  gint k;

  if (!a || !resumable_params (&a->params, &b->params) || a->style_count != b->style_count ||
      !same_image (&a->content, &b->content) || !same_image (&a->keep, &b->keep))
    return FALSE;
  for (k = 0; k < a->style_count; k++)
    if (a->blends[k] != b->blends[k] || !same_image (&a->style_images[k], &b->style_images[k]) ||
        !same_image (&a->style_regions[k], &b->style_regions[k]))
      return FALSE;
  return TRUE;
}

/* The preview's size of an image of width x height whose run works at
 * longest (its longest side): never larger than the run OK would make. */
static void
preview_size (gint width, gint height, gint longest, gint *preview_width, gint *preview_height)
{
  const gint own = MAX (width, height);
  const gint side = MIN (MIN (longest, own), NEURAL_STYLE_PREVIEW_SIZE);

  *preview_width = MAX (1, (gint) lround ((gdouble) width * side / own));
  *preview_height = MAX (1, (gint) lround ((gdouble) height * side / own));
}

/* input at the preview's size in small: its content, region to keep and
 * styles' regions shrunk, its styles moved over (the engine sizes them to
 * the working size itself, as it does in the run OK makes). */
static ns_status
shrink_input (NeuralStyleRunInput *input, NeuralStyleRunInput *small, ns_error *err)
{
  const ns_image *content = &input->content;
  const gint own = MAX (content->width, content->height);
  const gint longest = input->params.max_size > 0 ? input->params.max_size : own;
  gint width, height, k;
  ns_status status;

  memset (small, 0, sizeof *small);
  small->params = input->params;
  small->style_count = input->style_count;
  for (k = 0; k < input->style_count; k++)
    {
      small->blends[k] = input->blends[k];
      small->style_images[k] = input->style_images[k];
      memset (&input->style_images[k], 0, sizeof input->style_images[k]);
    }
  preview_size (content->width, content->height, longest, &width, &height);
  small->params.max_size = MAX (width, height);
  status = ns_image_resize (content, width, height, &small->content, err);
  if (status == NS_OK && input->keep.data)
    status = ns_image_resize (&input->keep, width, height, &small->keep, err);
  for (k = 0; status == NS_OK && k < input->style_count; k++)
    if (input->style_regions[k].data)
      status = ns_image_resize (&input->style_regions[k], width, height, &small->style_regions[k],
                                err);

  return status;
}

/* The engine's result as the preview shows it: its colour channels. */
static ns_status
result_picture (const ns_image *result, ns_image *picture, ns_error *err)
{
  const gsize pixels = (gsize) result->width * result->height;
  gsize i;
  gint c;
  ns_status status = ns_image_alloc (picture, result->width, result->height, 3, err);

  if (status == NS_OK)
    for (i = 0; i < pixels; i++)
      for (c = 0; c < 3; c++)
        picture->data[i * 3 + c] = result->data[i * result->channels + c];

  return status;
}

static void
run (NeuralStylePreviewWorker *worker, NeuralStyleRunInput *input)
{
  NeuralStyleRunInput *small = g_new0 (NeuralStyleRunInput, 1);
  ns_image start = { 0 };
  ns_image result = { 0 };
  ns_request request;
  ns_error err = { 0 };
  ns_status status;
  gint ignored[G_N_ELEMENTS (worker->ok_sizes)];

  worker->finished = FALSE;
  ns_image_clear (&worker->ok_start);
  worker->ok_scales = ns_scale_schedule (&input->params, input->content.width, input->content.height,
                                         worker->ok_sizes, ignored, G_N_ELEMENTS (worker->ok_sizes));

  /* only the preview's pictures are kept: a print-size layer is not */
  status = shrink_input (input, small, &err);
  input_free (input);

  /* the last picture is where this run starts, if it may */
  if (status == NS_OK && resumable (worker->last, small))
    start = worker->last_picture;
  else
    ns_image_clear (&worker->last_picture);
  memset (&worker->last_picture, 0, sizeof worker->last_picture);
  worker->last_post = 0;
  worker->resumed = start.data != NULL;

  if (status == NS_OK)
    {
      worker->picture_width = small->content.width;
      worker->picture_height = small->content.height;
      neural_style_run_input_request (small, &request);
      request.start = start.data ? &start : NULL;
      request.progress = run_progress;
      request.user_data = worker;
      request.cancel = &worker->cancel;
      status = ns_engine_run (worker->engine, &request, &result, &err);
    }

  if (status == NS_OK)
    {
      Message *m = g_new0 (Message, 1);

      status = result_picture (&result, &m->picture, &err);
      if (status == NS_OK)
        {
          m->finished = TRUE;
          post (worker, m);
        }
      else
        g_free (m);
    }
  if (status != NS_OK && status != NS_ERROR_CANCELLED)
    post_error (worker, err.message);
  worker->finished = status == NS_OK;
  g_debug ("preview run %u ended: %s", worker->run_generation,
           status == NS_OK              ? "finished" :
           status == NS_ERROR_CANCELLED ? "cancelled" :
                                          "failed");

  /* a run cancelled before its last scale leaves the picture it started
   * from as the one to go on from */
  if (!worker->last_picture.data)
    worker->last_picture = start;
  else
    ns_image_clear (&start);
  ns_image_clear (&result);
  input_free (worker->last);
  worker->last = small;
}

/* Gives the memory a run freed back to the system: glibc keeps large
 * freed blocks of this thread's arena, and the dialog stays open between
 * runs. */
static void
release_memory (void)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
}

static gpointer
worker_thread (gpointer data)
{
  NeuralStylePreviewWorker *worker = data;
  ns_error err = { 0 };
  ns_status status = NS_OK;
  ns_params widest;

  /* Every convolution either layer set uses: a change of layers needs no
   * new load. */
  ns_params_init (&widest);
  widest.layer_set = NS_LAYERS_BLOCK_LAST;
  if (!worker->weights_given)
    status = ns_weights_load (&worker->weights, worker->weights_path,
                              ns_conv_count_needed (&widest), &err);
  if (status == NS_OK)
    status = ns_engine_new (&worker->weights, &worker->engine, &err);

  for (;;)
    {
      NeuralStyleRunInput *input;

      g_mutex_lock (&worker->mutex);
      while (!worker->quit && !worker->ready)
        g_cond_wait (&worker->cond, &worker->mutex);
      if (worker->quit)
        {
          g_mutex_unlock (&worker->mutex);
          break;
        }
      input = worker->pending;
      worker->pending = NULL;
      worker->ready = FALSE;
      worker->running = TRUE;
      worker->run_generation = worker->generation;
      atomic_store (&worker->cancel, 0);
      g_mutex_unlock (&worker->mutex);

      if (status == NS_OK)
        {
          run (worker, input);
          release_memory ();
        }
      else
        {
          post_error (worker, err.message);
          input_free (input);
        }

      g_mutex_lock (&worker->mutex);
      worker->running = FALSE;
      g_cond_broadcast (&worker->idle_cond);
      g_mutex_unlock (&worker->mutex);
    }

  ns_engine_free (worker->engine);
  worker->engine = NULL;
  input_free (worker->last);
  worker->last = NULL;
  ns_image_clear (&worker->last_picture);
  ns_image_clear (&worker->ok_start);
  ns_weights_clear (&worker->weights);
  release_memory ();

  return NULL;
}

/*  The main thread's side  */

NeuralStylePreviewWorker *
neural_style_preview_worker_new (const gchar *weights_path, ns_weights *weights, guint delay_ms,
                                 NeuralStylePreviewFn picture_fn,
                                 NeuralStylePreviewErrorFn error_fn, gpointer user_data)
{
  NeuralStylePreviewWorker *worker = g_new0 (NeuralStylePreviewWorker, 1);

  worker->ref_count = 1;
  worker->context = g_main_context_ref_thread_default ();
  worker->picture_fn = picture_fn;
  worker->error_fn = error_fn;
  worker->user_data = user_data;
  worker->delay_ms = delay_ms;
  worker->weights_path = g_strdup (weights_path);
  if (weights)
    {
      worker->weights = *weights;
      worker->weights_given = TRUE;
      memset (weights, 0, sizeof *weights);
    }
  g_mutex_init (&worker->mutex);
  g_cond_init (&worker->cond);
  g_cond_init (&worker->idle_cond);
  atomic_init (&worker->cancel, 0);
  worker->thread = g_thread_new ("neural-style-preview", worker_thread, worker);

  return worker;
}

static void
remove_pause (NeuralStylePreviewWorker *worker)
{
  if (!worker->pause)
    return;
  g_source_destroy (worker->pause);
  g_source_unref (worker->pause);
  worker->pause = NULL;
}

static gboolean
pause_over (gpointer data)
{
  NeuralStylePreviewWorker *worker = data;

  g_mutex_lock (&worker->mutex);
  if (worker->pending)
    {
      worker->ready = TRUE;
      g_cond_signal (&worker->cond);
    }
  g_mutex_unlock (&worker->mutex);
  g_source_unref (worker->pause);
  worker->pause = NULL;

  return G_SOURCE_REMOVE;
}

/* Cancels the run under way and forgets the input waiting; a new
 * generation, whose pictures alone are shown from now on. */
static guint
cancel_all (NeuralStylePreviewWorker *worker, NeuralStyleRunInput *input)
{
  guint generation;

  remove_pause (worker);
  g_mutex_lock (&worker->mutex);
  input_free (worker->pending);
  worker->pending = input;
  worker->ready = FALSE;
  generation = ++worker->generation;
  atomic_store (&worker->cancel, 1);
  g_mutex_unlock (&worker->mutex);
  worker->shown_generation = generation;

  return generation;
}

guint
neural_style_preview_worker_set_input (NeuralStylePreviewWorker *worker, NeuralStyleRunInput *input)
{
  NeuralStyleRunInput *taken = g_new (NeuralStyleRunInput, 1);
  guint generation;

  *taken = *input;
  memset (input, 0, sizeof *input);
  generation = cancel_all (worker, taken);
  worker->pause = g_timeout_source_new (worker->delay_ms);
  g_source_set_callback (worker->pause, pause_over, worker, NULL);
  g_source_attach (worker->pause, worker->context);

  return generation;
}

void
neural_style_preview_worker_stop (NeuralStylePreviewWorker *worker)
{
  cancel_all (worker, NULL);
}

gboolean
neural_style_preview_worker_busy (NeuralStylePreviewWorker *worker)
{
  gboolean busy;

  g_mutex_lock (&worker->mutex);
  busy = worker->running || worker->pending;
  g_mutex_unlock (&worker->mutex);

  return busy;
}

gboolean
neural_style_preview_worker_wait_run (NeuralStylePreviewWorker *worker, gint64 end_time)
{
  gboolean running;

  g_mutex_lock (&worker->mutex);
  while (worker->running && g_cond_wait_until (&worker->idle_cond, &worker->mutex, end_time))
    ;
  running = worker->running;
  g_mutex_unlock (&worker->mutex);

  return !running;
}

/* Whether image, shrunk to width x height as the preview shrinks it, is
 * small (both without data: none). */
static gboolean
same_shrunk (const ns_image *image, gint width, gint height, const ns_image *small)
{
  ns_image shrunk = { 0 };
  gboolean same;

  if (!image->data || !small->data)
    return !image->data && !small->data;
  same = ns_image_resize (image, width, height, &shrunk, NULL) == NS_OK &&
         same_image (&shrunk, small);
  ns_image_clear (&shrunk);
  return same;
}

gboolean
neural_style_preview_worker_take_start (NeuralStylePreviewWorker *worker,
                                        const NeuralStyleRunInput *input, ns_image *start)
{
  const NeuralStyleRunInput *last;
  const gint own = MAX (input->content.width, input->content.height);
  ns_params params = input->params;
  gint width, height, k;
  gboolean same;

  memset (start, 0, sizeof *start);
  neural_style_preview_worker_stop (worker);
  neural_style_preview_worker_wait_run (worker, G_MAXINT64);
  last = worker->last;
  if (!worker->finished || !worker->ok_start.data || !last)
    return FALSE;

  preview_size (input->content.width, input->content.height,
                params.max_size > 0 ? params.max_size : own, &width, &height);
  params.max_size = MAX (width, height);
  same = same_params (&params, &last->params) && input->style_count == last->style_count &&
         same_shrunk (&input->content, width, height, &last->content) &&
         same_shrunk (&input->keep, width, height, &last->keep);
  for (k = 0; same && k < input->style_count; k++)
    same = input->blends[k] == last->blends[k] &&
           same_image (&input->style_images[k], &last->style_images[k]) &&
           same_shrunk (&input->style_regions[k], width, height, &last->style_regions[k]);
  if (!same)
    return FALSE;

  *start = worker->ok_start;
  memset (&worker->ok_start, 0, sizeof worker->ok_start);
  return TRUE;
}

void
neural_style_preview_worker_free (NeuralStylePreviewWorker *worker)
{
  if (!worker)
    return;
  cancel_all (worker, NULL);
  g_mutex_lock (&worker->mutex);
  worker->quit = TRUE;
  g_cond_signal (&worker->cond);
  g_mutex_unlock (&worker->mutex);
  g_thread_join (worker->thread);
  worker->closed = TRUE;
  worker_unref (worker);
}
