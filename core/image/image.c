/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "neural_style.h"
#include "image_layout.h"
#include "resize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

ns_status
ns_image_alloc (ns_image *image, int width, int height, int channels, ns_error *err)
{
  image->data = NULL;
  image->width = width;
  image->height = height;
  image->channels = channels;
  if (width < 1 || height < 1 || (channels != 1 && channels < 3) || channels > 4)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "invalid image: %dx%d pixels with %d channels",
                         width, height, channels);
  if ((uint64_t) width * height > ((uint64_t) 1 << 31) / channels)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "an image of %dx%d pixels is too large", width,
                         height);
  image->data = calloc ((size_t) width * height * channels, sizeof (float));
  if (!image->data)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d image", width, height);
  return NS_OK;
}

void
ns_image_clear (ns_image *image)
{
  free (image->data);
  image->data = NULL;
}

void
ns_image_to_planar_rgb (const ns_image *image, float *planar)
{
  const size_t plane = (size_t) image->width * image->height;
  const int channels = image->channels;
  for (int c = 0; c < 3; c++)
    for (size_t i = 0; i < plane; i++)
      planar[c * plane + i] = image->data[i * channels + c];
}

void
ns_image_from_planar_rgb (ns_image *image, const float *planar, const ns_image *alpha_source)
{
  const size_t plane = (size_t) image->width * image->height;
  const int channels = image->channels;
  for (size_t i = 0; i < plane; i++)
    {
      for (int c = 0; c < 3; c++)
        {
          const float v = planar[c * plane + i];
          image->data[i * channels + c] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        }
      if (channels == 4)
        image->data[i * 4 + 3] = alpha_source && alpha_source->channels == 4 ?
                                     alpha_source->data[i * 4 + 3] :
                                     1.0f;
    }
}

ns_status
ns_image_resize (const ns_image *src, int width, int height, ns_image *dst, ns_error *err)
{
  memset (dst, 0, sizeof *dst);
  const int channels = src->channels;
  ns_status status = ns_image_alloc (dst, width, height, channels, err);
  if (status != NS_OK)
    return status;
  const size_t plane = (size_t) width * height;
  float *planar = malloc (sizeof (float) * channels * plane);
  if (!planar)
    status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d image", width, height);
  if (status == NS_OK)
    status = ns_resize_interleaved_to_planar (src->data, channels, channels, src->width,
                                              src->height, planar, width, height, err);
  if (status == NS_OK)
    for (int c = 0; c < channels; c++)
      for (size_t i = 0; i < plane; i++)
        dst->data[i * channels + c] = planar[c * plane + i];
  free (planar);
  if (status != NS_OK)
    ns_image_clear (dst);
  return status;
}
