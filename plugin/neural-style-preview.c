/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the dialog's preview, the plug-in's side (see
 * neural-style-preview.h).
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

#include <string.h>

#include <libgimp/gimp.h>
#include <glib/gi18n-lib.h>

#include "neural-style-image.h"
#include "neural-style-inputs.h"
#include "neural-style-preview-worker.h"
#include "neural-style-preview.h"
#include "neural-style-run-input.h"
#include "neural-style-settings.h"

/* After a change, the preview waits this long for the next before it
 * starts: a slider dragged starts one run, not ten. */
#define PREVIEW_PAUSE_MSEC 300

struct _NeuralStylePreview
{
  NeuralStyleDialogPreview dialog;
  GimpImage *image;
  GimpDrawable *drawable;
  NeuralStylePreviewWorker *worker;
  gchar *weights_path; /* the worker's */
  const Babl *format;  /* the pictures' (the content's space) */
  gint64 change;       /* when the newest input was handed over */
};

static void
show_picture (const NeuralStylePreviewPicture *picture, gpointer data)
{
  NeuralStylePreview *preview = data;
  guchar *bytes;
  gchar *text;
  gdouble seconds = (g_get_monotonic_time () - preview->change) / (gdouble) G_USEC_PER_SEC;

  if (!preview->dialog.area)
    return;
  bytes = neural_style_preview_bytes (picture->picture, preview->format);
  neural_style_dialog_preview_draw (&preview->dialog, bytes, picture->picture->width,
                                    picture->picture->height);
  g_free (bytes);

  if (picture->finished)
    text = g_strdup_printf (_ ("Preview %d×%d, done in %.1f s"), picture->picture->width,
                            picture->picture->height, seconds);
  else
    {
      gchar *where = g_strdup_printf (_ ("Scale %d/%d · iteration %d/%d"), picture->scale,
                                      picture->scales, picture->iteration, picture->iterations);

      text = g_strdup_printf ("%s · %.1f s", where, seconds);
      g_free (where);
    }
  neural_style_dialog_preview_say (&preview->dialog, text);
  g_free (text);
  /* not the progress text: the tests read the runs' own from the log */
  if (picture->finished)
    g_debug ("preview picture %u: finished after %.1f s", picture->generation, seconds);
  else
    g_debug ("preview picture %u: scale %d of %d, iteration %d of %d", picture->generation,
             picture->scale, picture->scales, picture->iteration, picture->iterations);
}

static void
show_error (guint generation, const gchar *message, gpointer data)
{
  NeuralStylePreview *preview = data;

  g_debug ("preview %u failed: %s", generation, message);
  if (preview->dialog.label)
    neural_style_dialog_preview_say (&preview->dialog, message);
}

/* Reads config and the image as OK would, into input. */
static gboolean
read_input (NeuralStylePreview *preview, GimpProcedureConfig *config, NeuralStyleRunInput *input,
            gchar **weights_path, GError **error)
{
  NeuralStyleInputValues inputs = { 0 };
  GFile *weights_file = NULL;
  GeglRectangle region;
  gboolean masked;
  ns_params params;
  ns_error ns_err = { 0 };
  gboolean ok;

  neural_style_settings_to_params (config, &params);
  neural_style_inputs_peek (config, &inputs);
  ok = neural_style_inputs_check_sources (config, error) &&
       neural_style_inputs_check (&inputs, preview->image, error);
  if (ok && ns_params_check (&params, &ns_err) != NS_OK)
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0, _ ("Invalid settings: %s."), ns_err.message);
      ok = FALSE;
    }
  ok = ok && neural_style_run_area (preview->drawable, &region, &masked, &preview->format, error);
  if (ok)
    {
      g_object_get (config, "weights-file", &weights_file, NULL);
      *weights_path = neural_style_find_weights (weights_file, error);
      ok = *weights_path != NULL;
    }
  ok = ok && neural_style_run_input_read (&inputs, &params, preview->drawable, &region,
                                          preview->format, FALSE, input, error);

  g_clear_object (&weights_file);
  neural_style_inputs_clear (&inputs);
  return ok;
}

static void
preview_changed (GimpProcedureConfig *config, gpointer data)
{
  NeuralStylePreview *preview = data;
  NeuralStyleRunInput input = { 0 };
  gchar *weights_path = NULL;
  GError *error = NULL;

  if (!read_input (preview, config, &input, &weights_path, &error))
    {
      if (preview->worker)
        neural_style_preview_worker_stop (preview->worker);
      neural_style_dialog_preview_say (&preview->dialog, error->message);
      g_debug ("no preview: %s", error->message);
      g_clear_error (&error);
      neural_style_run_input_clear (&input);
      g_free (weights_path);
      return;
    }

  /* the weights are loaded once, unless another file is chosen */
  if (preview->worker && g_strcmp0 (weights_path, preview->weights_path) != 0)
    g_clear_pointer (&preview->worker, neural_style_preview_worker_free);
  if (!preview->worker)
    {
      preview->worker = neural_style_preview_worker_new (weights_path, NULL, PREVIEW_PAUSE_MSEC,
                                                         show_picture, show_error, preview);
      g_free (preview->weights_path);
      preview->weights_path = weights_path;
    }
  else
    g_free (weights_path);

  preview->change = g_get_monotonic_time ();
  g_debug ("preview %u started", neural_style_preview_worker_set_input (preview->worker, &input));
  neural_style_dialog_preview_say (&preview->dialog, _ ("Painting the preview…"));
}

static void
preview_stop (gpointer data)
{
  NeuralStylePreview *preview = data;

  if (preview->worker)
    neural_style_preview_worker_stop (preview->worker);
  g_debug ("preview stopped");
}

NeuralStylePreview *
neural_style_preview_new (GimpImage *image, GimpDrawable *drawable)
{
  NeuralStylePreview *preview = g_new0 (NeuralStylePreview, 1);

  preview->image = image;
  preview->drawable = drawable;
  preview->dialog.changed = preview_changed;
  preview->dialog.stop = preview_stop;
  preview->dialog.data = preview;

  return preview;
}

NeuralStyleDialogPreview *
neural_style_preview_get_dialog_preview (NeuralStylePreview *preview)
{
  return &preview->dialog;
}

gboolean
neural_style_preview_take_start (NeuralStylePreview *preview, const NeuralStyleRunInput *input,
                                 ns_image *start)
{
  memset (start, 0, sizeof *start);
  return preview->worker && neural_style_preview_worker_take_start (preview->worker, input, start);
}

void
neural_style_preview_free (NeuralStylePreview *preview)
{
  if (!preview)
    return;
  neural_style_preview_worker_free (preview->worker);
  g_debug ("preview freed");
  g_free (preview->weights_path);
  g_free (preview);
}
