/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the programs that time something share: a monotonic clock and an
 * order for qsort to take medians with. */
#ifndef CLOCK_H
#define CLOCK_H

#include <time.h>

static inline double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static inline int
compare_doubles (const void *a, const void *b)
{
  const double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

#endif
