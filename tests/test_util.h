/* What the C tests share: a count of passed and failed checks, each
 * reported on a line ("ok - …" or "FAIL - …"), and random test data.  Each
 * test is a program of its own, so the counts can be its file's statics. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "random.h"

static int passed, failed;

static void
report (int ok, const char *name, double error, double tolerance)
{
  printf ("%s - %s (error %.3g, tolerance %.3g)\n", ok ? "ok" : "FAIL", name, error, tolerance);
  if (ok)
    passed++;
  else
    failed++;
}

/* count uniform values in [-scale, scale] */
static float *
random_floats (size_t count, double scale, ns_random *rng)
{
  float *v = malloc (sizeof (float) * count);
  for (size_t i = 0; i < count; i++)
    v[i] = (float) (scale * (2.0 * ns_random_uniform (rng) - 1.0));
  return v;
}

#endif
