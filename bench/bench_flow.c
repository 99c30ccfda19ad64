/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-flow [PHOTO]: DIS optical flow's settings on the synthetic clip
 * (tests/common/synthetic_clip.h: a pan and a slow zoom over a still, a
 * textured square moving across in front), forward and backward between
 * its consecutive frames: for each preset and number of variational
 * refinement iterations, the mean end-point error over the pixels the truth
 * knows and the time a flow takes (median).  The still is a synthetic
 * texture, and PHOTO (1024 x 768) when given.  Prints a Markdown table
 * (docs/animation.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_compute.h"
#include "clock.h"
#include "image_io.h"
#include "synthetic_clip.h"

enum
{
  FRAMES = 6,
  FLOWS = 2 * (FRAMES - 1)
};

typedef struct
{
  ns_image frames[FRAMES];
  float *truth[FLOWS];
  unsigned char *known[FLOWS];
} clip;

static void
clip_make (clip *c, const ns_image *still)
{
  const clip_motion m = clip_motion_default ();
  ns_image square = clip_square_texture (m.square);
  for (int t = 0; t < FRAMES; t++)
    c->frames[t] = clip_frame (&m, still, &square, t);
  for (int k = 0; k < FLOWS; k++)
    {
      const int t = k / 2, a = k % 2 ? t + 1 : t, b = k % 2 ? t : t + 1;
      c->truth[k] = malloc (sizeof (float) * 2 * m.width * m.height);
      c->known[k] = malloc ((size_t) m.width * m.height);
      clip_true_flow (&m, a, b, c->truth[k], c->known[k]);
    }
  ns_image_clear (&square);
}

/* Mean end-point error over the clip's flows; the median time of a flow in *ms. */
static double
clip_measure (const clip *c, const ns_dis_settings *settings, double *ms)
{
  double seconds[FLOWS], sum = 0.0;
  long count = 0;
  for (int k = 0; k < FLOWS; k++)
    {
      const int t = k / 2, a = k % 2 ? t + 1 : t, b = k % 2 ? t : t + 1;
      ns_flow flow;
      ns_error err = { 0 };
      const double start = now ();
      if (ns_flow_compute_with (&c->frames[a], &c->frames[b], settings, &flow, &err) != NS_OK)
        {
          fprintf (stderr, "bench-flow: %s\n", err.message);
          exit (1);
        }
      seconds[k] = now () - start;
      for (size_t i = 0; i < (size_t) flow.width * flow.height; i++)
        if (c->known[k][i])
          {
            sum += hypot (flow.data[2 * i] - c->truth[k][2 * i],
                          flow.data[2 * i + 1] - c->truth[k][2 * i + 1]);
            count++;
          }
      ns_flow_clear (&flow);
    }
  qsort (seconds, FLOWS, sizeof *seconds, compare_doubles);
  *ms = 1e3 * 0.5 * (seconds[FLOWS / 2 - 1] + seconds[FLOWS / 2]);
  return sum / count;
}

int
main (int argc, char **argv)
{
  clip clips[2];
  int clip_count = 1;
  ns_image texture = clip_texture (1024, 768, 30);
  clip_make (&clips[0], &texture);
  ns_image_clear (&texture);
  if (argc > 1)
    {
      ns_image photo, still;
      ns_error err = { 0 };
      if (image_load (argv[1], &photo, &err) != NS_OK ||
          ns_image_resize (&photo, 1024, 768, &still, &err) != NS_OK)
        {
          fprintf (stderr, "bench-flow: %s\n", err.message);
          return 1;
        }
      clip_make (&clips[1], &still);
      ns_image_clear (&photo);
      ns_image_clear (&still);
      clip_count = 2;
    }
  static const char *const preset_names[] = { "ULTRAFAST", "FAST", "MEDIUM" };
  static const int refinements[] = { -1, 0, 5, 10, 20 };
  const clip_motion m = clip_motion_default ();
  printf ("%d flows of %dx%d a clip (forward and backward between %d frames)\n\n", FLOWS, m.width,
          m.height, FRAMES);
  printf ("| preset | refinement iterations | EPE, texture (px) | ms a flow |%s\n",
          clip_count > 1 ? " EPE, photo (px) | ms a flow |" : "");
  printf ("| --- | --- | --- | --- |%s\n", clip_count > 1 ? " --- | --- |" : "");
  for (int p = NS_DIS_ULTRAFAST; p <= NS_DIS_MEDIUM; p++)
    for (size_t r = 0; r < sizeof refinements / sizeof *refinements; r++)
      {
        const ns_dis_settings settings = { (ns_dis_preset) p, refinements[r] };
        char iterations[32];
        if (refinements[r] < 0)
          snprintf (iterations, sizeof iterations, "(preset's)");
        else
          snprintf (iterations, sizeof iterations, "%d", refinements[r]);
        const int chosen = p == (int) ns_flow_dis_default.preset &&
                           refinements[r] == ns_flow_dis_default.refinement_iterations;
        printf ("| %s%s | %s |", preset_names[p], chosen ? " (default)" : "", iterations);
        for (int c = 0; c < clip_count; c++)
          {
            double ms;
            const double epe = clip_measure (&clips[c], &settings, &ms);
            printf (" %.3f | %.0f |", epe, ms);
          }
        printf ("\n");
        fflush (stdout);
      }
  return 0;
}
