/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: pixels between GIMP and the engine.  babl converts
 * every drawable, of any precision and colour space, to R'G'B'A float in
 * the content's space; the result becomes a new layer above the content,
 * in the image's precision, limited to the selection by a layer mask.
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
#ifndef NEURAL_STYLE_IMAGE_H
#define NEURAL_STYLE_IMAGE_H

#include <libgimp/gimp.h>

#include "neural_style.h"

G_BEGIN_DECLS

/* Reads a rectangle of drawable (in its own coordinates) as interleaved
 * R'G'B' or R'G'B'A floats in format; babl converts from any precision and
 * space. */
gboolean neural_style_read_region (GimpDrawable *drawable, const Babl *format,
                                   const GeglRectangle *region, ns_image *image, GError **error);

/* Opens file as a temporary image, flattens it and reads it. */
gboolean neural_style_read_style_file (GFile *file, const Babl *format, ns_image *image,
                                       GError **error);

/* Inserts the result as a new layer directly above content, covering the
 * painted region (of the content's coordinates), as one undo step; with a
 * selection (masked), a layer mask made from it limits the layer to it. */
GimpLayer *neural_style_insert_result (GimpImage *image, GimpDrawable *content, const Babl *format,
                                       const GeglRectangle *region, gboolean masked,
                                       const ns_image *result);

/* An RGB snapshot of the engine (floats in format's space) as 8-bit sRGB
 * R'G'B' for the screen, width * 3 bytes a row; g_free it. */
guchar *neural_style_preview_bytes (const ns_image *snapshot, const Babl *format);

G_END_DECLS

#endif
