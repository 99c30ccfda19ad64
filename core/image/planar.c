/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "planar.h"

#include <stdlib.h>
#include <string.h>

#include "image_layout.h"
#include "resize.h"

size_t
ns_planar_bytes (int width, int height)
{
  return sizeof (float) * 3 * (size_t) width * height;
}

ns_status
ns_planar_new (int width, int height, ns_planar *out, ns_error *err)
{
  out->width = width;
  out->height = height;
  out->rgb = malloc (ns_planar_bytes (width, height));
  if (!out->rgb)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d image", width, height);
  return NS_OK;
}

/* Frees out when status (of filling it) is an error. */
static ns_status
kept_if (ns_status status, ns_planar *out)
{
  if (status != NS_OK)
    ns_planar_clear (out);
  return status;
}

ns_status
ns_planar_from_image (const ns_image *image, ns_planar *out, ns_error *err)
{
  ns_status status = ns_planar_new (image->width, image->height, out, err);
  if (status == NS_OK)
    ns_image_to_planar_rgb (image, out->rgb);
  return status;
}

ns_status
ns_planar_from_image_resized (const ns_image *image, int width, int height, ns_planar *out,
                              ns_error *err)
{
  ns_status status = ns_planar_new (width, height, out, err);
  if (status == NS_OK)
    status = kept_if (ns_resize_interleaved_to_planar (image->data, image->channels, 3, image->width,
                                                       image->height, out->rgb, width, height, err),
                      out);
  return status;
}

ns_status
ns_planar_resized (const ns_planar *src, int width, int height, ns_planar *out, ns_error *err)
{
  ns_status status = ns_planar_new (width, height, out, err);
  if (status == NS_OK)
    status = kept_if (ns_resize_planar (src->rgb, 3, src->width, src->height, out->rgb, width,
                                        height, err),
                      out);
  return status;
}

ns_status
ns_planar_copy (const float *rgb, int width, int height, ns_planar *out, ns_error *err)
{
  ns_planar_clear (out);
  ns_status status = ns_planar_new (width, height, out, err);
  if (status == NS_OK)
    memcpy (out->rgb, rgb, ns_planar_bytes (width, height));
  return status;
}

void
ns_clamp_unit (float *x, size_t count)
{
  for (size_t i = 0; i < count; i++)
    x[i] = x[i] < 0.0f ? 0.0f : x[i] > 1.0f ? 1.0f : x[i];
}

void
ns_planar_clear (ns_planar *planar)
{
  free (planar->rgb);
  planar->rgb = NULL;
}
