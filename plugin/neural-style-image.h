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
 * space (or any other format: a mask's "Y float"). */
gboolean neural_style_read_region (GimpDrawable *drawable, const Babl *format,
                                   const GeglRectangle *region, ns_image *image, GError **error);

/* Reads channel (a channel or a layer mask of content's image) over region
 * of content (in content's coordinates) as a 1-channel mask of 0 to 1, for
 * a style's region or the region to keep; 0 where the channel does not
 * reach. */
gboolean neural_style_read_mask (GimpChannel *channel, GimpDrawable *content,
                                 const GeglRectangle *region, ns_image *mask, GError **error);

/* Opens file as a temporary image, flattens it and reads it. */
gboolean neural_style_read_style_file (GFile *file, const Babl *format, ns_image *image,
                                       GError **error);

/* Where the result goes, noted before the run: while the filter runs, the
 * user may delete the content layer or close its image. */
typedef struct
{
  GimpImage *image;
  GimpDrawable *content;
  gchar *layer_name; /* the new layer's */
  gint x, y;         /* its offsets in the image: the painted region's */
  GimpImageBaseType base_type;
  GimpPrecision precision;
  GimpColorProfile *profile; /* the image's own, or NULL */
  gboolean masked;           /* a selection limits the new layer */
} NeuralStyleTarget;

/* Notes where a result painted from region (of content's coordinates)
 * goes; masked: a selection limits it. */
void neural_style_target_init (NeuralStyleTarget *target, GimpImage *image, GimpDrawable *content,
                               const GeglRectangle *region, gboolean masked);
void neural_style_target_clear (NeuralStyleTarget *target);

/* The parasite that marks a layer as a result of the plug-in: results
 * are not suggested as styles. */
/* Writes image (in format) to layer, of its size, at its origin. */
void neural_style_write_layer (GimpLayer *layer, const Babl *format, const ns_image *image);

#define NEURAL_STYLE_RESULT_PARASITE "gimp-neural-style-result"

/* Inserts the result as a new layer directly above the content, covering
 * the painted region, as one undo step, with a layer mask from the
 * selection when masked.  When the content layer is gone, at the top of
 * its image; when the image is gone, in a new image (*new_image).  In those
 * two cases *note says what happened, for the user; g_free it. */
GimpLayer *neural_style_insert_result (const NeuralStyleTarget *target, const Babl *format,
                                       const ns_image *result, GimpImage **new_image, gchar **note);

/* An RGB snapshot of the engine (floats in format's space) as 8-bit sRGB
 * R'G'B' for the screen, width * 3 bytes a row; g_free it. */
guchar *neural_style_preview_bytes (const ns_image *snapshot, const Babl *format);

G_END_DECLS

#endif
