/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tools/bench-animation's picture figures: how steady painted frames are.
 *
 *   bench-animation-eval CONTENT_DIR RESULTS_DIR…
 *
 * The frames are CONTENT_DIR's PNG and JPEG files in name order; each
 * RESULTS_DIR holds their paintings under the same names.  Per RESULTS_DIR
 * one line:
 *   DIR temporal_error=E static_flicker=F static_share=S frames=N
 * temporal_error: the mean over consecutive frames of the mean squared
 * difference (levels of 255, over the colour channels) between painted
 * frame t and painted frame t-1 warped by the content frames' flow, where
 * the flow is consistent (Ruder et al.'s weight, the weighted mean);
 * static_flicker: over the static pixels (whose content changes by under 2
 * levels between every two consecutive frames), the mean of the standard
 * deviation over time of the painted pixel (levels, the channels' mean);
 * static_share: the share of the pixels that are static.  The flows are the
 * engine's own (ns_flow_compute), computed once for every RESULTS_DIR. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_io.h"
#include "neural_style.h"

#define MAX_FRAMES 4096
#define MAX_DIRS 8

static int
by_name (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
is_picture (const char *name)
{
  const char *dot = strrchr (name, '.');
  return dot &&
         (strcmp (dot, ".png") == 0 || strcmp (dot, ".jpg") == 0 || strcmp (dot, ".jpeg") == 0 ||
          strcmp (dot, ".PNG") == 0 || strcmp (dot, ".JPG") == 0);
}

static int
list_frames (const char *dir, char **names)
{
  DIR *d = opendir (dir);
  struct dirent *entry;
  int count = 0;
  if (!d)
    return -1;
  while ((entry = readdir (d)) && count < MAX_FRAMES)
    if (is_picture (entry->d_name))
      names[count++] = strdup (entry->d_name);
  closedir (d);
  qsort (names, (size_t) count, sizeof *names, by_name);
  return count;
}

static int
load (const char *dir, const char *name, ns_image *image)
{
  char path[4096];
  ns_error err;
  snprintf (path, sizeof path, "%s/%s", dir, name);
  if (image_load (path, image, &err) != NS_OK)
    {
      fprintf (stderr, "bench-animation-eval: %s\n", err.message);
      return 0;
    }
  return 1;
}

/* What one RESULTS_DIR adds up over the frames. */
typedef struct
{
  const char *dir;
  ns_image last;
  double error_sum;
  double *sum, *squares; /* per pixel and channel, over time */
} painted;

int
main (int argc, char **argv)
{
  if (argc < 3 || argc - 2 > MAX_DIRS)
    {
      fprintf (stderr, "usage: bench-animation-eval CONTENT_DIR RESULTS_DIR… (at most %d)\n",
               MAX_DIRS);
      return 2;
    }
  const char *content_dir = argv[1];
  static char *names[MAX_FRAMES];
  const int frames = list_frames (content_dir, names);
  if (frames < 2)
    {
      fprintf (stderr, "bench-animation-eval: %s has fewer than 2 frames\n", content_dir);
      return 1;
    }
  const int dirs = argc - 2;
  painted runs[MAX_DIRS];
  memset (runs, 0, sizeof runs);
  ns_image previous = { 0 }, content = { 0 };
  unsigned char *moving = NULL; /* 1 where the content changes by 2 levels or more */
  size_t pixels = 0;
  ns_error err;

  for (int t = 0; t < frames; t++)
    {
      if (!load (content_dir, names[t], &content))
        return 1;
      if (t == 0)
        {
          pixels = (size_t) content.width * (size_t) content.height;
          moving = calloc (pixels, 1);
          for (int k = 0; k < dirs; k++)
            {
              runs[k].dir = argv[2 + k];
              runs[k].sum = calloc (pixels * 3, sizeof (double));
              runs[k].squares = calloc (pixels * 3, sizeof (double));
            }
        }
      else
        for (size_t i = 0; i < pixels; i++)
          for (int c = 0; c < 3; c++)
            if (fabsf (content.data[i * content.channels + c] -
                       previous.data[i * previous.channels + c]) *
                    255.0f >=
                2.0f)
              moving[i] = 1;

      ns_flow backward = { 0 }, forward = { 0 };
      ns_image weight = { 0 };
      if (t > 0 && (ns_flow_compute (&content, &previous, &backward, &err) != NS_OK ||
                    ns_flow_compute (&previous, &content, &forward, &err) != NS_OK ||
                    ns_flow_consistency (&backward, &forward, &weight, &err) != NS_OK))
        {
          fprintf (stderr, "bench-animation-eval: frame %s: %s\n", names[t], err.message);
          return 1;
        }
      for (int k = 0; k < dirs; k++)
        {
          ns_image result = { 0 }, warped = { 0 };
          if (!load (runs[k].dir, names[t], &result))
            return 1;
          if (result.width != content.width || result.height != content.height)
            {
              fprintf (stderr, "bench-animation-eval: %s/%s is %dx%d, its frame %dx%d\n", runs[k].dir,
                       names[t], result.width, result.height, content.width, content.height);
              return 1;
            }
          if (t > 0)
            {
              if (ns_flow_warp (&runs[k].last, &backward, &warped, &err) != NS_OK)
                {
                  fprintf (stderr, "bench-animation-eval: %s\n", err.message);
                  return 1;
                }
              double weighted = 0.0, total = 0.0;
              for (size_t i = 0; i < pixels; i++)
                for (int c = 0; c < 3; c++)
                  {
                    const double d = 255.0 * (result.data[i * result.channels + c] -
                                              warped.data[i * warped.channels + c]);
                    weighted += weight.data[i] * d * d;
                    total += weight.data[i];
                  }
              runs[k].error_sum += total > 0.0 ? weighted / total : 0.0;
              ns_image_clear (&warped);
            }
          for (size_t i = 0; i < pixels; i++)
            for (int c = 0; c < 3; c++)
              {
                const double v = 255.0 * result.data[i * result.channels + c];
                runs[k].sum[i * 3 + c] += v;
                runs[k].squares[i * 3 + c] += v * v;
              }
          ns_image_clear (&runs[k].last);
          runs[k].last = result;
        }
      ns_flow_clear (&backward);
      ns_flow_clear (&forward);
      ns_image_clear (&weight);
      ns_image_clear (&previous);
      previous = content;
      memset (&content, 0, sizeof content);
    }

  size_t still = 0;
  for (size_t i = 0; i < pixels; i++)
    still += !moving[i];
  for (int k = 0; k < dirs; k++)
    {
      double flicker = 0.0;
      for (size_t i = 0; i < pixels; i++)
        if (!moving[i])
          for (int c = 0; c < 3; c++)
            {
              const double mean = runs[k].sum[i * 3 + c] / frames;
              const double variance = runs[k].squares[i * 3 + c] / frames - mean * mean;
              flicker += sqrt (variance > 0.0 ? variance : 0.0) / 3.0;
            }
      printf ("%s temporal_error=%.4f static_flicker=%.4f static_share=%.4f frames=%d\n",
              runs[k].dir, runs[k].error_sum / (frames - 1), still ? flicker / still : 0.0,
              (double) still / pixels, frames);
      ns_image_clear (&runs[k].last);
      free (runs[k].sum);
      free (runs[k].squares);
    }
  ns_image_clear (&previous);
  free (moving);
  for (int t = 0; t < frames; t++)
    free (names[t]);
  return 0;
}
