/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: the dialog's preview, the plug-in's side: reads the
 * dialog's settings and the image as OK reads them, hands them to the
 * preview worker (preview/) and paints its pictures in the dialog.
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
#ifndef NEURAL_STYLE_PREVIEW_H
#define NEURAL_STYLE_PREVIEW_H

#include <libgimp/gimp.h>

#include "neural-style-dialog.h"
#include "neural-style-preview-worker.h"

G_BEGIN_DECLS

typedef struct _NeuralStylePreview NeuralStylePreview;

/* The preview of drawable's run in image, for the dialog; its worker
 * (a thread, the weights, the engine) is made at the first change. */
NeuralStylePreview *neural_style_preview_new (GimpImage *image, GimpDrawable *drawable);
/* What neural_style_dialog_run takes. */
NeuralStyleDialogPreview *neural_style_preview_get_dialog_preview (NeuralStylePreview *preview);
/* Where the run OK makes of input may go on from: the last preview's
 * finished scales (see neural_style_preview_worker_take_start). */
gboolean neural_style_preview_take_start (NeuralStylePreview *preview,
                                          const NeuralStyleRunInput *input, ns_image *start);
/* Ends the worker's thread and frees all the preview holds. */
void neural_style_preview_free (NeuralStylePreview *preview);

G_END_DECLS

#endif
