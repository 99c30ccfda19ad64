/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_flow_consistency on flows whose disagreement is known: a 16-pixel
 * square moves 6 pixels right over a still background between frame t-1 and
 * frame t.  The backward flow (t to t-1) is -6 on the square, 0 elsewhere;
 * the forward flow (t-1 to t) +6 on the square where it was, 0 elsewhere.
 * Then:
 *   - the band the square uncovered (background at t, square at t-1):
 *     |w~ + w|^2 = 36 > 0.01 * 36 + 0.5, disoccluded: 0;
 *   - the square's and the background's pixels next to the square's edge
 *     at t: |grad w|^2 = (6 / 2)^2 = 9 > 0.01 |w|^2 + 0.002, motion
 *     boundary: 0;
 *   - the background two pixels or more from both squares and the square's
 *     inside two pixels from its edge: flows agree, no gradient: 1.
 * And a flow leading out of the frame is 0 there. */
#include <stdlib.h>

#include "neural_style.h"
#include "tap.h"

enum
{
  W = 64,
  H = 48,
  SIDE = 16,
  X_BEFORE = 20, /* the square's left column at t-1 */
  X_AFTER = 26,  /* and at t */
  Y_TOP = 16
};

static int
in_square (int x, int y, int left, int margin)
{
  return x >= left - margin && x < left + SIDE + margin && y >= Y_TOP - margin &&
         y < Y_TOP + SIDE + margin;
}

static void
fill (ns_flow *flow, int left, float dx)
{
  ns_flow_alloc (flow, W, H, NULL);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      if (in_square (x, y, left, 0))
        flow->data[2 * ((size_t) y * W + x)] = dx;
}

int
main (void)
{
  ns_flow backward, forward;
  fill (&backward, X_AFTER, -6.0f);
  fill (&forward, X_BEFORE, 6.0f);
  ns_error err = { 0 };
  ns_image weight;
  if (ns_flow_consistency (&backward, &forward, &weight, &err) != NS_OK)
    {
      tap_check (0, "a moving square: %s", err.message);
      return tap_done ();
    }
  tap_check (weight.width == W && weight.height == H && weight.channels == 1,
             "one channel of the flow's size (%dx%d, %d)", weight.width, weight.height,
             weight.channels);

  int binary = 1, band = 0, band_zero = 0, background = 0, background_one = 0, inside = 0,
      inside_one = 0, edge = 0, edge_zero = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        const float c = weight.data[(size_t) y * W + x];
        binary &= c == 0.0f || c == 1.0f;
        if (in_square (x, y, X_BEFORE, 0) && !in_square (x, y, X_AFTER, 0))
          {
            band++;
            band_zero += c == 0.0f;
          }
        if (!in_square (x, y, X_BEFORE, 2) && !in_square (x, y, X_AFTER, 2))
          {
            background++;
            background_one += c == 1.0f;
          }
        if (in_square (x, y, X_AFTER, -2))
          {
            inside++;
            inside_one += c == 1.0f;
          }
        /* (the outer ring's diagonal corners have no neighbour on the square) */
        const int beside = (x >= X_AFTER && x < X_AFTER + SIDE) || (y >= Y_TOP && y < Y_TOP + SIDE);
        if (beside && in_square (x, y, X_AFTER, 1) && !in_square (x, y, X_AFTER, -1))
          {
            edge++;
            edge_zero += c == 0.0f;
          }
      }
  tap_check (binary, "every weight is 0 or 1");
  tap_check (band == 6 * SIDE && band_zero == band,
             "the uncovered band: 0 at all its %d pixels (%d are)", band, band_zero);
  tap_check (background_one == background,
             "the still background 2 pixels or more from the square: 1 at all its %d pixels "
             "(%d are)",
             background, background_one);
  tap_check (inside_one == inside, "the square's inside: 1 at all its %d pixels (%d are)", inside,
             inside_one);
  tap_check (edge_zero == edge,
             "the square's edge at t, a pixel either side: 0 (motion boundary) at all its %d "
             "pixels (%d are)",
             edge, edge_zero);
  ns_image_clear (&weight);
  ns_flow_clear (&backward);
  ns_flow_clear (&forward);

  /* The whole frame moves 3 pixels: its first 3 columns came into view. */
  ns_flow_alloc (&backward, W, H, NULL);
  ns_flow_alloc (&forward, W, H, NULL);
  for (int i = 0; i < W * H; i++)
    {
      backward.data[2 * i] = -3.0f;
      forward.data[2 * i] = 3.0f;
    }
  if (ns_flow_consistency (&backward, &forward, &weight, &err) != NS_OK)
    {
      tap_check (0, "a pan: %s", err.message);
      return tap_done ();
    }
  int as_expected = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      as_expected += weight.data[(size_t) y * W + x] == (x < 3 ? 0.0f : 1.0f);
  tap_check (as_expected == W * H,
             "a pan of 3 pixels: 0 in the 3 columns whose flow leaves the frame, 1 elsewhere "
             "(%d of %d pixels as expected)",
             as_expected, W * H);
  ns_image_clear (&weight);

  /* the reverse flow one row taller */
  ns_flow taller;
  ns_flow_alloc (&taller, W, H + 1, NULL);
  ns_image none = { 0 };
  tap_check (ns_flow_consistency (&backward, &taller, &none, &err) == NS_ERROR_ARGUMENT && !none.data,
             "flows of different sizes are refused: \"%s\"", err.message);
  ns_flow_clear (&taller);
  ns_flow_clear (&forward);
  ns_flow_clear (&backward);
  return tap_done ();
}
