/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adam.h"

#include "ns_assert.h"

#include <math.h>
#include <stdlib.h>

ns_status
ns_adam_init (ns_adam *adam, size_t count, ns_error *err)
{
  adam->count = count;
  adam->step = 0;
  adam->beta1 = 0.9;
  adam->beta2 = 0.999;
  adam->epsilon = 1e-8;
  adam->first_moment = calloc (count, sizeof (float));
  adam->second_moment = calloc (count, sizeof (float));
  if (!adam->first_moment || !adam->second_moment)
    {
      ns_adam_clear (adam);
      return ns_error_set (err, NS_ERROR_NOMEM,
                           "out of memory for the optimiser state (%zu values)", count);
    }
  return NS_OK;
}

void
ns_adam_clear (ns_adam *adam)
{
  free (adam->first_moment);
  free (adam->second_moment);
  adam->first_moment = adam->second_moment = NULL;
}

void
ns_adam_step (ns_adam *adam, float *x, const float *grad, double learning_rate)
{
  NS_ASSERT (adam && x && grad);
  adam->step++;
  const float b1 = (float) adam->beta1, b2 = (float) adam->beta2;
  /* bias corrections folded into the step size, as in the paper's algorithm 1 */
  const double correction1 = 1.0 - pow (adam->beta1, (double) adam->step);
  const double correction2 = 1.0 - pow (adam->beta2, (double) adam->step);
  const float step_size = (float) (learning_rate / correction1);
  const float root_c2 = (float) sqrt (correction2);
  const float eps = (float) adam->epsilon;
  float *m = adam->first_moment, *v = adam->second_moment;

#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < adam->count; i++)
    {
      const float g = grad[i];
      m[i] = b1 * m[i] + (1.0f - b1) * g;
      v[i] = b2 * v[i] + (1.0f - b2) * g * g;
      x[i] -= step_size * m[i] / (sqrtf (v[i]) / root_c2 + eps);
    }
}
