/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "flow_compute.h"

#include <math.h>
#include <stdlib.h>

/* The most accurate of DIS's presets, and the refinement's iterations past
 * which the error hardly falls (docs/animation.md). */
const ns_dis_settings ns_flow_dis_default = { NS_DIS_MEDIUM, 10 };

/* The frame's Rec. 601 luma of its gamma-encoded values at 8 bits, as
 * OpenCV's own RGB-to-grey conversion: what DIS matches. */
static void
to_grey (const ns_image *image, unsigned char *grey)
{
  const size_t pixels = (size_t) image->width * image->height;
  const int channels = image->channels;
  for (size_t i = 0; i < pixels; i++)
    {
      const float *p = image->data + i * channels;
      const float luma = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
      const float level = 255.0f * (luma < 0.0f ? 0.0f : luma > 1.0f ? 1.0f : luma);
      grey[i] = (unsigned char) lrintf (level);
    }
}

ns_status
ns_flow_compute_with (const ns_image *from, const ns_image *to, const ns_dis_settings *settings,
                      ns_flow *flow, ns_error *err)
{
  flow->data = NULL;
  if (!from || !to || !from->data || !to->data)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "optical flow: a frame is missing");
  if (from->channels < 3 || to->channels < 3)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "optical flow: frames need 3 or 4 channels (got %d and %d)",
                         from->channels, to->channels);
  if (from->width != to->width || from->height != to->height)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "optical flow between frames of different sizes (%dx%d and %dx%d)",
                         from->width, from->height, to->width, to->height);
  ns_status status = ns_flow_alloc (flow, from->width, from->height, err);
  if (status != NS_OK)
    return status;
  const size_t pixels = (size_t) from->width * from->height;
  unsigned char *grey = malloc (2 * pixels);
  if (!grey)
    {
      ns_flow_clear (flow);
      return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the optical flow of %dx%d frames",
                           from->width, from->height);
    }
  to_grey (from, grey);
  to_grey (to, grey + pixels);
  status = ns_dis_flow (grey, grey + pixels, from->width, from->height, settings, flow->data, err);
  free (grey);
  if (status != NS_OK)
    ns_flow_clear (flow);
  return status;
}

ns_status
ns_flow_compute (const ns_image *from, const ns_image *to, ns_flow *flow, ns_error *err)
{
  return ns_flow_compute_with (from, to, &ns_flow_dis_default, flow, err);
}
