/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tools/bench-animation's synthetic clip, whose motion is known:
 *
 *   bench-synthetic-clip OUT_DIR FRAMES [PHOTO]
 *
 * writes OUT_DIR/clip-01.png … (tests/common/synthetic_clip.h: a pan and a
 * slow zoom over PHOTO, else a synthetic texture, a textured square moving
 * across in front) and prints, as its last line, flow_epe_px=E: the mean
 * end-point error of the engine's flow (ns_flow_compute) between
 * consecutive frames, both ways, over the pixels the truth sees in the
 * other frame. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "image_io.h"
#include "neural_style.h"
#include "synthetic_clip.h"

int
main (int argc, char **argv)
{
  if (argc < 3 || argc > 4)
    {
      fprintf (stderr, "usage: bench-synthetic-clip OUT_DIR FRAMES [PHOTO]\n");
      return 2;
    }
  const clip_motion m = clip_motion_default ();
  const int frames = atoi (argv[2]);
  if (frames < 2 || frames > 10)
    {
      fprintf (stderr, "bench-synthetic-clip: 2 to 10 frames stay inside the still\n");
      return 2;
    }
  ns_error err;
  ns_image still = { 0 };
  if (argc == 4)
    {
      ns_image photo = { 0 };
      if (image_load (argv[3], &photo, &err) != NS_OK ||
          ns_image_resize (&photo, 1024, 768, &still, &err) != NS_OK)
        {
          fprintf (stderr, "bench-synthetic-clip: %s\n", err.message);
          return 1;
        }
      ns_image_clear (&photo);
    }
  else
    still = clip_texture (1024, 768, 30);
  ns_image square = clip_square_texture (m.square);
  ns_image clip[10];
  for (int t = 0; t < frames; t++)
    {
      char path[4096];
      clip[t] = clip_frame (&m, &still, &square, t);
      snprintf (path, sizeof path, "%s/clip-%02d.png", argv[1], t + 1);
      if (image_save (path, &clip[t], &err) != NS_OK)
        {
          fprintf (stderr, "bench-synthetic-clip: %s\n", err.message);
          return 1;
        }
    }

  const size_t pixels = (size_t) m.width * m.height;
  float *truth = malloc (pixels * 2 * sizeof *truth);
  unsigned char *known = malloc (pixels);
  double error = 0.0;
  size_t counted = 0;
  for (int t = 0; t + 1 < frames; t++)
    for (int way = 0; way < 2; way++)
      {
        const int a = way ? t + 1 : t, b = way ? t : t + 1;
        ns_flow flow = { 0 };
        if (ns_flow_compute (&clip[a], &clip[b], &flow, &err) != NS_OK)
          {
            fprintf (stderr, "bench-synthetic-clip: %s\n", err.message);
            return 1;
          }
        clip_true_flow (&m, a, b, truth, known);
        for (size_t i = 0; i < pixels; i++)
          if (known[i])
            {
              error += hypot (flow.data[2 * i] - truth[2 * i],
                              flow.data[2 * i + 1] - truth[2 * i + 1]);
              counted++;
            }
        ns_flow_clear (&flow);
      }
  printf ("synthetic clip: %d frames of %dx%d over %s\n", frames, m.width, m.height,
          argc == 4 ? argv[3] : "a synthetic texture");
  printf ("flow_epe_px=%.3f\n", error / (double) counted);
  for (int t = 0; t < frames; t++)
    ns_image_clear (&clip[t]);
  ns_image_clear (&still);
  ns_image_clear (&square);
  free (truth);
  free (known);
  return 0;
}
