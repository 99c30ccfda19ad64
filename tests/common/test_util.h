/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the numeric tests share: a check with its error and tolerance,
 * reported through tap.h, and random test data. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

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

#endif
