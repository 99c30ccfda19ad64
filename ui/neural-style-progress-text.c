/* GIMP Neural Style: the progress text (see neural-style-progress-text.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "neural_style.h"
#include "neural-style-progress-text.h"

gchar *
neural_style_format_loss (gdouble loss)
{
  gchar *text;
  gchar *e;

  if (!isfinite (loss))
    return g_strdup ("–");

  if (loss != 0.0 && (fabs (loss) >= 1.0e4 || fabs (loss) < 1.0e-2))
    text = g_strdup_printf ("%.1e", loss);
  else
    return g_strdup_printf ("%.3g", loss);

  /* "1.2e+04" → "1.2e4", "3.4e-05" → "3.4e-5" */
  e = strchr (text, 'e');
  if (e)
    {
      gchar *digits = e + 1;
      gchar *out = e + 1;

      if (*digits == '+')
        digits++;
      else if (*digits == '-')
        out = ++digits;
      while (digits[0] == '0' && digits[1] != '\0')
        digits++;
      memmove (out, digits, strlen (digits) + 1);
    }

  return text;
}

gchar *
neural_style_format_elapsed (gint64 usec)
{
  gint64 seconds = usec / G_USEC_PER_SEC;

  if (seconds >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (gint) (seconds / 3600), (gint) (seconds / 60 % 60),
                            (gint) (seconds % 60));

  return g_strdup_printf ("%d:%02d", (gint) (seconds / 60), (gint) (seconds % 60));
}

gint64
neural_style_time_left (gdouble done, gint64 report_usec, gint64 elapsed_usec)
{
  gdouble left = ns_progress_time_left (done, (gdouble) report_usec / G_USEC_PER_SEC);

  if (left < 0.0)
    return -1;

  /* Counted down between reports, so that an iteration that takes several
   * seconds does not make the estimate climb with every tick. */
  left = left * G_USEC_PER_SEC - (gdouble) (elapsed_usec - report_usec);
  return left > 0.0 ? (gint64) left : 0;
}

gchar *
neural_style_progress_text (const NeuralStyleProgressInfo *info, gint64 elapsed_usec)
{
  gchar *elapsed = neural_style_format_elapsed (elapsed_usec);
  gchar *text;

  switch (info->phase)
    {
    case NEURAL_STYLE_PHASE_ITERATING:
      {
        GString *line = g_string_new (NULL);
        gchar *loss = neural_style_format_loss (info->loss);
        gdouble done = ns_animation_done (info->frame, info->frames, info->done);
        gint64 left = neural_style_time_left (done, info->report_usec, elapsed_usec);

        if (info->frames > 0)
          {
            /* TRANSLATORS: the frame of an animation being painted, of
             * all its frames: "Frame 7/24". */
            g_string_append_printf (line, _ ("Frame %d/%d"), info->frame, info->frames);
            g_string_append (line, " · ");
          }
        /* The parts are joined with " · " here; each is translated alone. */
        /* TRANSLATORS: the scale of a coarse-to-fine run and the iteration
         * at that scale: "Scale 2/3 · iteration 120/300". */
        g_string_append_printf (line,
                                info->frames > 0 ? _ ("scale %d/%d · iteration %d/%d") :
                                                   _ ("Scale %d/%d · iteration %d/%d"),
                                info->scale, info->scales, info->iteration, info->iterations);
        if (info->tiles > 1 && info->tile > 0)
          {
            g_string_append (line, " · ");
            /* TRANSLATORS: the image is too large for the memory limit, so
             * each iteration goes over it in parts (tiles), twice: "tile
             * 3/8, pass 2/2" is the third of 8 tiles in the second pass. */
            g_string_append_printf (line, _ ("tile %d/%d, pass %d/%d"), info->tile, info->tiles,
                                    info->sweep, 2);
          }
        else if (info->tiles > 1)
          {
            /* TRANSLATORS: the image is too large for the memory limit, so
             * each iteration goes over it in this many parts (tiles). */
            const gchar *tiles = g_dngettext (GETTEXT_PACKAGE, "%d tile", "%d tiles", info->tiles);

            g_string_append (line, " · ");
            g_string_append_printf (line, tiles, info->tiles);
          }
        g_string_append (line, " · ");
        /* TRANSLATORS: the loss the run minimises, e.g. "loss 1.2e4". */
        g_string_append_printf (line, _ ("loss %s"), loss);
        g_string_append_printf (line, " · %s", elapsed);
        if (left >= 0)
          {
            gchar *time_left = neural_style_format_elapsed (left);

            g_string_append (line, " · ");
            /* TRANSLATORS: an estimate of the time the run still takes,
             * e.g. "about 3:10 left" (minutes:seconds). */
            g_string_append_printf (line, _ ("about %s left"), time_left);
            g_free (time_left);
          }
        g_free (loss);
        text = g_string_free (line, FALSE);
      }
      break;

    case NEURAL_STYLE_PHASE_PREPARING:
      /* TRANSLATORS: %s is the time since the start, e.g. 0:03. */
      text = g_strdup_printf (_ ("Preparing the style · %s"), elapsed);
      break;

    case NEURAL_STYLE_PHASE_LOADING:
    default:
      /* TRANSLATORS: %s is the time since the start, e.g. 0:03. */
      text = g_strdup_printf (_ ("Loading the VGG19 weights · %s"), elapsed);
      break;
    }

  g_free (elapsed);
  return text;
}
