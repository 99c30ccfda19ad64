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

G_END_DECLS

#endif
