/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "flow.h"

#include <stdint.h>
#include <stdlib.h>

void
ns_flow_clear (ns_flow *flow)
{
  free (flow->data);
  flow->data = NULL;
}

ns_status
ns_flow_alloc (ns_flow *flow, int width, int height, ns_error *err)
{
  flow->width = width;
  flow->height = height;
  /* at most 2^31 floats, as an image */
  const int size_ok = width > 0 && height > 0 && (uint64_t) width * height <= ((uint64_t) 1 << 30);
  flow->data = size_ok ? calloc ((size_t) width * height * 2, sizeof (float)) : NULL;
  if (!size_ok)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "invalid flow size: %dx%d pixels", width, height);
  if (!flow->data)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d flow", width, height);
  return NS_OK;
}

ns_status
ns_flow_check (const ns_flow *flow, int width, int height, const char *what, ns_error *err)
{
  if (!flow || !flow->data)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "%s: no flow", what);
  if (flow->width != width || flow->height != height)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "%s: a flow of %dx%d pixels for %dx%d", what,
                         flow->width, flow->height, width, height);
  return NS_OK;
}
