/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small seeded random generator (xorshift64*), the same on every platform,
 * so that a seed reproduces an image exactly.  State lives with the caller. */
#ifndef NS_RANDOM_H
#define NS_RANDOM_H

#include <math.h>
#include <stdint.h>

typedef struct
{
  uint64_t state;
} ns_random;

static inline void
ns_random_seed (ns_random *rng, uint64_t seed)
{
  /* splitmix64 of the seed: nearby seeds give unrelated streams, 0 is fine */
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  rng->state = (z ^ (z >> 31)) | 1;
}

/* Uniform in [0, 1). */
static inline double
ns_random_uniform (ns_random *rng)
{
  rng->state ^= rng->state >> 12;
  rng->state ^= rng->state << 25;
  rng->state ^= rng->state >> 27;
  return (double) ((rng->state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* Standard normal (Box-Muller). */
static inline double
ns_random_normal (ns_random *rng)
{
  double u = ns_random_uniform (rng), v = ns_random_uniform (rng);
  if (u < 1e-300)
    u = 1e-300;
  return sqrt (-2.0 * log (u)) * cos (6.283185307179586 * v);
}

#endif
