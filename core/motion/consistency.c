/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Ruder, Dosovitskiy and Brox 2016 ("Artistic style transfer for videos"),
 * their temporal consistency loss's weights; the thresholds are Sundaram,
 * Brox and Keutzer 2010's.  A point whose flow leaves the frame is
 * untrusted as in the authors' own consistency checker. */
#include "bilinear.h"
#include "flow.h"
#include "neural_style.h"

#include <math.h>

/* |grad u|^2 + |grad v|^2 of the flow at (x, y): central differences, the
 * edge's pixel repeated beyond the frame. */
static float
gradient_energy (const ns_flow *flow, int x, int y)
{
  const int w = flow->width, h = flow->height;
  const int left = x > 0 ? x - 1 : x, right = x + 1 < w ? x + 1 : x;
  const int up = y > 0 ? y - 1 : y, down = y + 1 < h ? y + 1 : y;
  const float *f = flow->data;
  float energy = 0.0f;
  for (int c = 0; c < 2; c++)
    {
      const float gx = 0.5f *
                       (f[((size_t) y * w + right) * 2 + c] - f[((size_t) y * w + left) * 2 + c]);
      const float gy = 0.5f * (f[((size_t) down * w + x) * 2 + c] - f[((size_t) up * w + x) * 2 + c]);
      energy += gx * gx + gy * gy;
    }
  return energy;
}

/* 1 where flow (t to t-1) at (x, y) is trusted, 0 where it is not. */
static float
consistent (const ns_flow *flow, const ns_flow *reverse, int x, int y)
{
  const int w = flow->width, h = flow->height;
  const float *f = flow->data + ((size_t) y * w + x) * 2;
  const float u = f[0], v = f[1];
  const float bx = (float) x + u, by = (float) y + v;
  /* Seen in no pixel of the other frame (it came into view), or no flow at all. */
  if (!isfinite (bx) || !isfinite (by) || bx < 0.0f || by < 0.0f || bx > (float) (w - 1) ||
      by > (float) (h - 1))
    return 0.0f;
  float back[2];
  ns_bilinear (reverse->data, w, h, 2, bx, by, back);
  const float su = back[0] + u, sv = back[1] + v;
  const float there = back[0] * back[0] + back[1] * back[1];
  const float here = u * u + v * v;
  /* Disocclusion: going there and back again does not come back. */
  if (su * su + sv * sv > 0.01f * (there + here) + 0.5f)
    return 0.0f;
  /* A motion boundary: the flow changes faster than its size allows. */
  if (gradient_energy (flow, x, y) > 0.01f * here + 0.002f)
    return 0.0f;
  return 1.0f;
}

ns_status
ns_flow_consistency (const ns_flow *flow, const ns_flow *reverse, ns_image *weight, ns_error *err)
{
  weight->data = NULL;
  if (!flow || !flow->data)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "consistency: no flow");
  ns_status status = ns_flow_check (reverse, flow->width, flow->height,
                                    "consistency: the reverse flow", err);
  if (status != NS_OK)
    return status;
  status = ns_image_alloc (weight, flow->width, flow->height, 1, err);
  if (status != NS_OK)
    return status;
  for (int y = 0; y < flow->height; y++)
    for (int x = 0; x < flow->width; x++)
      weight->data[(size_t) y * flow->width + x] = consistent (flow, reverse, x, y);
  return NS_OK;
}
