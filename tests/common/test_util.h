/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the numeric tests share: a check with its error and tolerance,
 * reported through tap.h, and random test data; and what the file-writing
 * tests share: a count of a writer's leftovers. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "random.h"
#include "tap.h"

static inline void
report (int ok, const char *name, double error, double tolerance)
{
  tap_check (ok, "%s (error %.3g, tolerance %.3g)", name, error, tolerance);
}

/* count uniform values in [-scale, scale] */
static inline float *
random_floats (size_t count, double scale, ns_random *rng)
{
  float *v = malloc (sizeof (float) * count);
  for (size_t i = 0; i < count; i++)
    v[i] = (float) (scale * (2.0 * ns_random_uniform (rng) - 1.0));
  return v;
}

/* A gradient through a ReLU whose output was relu: grad where relu > 0,
 * else 0 (n values). */
static inline float *
relu_gated (const float *grad, const float *relu, size_t n)
{
  float *g = malloc (sizeof (float) * n);
  for (size_t i = 0; i < n; i++)
    g[i] = relu[i] > 0.0f ? grad[i] : 0.0f;
  return g;
}

/* Files in folder whose names hold ".tmp-" (a writer's leftovers); -1
 * when the folder cannot be read. */
static inline int
count_leftovers (const char *folder)
{
  DIR *dir = opendir (folder);
  struct dirent *entry;
  int count = 0;
  if (!dir)
    return -1;
  while ((entry = readdir (dir)))
    count += strstr (entry->d_name, ".tmp-") != NULL;
  closedir (dir);
  return count;
}

#endif
