/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: an animation's frames (see neural-style-animation.h).
 *
 * main thread reports its progress to GIMP and (interactively) shows the
 * progress window with its Stop and Cancel buttons.
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
 *
 * The frames are read from a duplicate of the image (undo off), where
 * each frame's layers are made visible in turn and GIMP composites them
 * (gimp_layer_new_from_visible): the user's image is never touched, and
 * closing it during the run changes nothing.  One frame is in memory at a
 * time; each result becomes a layer of the new image as soon as it is
 * painted, so that Stop keeps what is done.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <glib/gi18n-lib.h>

#include "neural-style-animation.h"
#include "neural-style-image.h"
#include "neural-style-job.h"
#include "neural-style-run-input.h"

/* Whether a frame's layer name carries Playback's "(replace)" tag: the
 * frame replaces those before it rather than being laid over them. */
static gboolean
replaces (GimpLayer *layer)
{
  gchar *name = gimp_item_get_name (GIMP_ITEM (layer));
  gboolean tagged = strstr (name, "(replace)") != NULL;

  g_free (name);
  return tagged;
}

typedef struct
{
  GimpImage *scratch; /* the duplicate, undo off */
  GimpLayer **layers; /* its top-level layers, bottom first */
  gint count;
  const Babl *format; /* R'G'B'A float in the image's space */
} Frames;

static gboolean
frames_open (GimpImage *image, Frames *frames, GError **error)
{
  GimpLayer **top_first;
  gint k;

  frames->scratch = gimp_image_duplicate (image);
  if (!frames->scratch)
    {
      g_set_error_literal (error, GIMP_PLUG_IN_ERROR, 0,
                           _ ("Could not read the image's frames (a copy of it failed)."));
      return FALSE;
    }
  gimp_image_undo_disable (frames->scratch);
  /* the duplicate keeps the image's mode: RGB frames for the engine */
  if (gimp_image_get_base_type (frames->scratch) != GIMP_RGB)
    gimp_image_convert_rgb (frames->scratch);

  top_first = gimp_image_get_layers (frames->scratch);
  for (frames->count = 0; top_first && top_first[frames->count]; frames->count++)
    ;
  frames->layers = g_new0 (GimpLayer *, frames->count + 1);
  for (k = 0; k < frames->count; k++)
    frames->layers[k] = top_first[frames->count - 1 - k];
  g_free (top_first);

  if (frames->count == 0)
    {
      g_set_error_literal (error, GIMP_PLUG_IN_ERROR, 0, _ ("The image has no layer to paint."));
      return FALSE;
    }
  frames->format = babl_format_with_space ("R'G'B'A float", gimp_drawable_get_format (
                                                                GIMP_DRAWABLE (frames->layers[0])));
  return TRUE;
}

static void
frames_close (Frames *frames)
{
  if (frames->scratch)
    gimp_image_delete (frames->scratch);
  g_free (frames->layers);
  memset (frames, 0, sizeof *frames);
}

/* Frame t (0-based, bottom first) as Playback shows it: a new layer of the
 * canvas's size at the scratch image's top (the caller deletes it). */
static GimpLayer *
frames_compose (Frames *frames, gint t)
{
  GimpLayer *frame;
  gint first = t;
  gint k;

  while (first > 0 && !replaces (frames->layers[first]))
    first--;
  for (k = 0; k < frames->count; k++)
    gimp_item_set_visible (GIMP_ITEM (frames->layers[k]), k >= first && k <= t);

  frame = gimp_layer_new_from_visible (frames->scratch, frames->scratch, "frame");
  if (frame)
    gimp_image_insert_layer (frames->scratch, frame, NULL, 0);
  return frame;
}

/* Frame t's pixels into content, of the canvas's size. */
static gboolean
frames_read (Frames *frames, gint t, ns_image *content, GError **error)
{
  GimpLayer *frame = frames_compose (frames, t);
  GeglRectangle canvas = { 0, 0, gimp_image_get_width (frames->scratch),
                           gimp_image_get_height (frames->scratch) };
  gboolean read;

  if (!frame)
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0, _ ("Could not compose frame %d."), t + 1);
      return FALSE;
    }
  read = neural_style_read_region (GIMP_DRAWABLE (frame), frames->format, &canvas, content, error);
  gimp_image_remove_layer (frames->scratch, frame);
  return read;
}

/* The new image: the source's size, precision and colours. */
static GimpImage *
result_image (GimpImage *image)
{
  GimpImage *result = gimp_image_new_with_precision (gimp_image_get_width (image),
                                                     gimp_image_get_height (image),
                                                     gimp_image_get_base_type (image),
                                                     gimp_image_get_precision (image));
  GimpColorProfile *profile = gimp_image_get_color_profile (image);

  gimp_image_undo_disable (result);
  if (profile)
    {
      gimp_image_set_color_profile (result, profile);
      g_object_unref (profile);
    }
  return result;
}

/* Frame t's painting as the new image's top layer, named as its frame's
 * layer (the duplicate's layers have the image's names). */
static GimpLayer *
add_frame (GimpImage *result, const Frames *frames, gint t, const ns_image *painted)
{
  gchar *name = gimp_item_get_name (GIMP_ITEM (frames->layers[t]));
  GimpLayer *layer = gimp_layer_new (result, name, painted->width, painted->height,
                                     gimp_image_get_base_type (result) == GIMP_GRAY ?
                                         GIMP_GRAYA_IMAGE :
                                         GIMP_RGBA_IMAGE,
                                     100.0, GIMP_LAYER_MODE_NORMAL);

  gimp_image_insert_layer (result, layer, NULL, 0);
  neural_style_write_layer (layer, frames->format, painted);
  g_free (name);
  return layer;
}

GimpPDBStatusType
neural_style_animate (GimpImage *image, const NeuralStyleInputValues *inputs,
                      const ns_params *params, const gchar *weights_path, gboolean interactive,
                      GimpImage **new_image, GimpLayer **top, GError **error)
{
  Frames frames = { 0 };
  NeuralStyleRunInput input = { 0 };
  NeuralStyleJob *job = NULL;
  ns_request request;
  GimpPDBStatusType status = GIMP_PDB_EXECUTION_ERROR;
  GimpLayer *first = NULL;
  gint t;

  *new_image = NULL;
  *top = NULL;
  if (!frames_open (image, &frames, error))
    goto out;

  /* The styles, their regions and the region to keep are read once, over
   * the canvas, with frame 1 as the content. */
  first = frames_compose (&frames, 0);
  if (!first)
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0, _ ("Could not compose frame %d."), 1);
      goto out;
    }
  {
    GeglRectangle canvas = { 0, 0, gimp_image_get_width (image), gimp_image_get_height (image) };
    gboolean read = neural_style_run_input_read (inputs, params, GIMP_DRAWABLE (first), &canvas,
                                                 frames.format, !interactive, &input, error);

    gimp_image_remove_layer (frames.scratch, first);
    if (!read)
      goto out;
  }
  neural_style_run_input_request (&input, &request);

  *new_image = result_image (image);
  job = neural_style_job_new (weights_path, request.keep, request.styles, request.style_count,
                              params, frames.format, interactive, frames.count);
  for (t = 0; t < frames.count; t++)
    {
      ns_image painted = { 0 };

      if (t > 0)
        {
          ns_image_clear (&input.content);
          if (!frames_read (&frames, t, &input.content, error))
            {
              status = GIMP_PDB_EXECUTION_ERROR;
              break;
            }
        }
      status = neural_style_job_paint (job, &input.content, &painted, error);
      if (status != GIMP_PDB_SUCCESS)
        break;
      *top = add_frame (*new_image, &frames, t, &painted);
      ns_image_clear (&painted);
      if (neural_style_job_stopped (job))
        {
          g_debug ("stopped in frame %d/%d: %d frames kept", t + 1, frames.count, t + 1);
          break;
        }
    }

  if (status == GIMP_PDB_CANCEL)
    {
      gimp_image_delete (*new_image);
      *new_image = NULL;
      *top = NULL;
    }
  else if (status != GIMP_PDB_SUCCESS && *top)
    {
      /* what is painted stays: the message says where */
      gchar *why = g_strdup ((*error)->message);

      g_clear_error (error);
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _ ("Frame %d could not be painted (%s); the %d frames before it are in a new "
                      "image."),
                   t + 1, why, t);
      g_free (why);
    }
  else if (status != GIMP_PDB_SUCCESS)
    {
      gimp_image_delete (*new_image);
      *new_image = NULL;
    }
  if (*new_image)
    gimp_image_undo_enable (*new_image);

out:
  neural_style_job_free (job);
  neural_style_run_input_clear (&input);
  frames_close (&frames);
  return status;
}
