/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: pixels between GIMP and the engine (see
 * neural-style-image.h).
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

#include <libgimp/gimp.h>
#include <glib/gi18n-lib.h>

#include "neural-style-image.h"

gboolean
neural_style_read_region (GimpDrawable *drawable, const Babl *format, const GeglRectangle *region,
                          ns_image *image, GError **error)
{
  GeglBuffer *buffer;
  ns_error ns_err = { 0 };

  if (ns_image_alloc (image, region->width, region->height, babl_format_get_n_components (format),
                      &ns_err) != NS_OK)
    {
      g_set_error_literal (error, GIMP_PLUG_IN_ERROR, 0, ns_err.message);
      return FALSE;
    }

  buffer = gimp_drawable_get_buffer (drawable);
  gegl_buffer_get (buffer, region, 1.0, format, image->data, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref (buffer);

  return TRUE;
}

gboolean
neural_style_read_style_file (GFile *file, const Babl *format, ns_image *image, GError **error)
{
  GimpImage *style_image;
  GimpLayer *layer;
  GeglRectangle whole;
  gboolean success;

  if (!g_file_query_exists (file, NULL))
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0, _ ("The style image file '%s' does not exist."),
                   gimp_file_get_utf8_name (file));
      return FALSE;
    }

  style_image = gimp_file_load (GIMP_RUN_NONINTERACTIVE, file);
  if (!style_image)
    {
      const gchar *reason = gimp_pdb_get_last_error (gimp_get_pdb ());

      g_set_error (error, GIMP_PLUG_IN_ERROR, 0, _ ("Could not open the style image file '%s': %s"),
                   gimp_file_get_utf8_name (file), reason && *reason ? reason : _ ("unknown error"));
      return FALSE;
    }

  if (gimp_image_get_base_type (style_image) == GIMP_INDEXED)
    gimp_image_convert_rgb (style_image);

  layer = gimp_image_flatten (style_image);
  if (!layer)
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _ ("The style image file '%s' has no visible layer."),
                   gimp_file_get_utf8_name (file));
      gimp_image_delete (style_image);
      return FALSE;
    }

  whole.x = 0;
  whole.y = 0;
  whole.width = gimp_drawable_get_width (GIMP_DRAWABLE (layer));
  whole.height = gimp_drawable_get_height (GIMP_DRAWABLE (layer));

  success = neural_style_read_region (GIMP_DRAWABLE (layer), format, &whole, image, error);
  gimp_image_delete (style_image);

  return success;
}

GimpLayer *
neural_style_insert_result (GimpImage *image, GimpDrawable *content, const Babl *format,
                            const GeglRectangle *region, gboolean masked, const ns_image *result)
{
  GimpLayer *layer;
  GeglBuffer *buffer;
  GimpImageType type;
  gchar *content_name;
  gchar *name;
  gint offset_x;
  gint offset_y;

  type = gimp_image_get_base_type (image) == GIMP_GRAY ? GIMP_GRAYA_IMAGE : GIMP_RGBA_IMAGE;

  content_name = gimp_item_get_name (GIMP_ITEM (content));
  /* TRANSLATORS: the name of the new layer; %s is the content layer's name. */
  name = g_strdup_printf (_ ("%s (neural style)"), content_name);

  gimp_drawable_get_offsets (content, &offset_x, &offset_y);

  gimp_image_undo_group_start (image);

  /* New layers take the image's precision; babl converts into it. */
  layer = gimp_layer_new (image, name, result->width, result->height, type, 100.0,
                          GIMP_LAYER_MODE_NORMAL);
  gimp_image_insert_layer (image, layer, GIMP_LAYER (gimp_item_get_parent (GIMP_ITEM (content))),
                           gimp_image_get_item_position (image, GIMP_ITEM (content)));
  gimp_layer_set_offsets (layer, offset_x + region->x, offset_y + region->y);

  buffer = gimp_drawable_get_buffer (GIMP_DRAWABLE (layer));
  gegl_buffer_set (buffer, GEGL_RECTANGLE (0, 0, result->width, result->height), 0, format,
                   result->data, GEGL_AUTO_ROWSTRIDE);
  g_object_unref (buffer);

  gimp_drawable_update (GIMP_DRAWABLE (layer), 0, 0, result->width, result->height);

  if (masked)
    {
      GimpLayerMask *mask = gimp_layer_create_mask (layer, GIMP_ADD_MASK_SELECTION);

      gimp_layer_add_mask (layer, mask);
    }

  gimp_image_undo_group_end (image);

  g_free (name);
  g_free (content_name);

  return layer;
}

guchar *
neural_style_preview_bytes (const ns_image *snapshot, const Babl *format)
{
  const Babl *from;
  guchar *bytes;

  /* Conversion, not arithmetic: babl turns the engine's floats (in the
   * image's space) into sRGB bytes for the screen. */
  from = babl_format_with_space ("R'G'B' float", format);
  bytes = g_malloc ((gsize) snapshot->width * snapshot->height * 3);
  babl_process (babl_fish (from, babl_format ("R'G'B' u8")), snapshot->data, bytes,
                (glong) snapshot->width * snapshot->height);

  return bytes;
}
