/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: what a run paints, read from the image the same way
 * for OK and for the dialog's preview.
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
#ifndef NEURAL_STYLE_RUN_INPUT_H
#define NEURAL_STYLE_RUN_INPUT_H

#include <libgimp/gimp.h>

#include "neural-style-inputs.h"
#include "neural-style-preview-worker.h"

G_BEGIN_DECLS

/* Where a run of drawable paints: the selection's bounding box on it
 * (masked: a selection limits the result), and the format its pixels are
 * read in (R'G'B'(A) float in its own space).  FALSE with error set when
 * the selection does not touch the layer. */
gboolean neural_style_run_area (GimpDrawable *drawable, GeglRectangle *region, gboolean *masked,
                                const Babl **format, GError **error);

/* Fills input from drawable's region (read in format), the region to keep
 * and the styles of inputs (checked: neural_style_inputs_check), and
 * params.  status_bar: GIMP's status bar says when a style file loads. */
gboolean neural_style_run_input_read (const NeuralStyleInputValues *inputs, const ns_params *params,
                                      GimpDrawable *drawable, const GeglRectangle *region,
                                      const Babl *format, gboolean status_bar,
                                      NeuralStyleRunInput *input, GError **error);

G_END_DECLS

#endif
