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
neural_style_read_mask (GimpChannel *channel, GimpDrawable *content, const GeglRectangle *region,
                        ns_image *mask, GError **error)
{
  GeglRectangle area = *region;
  gint content_x, content_y;
  gint channel_x, channel_y;

  /* The region is in the content layer's coordinates; a channel has the
   * image's size and place, a layer mask its layer's: the same pixels of
   * the image, in the channel's own coordinates.  Outside the channel
   * (abyss) nothing is in the region. */
  gimp_drawable_get_offsets (content, &content_x, &content_y);
  gimp_drawable_get_offsets (GIMP_DRAWABLE (channel), &channel_x, &channel_y);
  area.x += content_x - channel_x;
  area.y += content_y - channel_y;

  /* A channel's values are coverage, not colour: linear "Y", 0 to 1. */
  return neural_style_read_region (GIMP_DRAWABLE (channel), babl_format ("Y float"), &area, mask,
                                   error);
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

  /* A folder or a file without read permission, said as such before
   * GIMP's loaders guess at it. */
  {
    GError *why = NULL;
    GFileInputStream *stream = g_file_read (file, NULL, &why);

    if (!stream)
      {
        g_set_error (error, GIMP_PLUG_IN_ERROR, 0, _ ("The style image file '%s' cannot be read: %s"),
                     gimp_file_get_utf8_name (file), why->message);
        g_error_free (why);
        return FALSE;
      }
    g_object_unref (stream);
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

void
neural_style_target_init (NeuralStyleTarget *target, GimpImage *image, GimpDrawable *content,
                          const GeglRectangle *region, gboolean masked)
{
  gchar *content_name = gimp_item_get_name (GIMP_ITEM (content));
  gint offset_x;
  gint offset_y;

  gimp_drawable_get_offsets (content, &offset_x, &offset_y);

  target->image = image;
  target->content = content;
  /* TRANSLATORS: the name of the new layer; %s is the content layer's name. */
  target->layer_name = g_strdup_printf (_ ("%s (neural style)"), content_name);
  target->x = offset_x + region->x;
  target->y = offset_y + region->y;
  target->base_type = gimp_image_get_base_type (image);
  target->precision = gimp_image_get_precision (image);
  target->profile = gimp_image_get_color_profile (image);
  target->masked = masked;

  g_free (content_name);
}

void
neural_style_target_clear (NeuralStyleTarget *target)
{
  g_clear_pointer (&target->layer_name, g_free);
  g_clear_object (&target->profile);
}

/* Whether the user still has image open.  A closed image can still be
 * "valid" for a while (the call that runs the filter keeps it alive), but
 * it is no longer among GIMP's images, and a layer added to it is lost. */
static gboolean
image_is_open (GimpImage *image)
{
  GList *images = gimp_list_images ();
  gboolean open = g_list_find (images, image) != NULL;

  g_list_free (images);
  return open;
}

/* A new image for the result, in the lost image's precision and colours. */
static GimpImage *
image_like_target (const NeuralStyleTarget *target, const ns_image *result)
{
  GimpImage *image = gimp_image_new_with_precision (result->width, result->height,
                                                    target->base_type, target->precision);

  gimp_image_undo_disable (image);
  if (target->profile)
    gimp_image_set_color_profile (image, target->profile);

  return image;
}

void
neural_style_write_layer (GimpLayer *layer, const Babl *format, const ns_image *image)
{
  GeglBuffer *buffer = gimp_drawable_get_buffer (GIMP_DRAWABLE (layer));

  gegl_buffer_set (buffer, GEGL_RECTANGLE (0, 0, image->width, image->height), 0, format,
                   image->data, GEGL_AUTO_ROWSTRIDE);
  g_object_unref (buffer);
  gimp_drawable_update (GIMP_DRAWABLE (layer), 0, 0, image->width, image->height);
}

GimpLayer *
neural_style_insert_result (const NeuralStyleTarget *target, const Babl *format,
                            const ns_image *result, GimpImage **new_image, gchar **note)
{
  GimpImage *image = target->image;
  GimpLayer *parent = NULL;
  GimpLayer *layer;
  GimpImageType type;
  gint position = 0;
  gint x = target->x;
  gint y = target->y;

  *new_image = NULL;
  *note = NULL;

  if (!image_is_open (image))
    {
      image = *new_image = image_like_target (target, result);
      x = y = 0;
      *note = g_strdup (_ ("The image was closed while Neural Style ran: the result is in a "
                           "new image."));
    }
  else if (!gimp_item_is_valid (GIMP_ITEM (target->content)))
    {
      *note = g_strdup_printf (_ ("The layer was deleted while Neural Style ran: the result is "
                                  "the new layer \"%s\" at the top of the image."),
                               target->layer_name);
    }
  else
    {
      parent = GIMP_LAYER (gimp_item_get_parent (GIMP_ITEM (target->content)));
      position = gimp_image_get_item_position (image, GIMP_ITEM (target->content));
    }

  type = target->base_type == GIMP_GRAY ? GIMP_GRAYA_IMAGE : GIMP_RGBA_IMAGE;

  gimp_image_undo_group_start (image);

  /* New layers take the image's precision; babl converts into it. */
  layer = gimp_layer_new (image, target->layer_name, result->width, result->height, type, 100.0,
                          GIMP_LAYER_MODE_NORMAL);
  gimp_image_insert_layer (image, layer, parent, position);
  gimp_layer_set_offsets (layer, x, y);

  neural_style_write_layer (layer, format, result);

  {
    GimpParasite *parasite = gimp_parasite_new (NEURAL_STYLE_RESULT_PARASITE,
                                                GIMP_PARASITE_PERSISTENT, 1, "1");

    gimp_item_attach_parasite (GIMP_ITEM (layer), parasite);
    gimp_parasite_free (parasite);
  }

  /* The selection of a new image is empty: no mask there. */
  if (target->masked && !gimp_selection_is_empty (image))
    {
      GimpLayerMask *mask = gimp_layer_create_mask (layer, GIMP_ADD_MASK_SELECTION);

      gimp_layer_add_mask (layer, mask);
    }

  gimp_image_undo_group_end (image);

  if (*new_image)
    gimp_image_undo_enable (image);

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
