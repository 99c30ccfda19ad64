/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_flow_compute (OpenCV's DIS) against the known motion of the synthetic
 * clip (tests/common/synthetic_clip.h: a pan and a slow zoom over a still,
 * a textured square moving across in front), forward and backward between
 * consecutive frames.  The figure is the mean end-point error |flow -
 * truth| over the pixels the truth says are seen in the other frame (a
 * point hidden there by the square, or outside the frame, has no right
 * answer); it must be at most 0.5 pixel.  The still is a synthetic texture,
 * and also ../shared/samples/tubingen.jpg when there is one.  Then the
 * frames' checks: alpha is ignored, mismatched frames are refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "image_io.h"
#include "neural_style.h"
#include "synthetic_clip.h"
#include "tap.h"

enum
{
  FRAMES = 6
};
#define EPE_BOUND 0.5

/* Adds flow's end-point errors over the known pixels of truth to *sum and
 * their count to *count; returns this flow's mean. */
static double
add_errors (const ns_flow *flow, const float *truth, const unsigned char *known, double *sum,
            long *count)
{
  double flow_sum = 0.0;
  long flow_count = 0;
  for (size_t i = 0; i < (size_t) flow->width * flow->height; i++)
    if (known[i])
      {
        flow_sum += hypot (flow->data[2 * i] - truth[2 * i],
                           flow->data[2 * i + 1] - truth[2 * i + 1]);
        flow_count++;
      }
  *sum += flow_sum;
  *count += flow_count;
  return flow_count ? flow_sum / flow_count : 0.0;
}

static void
check_clip (const char *name, const ns_image *still)
{
  const clip_motion motion = clip_motion_default ();
  const size_t pixels = (size_t) motion.width * motion.height;
  ns_image square = clip_square_texture (motion.square);
  ns_image frames[FRAMES];
  for (int t = 0; t < FRAMES; t++)
    frames[t] = clip_frame (&motion, still, &square, t);
  float *truth = malloc (sizeof (float) * 2 * pixels);
  unsigned char *known = malloc (pixels);
  double sum = 0.0, worst = 0.0, seconds = 0.0;
  long count = 0;
  int flows = 0, failed = 0;
  for (int t = 0; t + 1 < FRAMES; t++)
    for (int backward = 0; backward < 2; backward++)
      {
        const int a = backward ? t + 1 : t, b = backward ? t : t + 1;
        ns_flow flow;
        ns_error err = { 0 };
        const double start = now ();
        if (ns_flow_compute (&frames[a], &frames[b], &flow, &err) != NS_OK)
          {
            tap_check (0, "%s: flow from frame %d to %d: %s", name, a, b, err.message);
            failed++;
            continue;
          }
        seconds += now () - start;
        clip_true_flow (&motion, a, b, truth, known);
        long known_count = 0;
        for (size_t i = 0; i < pixels; i++)
          known_count += known[i];
        const double epe = add_errors (&flow, truth, known, &sum, &count);
        worst = fmax (worst, epe);
        tap_note ("%s: frame %d to %d: mean end-point error %.3f px over %.1f %% of the pixels",
                  name, a, b, epe, 100.0 * known_count / pixels);
        ns_flow_clear (&flow);
        flows++;
      }
  if (!failed)
    {
      const double mean = sum / count;
      tap_check (mean <= EPE_BOUND,
                 "%s: flow_epe_px=%.3f over %d flows of %dx%d (%.1f %% of their pixels known; "
                 "worst flow %.3f; %.0f ms a flow) <= %.1f",
                 name, mean, flows, motion.width, motion.height,
                 100.0 * count / ((double) flows * pixels), worst, 1e3 * seconds / flows, EPE_BOUND);
    }
  free (truth);
  free (known);
  for (int t = 0; t < FRAMES; t++)
    ns_image_clear (&frames[t]);
  ns_image_clear (&square);
}

/* The same frames with an alpha channel (of a pattern) give the same flow. */
static void
check_alpha_ignored (const ns_image *still)
{
  const clip_motion motion = clip_motion_default ();
  ns_image square = clip_square_texture (motion.square);
  ns_image rgb[2], rgba[2];
  for (int t = 0; t < 2; t++)
    {
      rgb[t] = clip_frame (&motion, still, &square, t);
      ns_image_alloc (&rgba[t], motion.width, motion.height, 4, NULL);
      for (size_t i = 0; i < (size_t) motion.width * motion.height; i++)
        {
          for (int c = 0; c < 3; c++)
            rgba[t].data[4 * i + c] = rgb[t].data[3 * i + c];
          rgba[t].data[4 * i + 3] = (float) ((i * (t + 3)) % 11) / 10.0f;
        }
    }
  ns_flow a, b;
  ns_error err = { 0 };
  if (ns_flow_compute (&rgb[0], &rgb[1], &a, &err) == NS_OK &&
      ns_flow_compute (&rgba[0], &rgba[1], &b, &err) == NS_OK)
    {
      size_t differ = 0;
      for (size_t i = 0; i < 2 * (size_t) motion.width * motion.height; i++)
        differ += a.data[i] != b.data[i];
      tap_check (differ == 0, "frames with alpha: the same flow as without (%zu values differ)",
                 differ);
      ns_flow_clear (&a);
      ns_flow_clear (&b);
    }
  else
    tap_check (0, "frames with alpha: %s", err.message);
  for (int t = 0; t < 2; t++)
    {
      ns_image_clear (&rgb[t]);
      ns_image_clear (&rgba[t]);
    }
  ns_image_clear (&square);
}

static void
check_refused (void)
{
  ns_image a, b, grey;
  ns_image_alloc (&a, 64, 48, 3, NULL);
  ns_image_alloc (&b, 64, 40, 3, NULL);
  ns_image_alloc (&grey, 64, 48, 1, NULL);
  ns_flow flow = { 0 };
  ns_error err = { 0 };
  ns_status status = ns_flow_compute (&a, &b, &flow, &err);
  tap_check (status == NS_ERROR_ARGUMENT && !flow.data, "frames of different sizes refused: \"%s\"",
             err.message);
  status = ns_flow_compute (&a, &grey, &flow, &err);
  tap_check (status == NS_ERROR_ARGUMENT && !flow.data, "a one-channel frame refused: \"%s\"",
             err.message);
  ns_image_clear (&a);
  ns_image_clear (&b);
  ns_image_clear (&grey);
  /* smaller than DIS's patches: OpenCV throws, the call returns an error */
  ns_image tiny[2];
  ns_image_alloc (&tiny[0], 6, 6, 3, NULL);
  ns_image_alloc (&tiny[1], 6, 6, 3, NULL);
  status = ns_flow_compute (&tiny[0], &tiny[1], &flow, &err);
  tap_check (status == NS_ERROR_ARGUMENT && !flow.data,
             "6x6 frames: OpenCV's exception becomes an error: \"%s\"", err.message);
  ns_image_clear (&tiny[0]);
  ns_image_clear (&tiny[1]);
}

int
main (void)
{
  ns_image texture = clip_texture (1024, 768, 30);
  check_clip ("synthetic texture", &texture);
  check_alpha_ignored (&texture);
  ns_image_clear (&texture);

  const char *samples = getenv ("NEURAL_STYLE_TEST_SAMPLES");
  char path[4096];
  snprintf (path, sizeof path, "%s/tubingen.jpg", samples ? samples : ".");
  ns_image photo, still;
  ns_error err = { 0 };
  if (access (path, R_OK) != 0)
    tap_note ("no %s: the clip over the photo is not run", path);
  else if (image_load (path, &photo, &err) != NS_OK)
    tap_check (0, "%s", err.message);
  else
    {
      /* the clip's still is 1024 x 768, as this photo is */
      if (ns_image_resize (&photo, 1024, 768, &still, &err) == NS_OK)
        {
          check_clip ("tubingen.jpg", &still);
          ns_image_clear (&still);
        }
      else
        tap_check (0, "%s", err.message);
      ns_image_clear (&photo);
    }
  check_refused ();
  return tap_done ();
}
