/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-flow [PHOTO [FRAME…]]: DIS optical flow's settings on the synthetic
 * clip (tests/common/synthetic_clip.h: a pan and a slow zoom over a still,
 * a textured square moving across in front), forward and backward between
 * its consecutive frames: for each preset and number of variational
 * refinement iterations, the mean end-point error over the pixels the truth
 * knows and the time a flow takes (median).  The still is a synthetic
 * texture, and PHOTO (1024 x 768) when given.  Prints a Markdown table
 * (docs/animation.md).  Then the mean of the consistency weight
 * (ns_flow_consistency of the default flows) between consecutive frames:
 * of the clips, of the FRAMEs of a real clip (at 512 pixels wide), and
 * across a cut from one clip to the other: what tells a scene cut. */
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

/* The mean consistency weight of frame t against frame t-1 (prev). */
static double
weight_mean (const ns_image *prev, const ns_image *frame)
{
  ns_flow backward, forward;
  ns_image weight;
  ns_error err = { 0 };
  if (ns_flow_compute (frame, prev, &backward, &err) != NS_OK ||
      ns_flow_compute (prev, frame, &forward, &err) != NS_OK ||
      ns_flow_consistency (&backward, &forward, &weight, &err) != NS_OK)
    {
      fprintf (stderr, "bench-flow: %s\n", err.message);
      exit (1);
    }
  double sum = 0.0;
  for (size_t i = 0; i < (size_t) weight.width * weight.height; i++)
    sum += weight.data[i];
  ns_flow_clear (&backward);
  ns_flow_clear (&forward);
  ns_image_clear (&weight);
  return sum / ((double) weight.width * weight.height);
}

/* The lowest and the mean of weight_mean over consecutive frames. */
static void
print_weight_means (const char *name, const ns_image *frames, int count)
{
  double lowest = 1.0, sum = 0.0;
  for (int t = 1; t < count; t++)
    {
      const double mean = weight_mean (&frames[t - 1], &frames[t]);
      lowest = fmin (lowest, mean);
      sum += mean;
    }
  printf ("| %s | %d | %.3f | %.3f |\n", name, count - 1, lowest, sum / (count - 1));
}

/* The FRAMEs named on the command line at 512 pixels wide; then a cut
 * from the last of them to the synthetic clip's first frame (cut_to) when
 * that has their size. */
static void
print_real_clip (char **paths, int count, const ns_image *cut_to)
{
  ns_image *frames = calloc ((size_t) count, sizeof *frames);
  for (int t = 0; t < count; t++)
    {
      ns_image frame;
      ns_error err = { 0 };
      if (image_load (paths[t], &frame, &err) != NS_OK ||
          ns_image_resize (&frame, 512, (int) lround (512.0 * frame.height / frame.width),
                           &frames[t], &err) != NS_OK)
        {
          fprintf (stderr, "bench-flow: %s\n", err.message);
          exit (1);
        }
      ns_image_clear (&frame);
    }
  char name[64];
  snprintf (name, sizeof name, "FRAMEs (%dx%d)", frames[0].width, frames[0].height);
  print_weight_means (name, frames, count);
  if (frames[0].width == cut_to->width && frames[0].height == cut_to->height)
    printf ("| a cut: the synthetic clip's frame 0 after the last FRAME | 1 | %.3f | |\n",
            weight_mean (&frames[count - 1], cut_to));
  for (int t = 0; t < count; t++)
    ns_image_clear (&frames[t]);
  free (frames);
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

  printf ("\nthe consistency weight's mean, frame t against t-1 (default flows)\n\n");
  printf ("| frames | pairs | lowest | mean |\n| --- | --- | --- | --- |\n");
  print_weight_means ("synthetic clip, texture", clips[0].frames, FRAMES);
  if (clip_count > 1)
    {
      print_weight_means ("synthetic clip, photo", clips[1].frames, FRAMES);
      printf ("| a cut: the photo clip's frame 0 after the texture's frame %d | 1 | %.3f | |\n",
              FRAMES - 1, weight_mean (&clips[0].frames[FRAMES - 1], &clips[1].frames[0]));
    }
  if (argc > 3)
    print_real_clip (argv + 2, argc - 2, &clips[clip_count - 1].frames[0]);
  return 0;
}
