/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adam.h"

#include "ns_assert.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ns_status
ns_adam_lay_out (ns_adam *adam, size_t count, ns_adam_storage storage, ns_budget *budget,
                 ns_error *err)
{
  memset (adam, 0, sizeof *adam);
  adam->count = count;
  adam->storage = storage;
  adam->beta1 = 0.9;
  adam->beta2 = 0.999;
  adam->epsilon = 1e-8;
  int ok;
  if (storage == NS_ADAM_BFLOAT16)
    {
      adam->first_moment16 = ns_budget_alloc (budget, count, sizeof (uint16_t));
      adam->second_moment16 = ns_budget_alloc (budget, count, sizeof (uint16_t));
      ok = adam->first_moment16 && adam->second_moment16;
    }
  else
    {
      adam->first_moment = ns_budget_alloc (budget, count, sizeof (float));
      adam->second_moment = ns_budget_alloc (budget, count, sizeof (float));
      ok = adam->first_moment && adam->second_moment;
    }
  if (!ok)
    {
      if (!budget->measuring)
        ns_adam_clear (adam);
      return ns_error_set (err, NS_ERROR_NOMEM,
                           "out of memory for the optimiser state (%zu values)", count);
    }
  return NS_OK;
}

ns_status
ns_adam_init (ns_adam *adam, size_t count, ns_adam_storage storage, ns_error *err)
{
  ns_budget budget = ns_budget_allocating ();
  return ns_adam_lay_out (adam, count, storage, &budget, err);
}

void
ns_adam_clear (ns_adam *adam)
{
  free (adam->first_moment);
  free (adam->second_moment);
  free (adam->first_moment16);
  free (adam->second_moment16);
  adam->first_moment = adam->second_moment = NULL;
  adam->first_moment16 = adam->second_moment16 = NULL;
}

uint16_t
ns_bfloat16_round (float value, uint32_t noise)
{
  uint32_t bits;
  memcpy (&bits, &value, sizeof bits);
  /* on the magnitude bits: the same for both signs; the largest finite
   * values may round to infinity, as any rounding of them would */
  return (uint16_t) ((bits + (noise & 0xffffu)) >> 16);
}

float
ns_bfloat16_value (uint16_t stored)
{
  const uint32_t bits = (uint32_t) stored << 16;
  float value;
  memcpy (&value, &bits, sizeof value);
  return value;
}

/* 32 well-mixed bits of (i, step) (a multiply-xorshift hash), so that
 * the rounding noise is the same whatever the number of threads. */
static uint32_t
rounding_noise (size_t i, long step)
{
  uint64_t h = (uint64_t) i * 0x9e3779b97f4a7c15u ^ (uint64_t) step * 0xc2b2ae3d27d4eb4fu;
  h ^= h >> 31;
  h *= 0xd6e8feb86659fd93u;
  h ^= h >> 32;
  return (uint32_t) h;
}

void
ns_adam_step (ns_adam *adam, float *x, const float *grad, double learning_rate)
{
  NS_ASSERT (adam && x && grad);
  adam->step++;
  /* 1 - beta rounded once from double, as the bias corrections below are:
   * 1 - (float) 0.999 in float carries (float) 0.999's rounding, 1.3e-5 of
   * the difference, into every step (6.4e-6 of its size at step 1). */
  const float b1 = (float) adam->beta1, b2 = (float) adam->beta2;
  const float one_minus_b1 = (float) (1.0 - adam->beta1);
  const float one_minus_b2 = (float) (1.0 - adam->beta2);
  /* bias corrections folded into the step size, as in the paper's algorithm 1 */
  const double correction1 = 1.0 - pow (adam->beta1, (double) adam->step);
  const double correction2 = 1.0 - pow (adam->beta2, (double) adam->step);
  const float step_size = (float) (learning_rate / correction1);
  const float root_c2 = (float) sqrt (correction2);
  const float eps = (float) adam->epsilon;

  if (adam->storage == NS_ADAM_BFLOAT16)
    {
      uint16_t *m16 = adam->first_moment16, *v16 = adam->second_moment16;
      const long step = adam->step;
#pragma omp parallel for schedule(static)
      for (size_t i = 0; i < adam->count; i++)
        {
          const float g = grad[i];
          const float m = b1 * ns_bfloat16_value (m16[i]) + one_minus_b1 * g;
          const float v = b2 * ns_bfloat16_value (v16[i]) + one_minus_b2 * g * g;
          const uint32_t noise = rounding_noise (i, step);
          m16[i] = ns_bfloat16_round (m, noise);
          v16[i] = ns_bfloat16_round (v, noise >> 16);
          x[i] -= step_size * m / (sqrtf (v) / root_c2 + eps);
        }
      return;
    }

  float *m = adam->first_moment, *v = adam->second_moment;
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < adam->count; i++)
    {
      const float g = grad[i];
      m[i] = b1 * m[i] + one_minus_b1 * g;
      v[i] = b2 * v[i] + one_minus_b2 * g * g;
      x[i] -= step_size * m[i] / (sqrtf (v[i]) / root_c2 + eps);
    }
}
