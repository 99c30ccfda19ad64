/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GIMP Neural Style: what a run paints (see neural-style-run-input.h).
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

#include <libgimp/gimp.h>
#include <glib/gi18n-lib.h>

#include "neural-style-image.h"
#include "neural-style-run-input.h"

gboolean
neural_style_run_area (GimpDrawable *drawable, GeglRectangle *region, gboolean *masked,
                       const Babl **format, GError **error)
{
  /* With a selection, only its bounding box is painted, and a mask made
   * from it limits the new layer to it. */
  *masked = !gimp_selection_is_empty (gimp_item_get_image (GIMP_ITEM (drawable)));
  if (!gimp_drawable_mask_intersect (drawable, &region->x, &region->y, &region->width,
                                     &region->height))
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
                   _ ("The selection does not touch the layer: there is "
                      "nothing to paint."));
      return FALSE;
    }

  /* The content's own colour space (its ICC profile, linear or not),
   * gamma-encoded as the engine expects; the style is read into the same
   * space so that both are compared in the same colours.  An alpha channel
   * only where the engine uses one (the content's, copied to the result):
   * at print size each takes a quarter more memory. */
  *format = babl_format_with_space (gimp_drawable_has_alpha (drawable) ? "R'G'B'A float" :
                                                                         "R'G'B' float",
                                    gimp_drawable_get_format (drawable));
  return TRUE;
}

/* Reads the styles given (layers and files, in the content's space) and
 * their regions (over the painted part of the content) into input. */
static gboolean
read_styles (const NeuralStyleStyleValues *arguments, GimpDrawable *content,
             const GeglRectangle *region, const Babl *format, gboolean status_bar,
             NeuralStyleRunInput *input, GError **error)
{
  gint n;

  input->style_count = 0;
  for (n = 0; n < NS_MAX_STYLES; n++)
    {
      const NeuralStyleStyleValues *style = &arguments[n];
      gint k = input->style_count;

      if (style->layer)
        {
          GeglRectangle whole = { 0, 0, gimp_drawable_get_width (GIMP_DRAWABLE (style->layer)),
                                  gimp_drawable_get_height (GIMP_DRAWABLE (style->layer)) };

          if (!neural_style_read_region (GIMP_DRAWABLE (style->layer), format, &whole,
                                         &input->style_images[k], error))
            return FALSE;
        }
      else if (style->file)
        {
          if (status_bar)
            gimp_progress_set_text (_ ("Neural style: loading the style image"));
          if (!neural_style_read_style_file (style->file, format, &input->style_images[k], error))
            return FALSE;
        }
      else
        continue;

      if (style->region &&
          !neural_style_read_mask (style->region, content, region, &input->style_regions[k], error))
        return FALSE;

      {
        gchar *name = style->layer ? gimp_item_get_name (GIMP_ITEM (style->layer)) :
                                     g_file_get_parse_name (style->file);
        gchar *region_name = style->region ? gimp_item_get_name (GIMP_ITEM (style->region)) : NULL;

        g_debug ("style %d: %s '%s', blend %g, region %s", n + 1, style->layer ? "layer" : "file",
                 name, style->blend, region_name ? region_name : "none");
        g_free (region_name);
        g_free (name);
      }

      input->blends[k] = style->blend;
      input->style_count = k + 1;
    }

  return TRUE;
}

gboolean
neural_style_run_input_read (const NeuralStyleInputValues *inputs, const ns_params *params,
                             GimpDrawable *drawable, const GeglRectangle *region, const Babl *format,
                             gboolean status_bar, NeuralStyleRunInput *input, GError **error)
{
  input->params = *params;
  if (!neural_style_read_region (drawable, format, region, &input->content, error))
    return FALSE;
  if (inputs->keep)
    {
      gchar *name = gimp_item_get_name (GIMP_ITEM (inputs->keep));

      g_debug ("region to keep: %s", name);
      g_free (name);
      if (!neural_style_read_mask (inputs->keep, drawable, region, &input->keep, error))
        return FALSE;
    }
  return read_styles (inputs->styles, drawable, region,
                      babl_format_with_space ("R'G'B' float", format), status_bar, input, error);
}
