/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drives the dialog's preview worker from a GMainLoop as the dialog does,
 * for the benchmark (bench/bench_preview.c) and the unit test
 * (tests/unit/test_preview_worker.c): hands it an input, runs the loop
 * until the first or the finished picture comes, and notes when pictures
 * came, whether any came of a replaced run, and the longest gap between
 * the ticks of a 10 ms timer while a run was under way (the main loop's
 * longest stall). */
#ifndef PREVIEW_HARNESS_H
#define PREVIEW_HARNESS_H

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "neural-style-preview-worker.h"

#define PREVIEW_HARNESS_TICK_MS 10

typedef struct
{
  GMainLoop *loop;
  NeuralStylePreviewWorker *worker;
  guint generation; /* the newest input's */
  gint64 change;    /* when it was handed over (monotonic, µs) */
  gint64 first;     /* its first picture came; 0: none yet */
  gint64 done;      /* its finished picture came; 0: none yet */
  int pictures;     /* of the newest input */
  int stale;        /* pictures of a replaced input: must stay 0 */
  int first_scales; /* the first picture's scale of scales */
  int first_scale;
  int resumed;      /* the newest input's run went on from the last picture */
  ns_image last;    /* a copy of the newest picture */
  gchar *error;     /* the newest input's error */
  gint64 last_tick; /* 0: no run was under way at the last tick */
  gint64 max_gap;   /* µs between two ticks while a run was under way */
  guint tick;
  guint timer;       /* the wait's deadline */
  long peak_rss_kb;  /* the largest resident size seen at a tick */
  int stop_at_first; /* quit the loop at the first picture, not the finished one */
} preview_harness;

/* The process's resident size in KiB (Linux), 0 when unknown. */
static inline long
preview_harness_rss_kb (void)
{
  FILE *file = fopen ("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (!file)
    return 0;
  if (fscanf (file, "%ld %ld", &pages, &resident) != 2)
    resident = 0;
  fclose (file);
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static inline void
preview_harness_picture (const NeuralStylePreviewPicture *picture, gpointer data)
{
  preview_harness *h = data;
  const ns_image *p = picture->picture;
  if (picture->generation != h->generation)
    {
      h->stale++;
      return;
    }
  const gint64 now = g_get_monotonic_time ();
  h->pictures++;
  if (!h->first)
    {
      h->first = now;
      h->first_scale = picture->scale;
      h->first_scales = picture->scales;
      h->resumed = picture->resumed;
    }
  /* what the dialog does with a picture: keep a copy to draw */
  ns_image_clear (&h->last);
  if (ns_image_alloc (&h->last, p->width, p->height, p->channels, NULL) == NS_OK)
    memcpy (h->last.data, p->data, sizeof (float) * p->width * p->height * p->channels);
  if (picture->finished)
    h->done = now;
  if (picture->finished || h->stop_at_first)
    g_main_loop_quit (h->loop);
}

static inline void
preview_harness_error (guint generation, const gchar *message, gpointer data)
{
  preview_harness *h = data;
  if (generation != h->generation)
    return;
  g_free (h->error);
  h->error = g_strdup (message);
  g_main_loop_quit (h->loop);
}

static inline gboolean
preview_harness_tick (gpointer data)
{
  preview_harness *h = data;
  const gint64 now = g_get_monotonic_time ();
  const long rss = preview_harness_rss_kb ();
  if (rss > h->peak_rss_kb)
    h->peak_rss_kb = rss;
  if (h->last_tick && now - h->last_tick > h->max_gap)
    h->max_gap = now - h->last_tick;
  h->last_tick = neural_style_preview_worker_busy (h->worker) ? now : 0;
  return G_SOURCE_CONTINUE;
}

static inline gboolean
preview_harness_timeout (gpointer data)
{
  preview_harness *h = data;
  h->timer = 0;
  g_main_loop_quit (h->loop);
  return G_SOURCE_REMOVE;
}

/* A worker of weights_path (or weights, taken) with the dialog's pause. */
static inline void
preview_harness_init (preview_harness *h, const char *weights_path, ns_weights *weights,
                      guint delay_ms)
{
  memset (h, 0, sizeof *h);
  h->loop = g_main_loop_new (NULL, FALSE);
  h->worker = neural_style_preview_worker_new (weights_path, weights, delay_ms,
                                               preview_harness_picture, preview_harness_error, h);
  h->tick = g_timeout_add (PREVIEW_HARNESS_TICK_MS, preview_harness_tick, h);
}

/* Hands input (taken) over: a change in the dialog. */
static inline void
preview_harness_change (preview_harness *h, NeuralStyleRunInput *input)
{
  h->first = h->done = 0;
  h->pictures = 0;
  g_clear_pointer (&h->error, g_free);
  h->change = g_get_monotonic_time ();
  h->generation = neural_style_preview_worker_set_input (h->worker, input);
}

/* Runs the main loop until the newest input's first picture (stop_at_first)
 * or its finished one comes, an error comes, or timeout_s pass; returns
 * whether the picture came. */
static inline int
preview_harness_wait (preview_harness *h, int stop_at_first, double timeout_s)
{
  h->timer = g_timeout_add ((guint) (timeout_s * 1000.0), preview_harness_timeout, h);
  h->stop_at_first = stop_at_first;
  if (!(stop_at_first ? h->first : h->done) && !h->error)
    g_main_loop_run (h->loop);
  if (h->timer)
    g_source_remove (h->timer);
  h->timer = 0;
  return stop_at_first ? h->first != 0 : h->done != 0;
}

/* Frees the worker (its thread ends), then lets the messages on their way
 * be dropped. */
static inline void
preview_harness_clear (preview_harness *h)
{
  neural_style_preview_worker_free (h->worker);
  g_source_remove (h->tick);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_main_loop_unref (h->loop);
  ns_image_clear (&h->last);
  g_free (h->error);
}

#endif
