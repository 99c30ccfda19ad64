/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: a run of the engine in a worker thread, while the
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
 * along with this program.  If not, see <https://www.gnu.org/licenses/>.
 *
 */
#ifndef NEURAL_STYLE_JOB_H
#define NEURAL_STYLE_JOB_H

#include <libgimp/gimp.h>

#include "neural_style.h"

G_BEGIN_DECLS

/* Loads the weights and stylizes content with the styles (style_count of
 * them), keeping the shapes of the region keep (a mask, or NULL), going on
 * from start (ns_request.start_done) unless it is NULL; returns
 * GIMP_PDB_SUCCESS with result set (also after Stop: the result so far),
 * GIMP_PDB_CANCEL (Cancel: no result), or GIMP_PDB_EXECUTION_ERROR with
 * error set.  format is the images' babl format (for the preview). */
GimpPDBStatusType neural_style_job_run (const gchar *weights_path, const ns_image *content,
                                        const ns_image *keep, const ns_image *start,
                                        const ns_style *styles, gint style_count,
                                        const ns_params *params, const Babl *format,
                                        gboolean show_window, ns_image *result, GError **error);

/* A run over several frames (an animation's): one progress window, the
 * weights loaded once.  frames: 0 for a still (painted by ns_stylize), else
 * the frame count (painted in order by ns_animation).  The inputs must
 * outlive the job. */
typedef struct _NeuralStyleJob NeuralStyleJob;

NeuralStyleJob *neural_style_job_new (const gchar *weights_path, const ns_image *keep,
                                      const ns_style *styles, gint style_count,
                                      const ns_params *params, const Babl *format,
                                      gboolean show_window, gint frames);
/* Paints content (the still, or the animation's next frame); returns as
 * neural_style_job_run.  After Cancel every later paint returns
 * GIMP_PDB_CANCEL at once. */
GimpPDBStatusType neural_style_job_paint (NeuralStyleJob *job, const ns_image *content,
                                          ns_image *result, GError **error);
/* Whether Stop was pressed: the paint under way gave its result so far, and
 * no frame after it is to be painted. */
gboolean neural_style_job_stopped (NeuralStyleJob *job);
void neural_style_job_free (NeuralStyleJob *job);

G_END_DECLS

#endif
