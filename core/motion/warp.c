/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bilinear.h"
#include "flow.h"
#include "neural_style.h"

ns_status
ns_flow_warp (const ns_image *image, const ns_flow *flow, ns_image *warped, ns_error *err)
{
  warped->data = NULL;
  if (!image || !image->data)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "warp: no image");
  ns_status status = ns_flow_check (flow, image->width, image->height, "warp", err);
  if (status != NS_OK)
    return status;
  status = ns_image_alloc (warped, flow->width, flow->height, image->channels, err);
  if (status != NS_OK)
    return status;
  const int channels = image->channels;
  for (int y = 0; y < flow->height; y++)
    for (int x = 0; x < flow->width; x++)
      {
        const size_t i = (size_t) y * flow->width + x;
        ns_bilinear (image->data, image->width, image->height, channels,
                     (float) x + flow->data[2 * i], (float) y + flow->data[2 * i + 1],
                     warped->data + i * channels);
      }
  return NS_OK;
}
