/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Adam (Kingma & Ba 2015) over a flat float vector. */
#ifndef ADAM_H
#define ADAM_H

#include <stddef.h>

#include "ns_error.h"

typedef struct
{
  size_t count;
  float *first_moment;
  float *second_moment;
  long step;
  double beta1, beta2, epsilon;
} ns_adam;

ns_status ns_adam_init (ns_adam *adam, size_t count, ns_error *err);
void ns_adam_clear (ns_adam *adam);

/* x -= learning_rate * m_hat / (sqrt(v_hat) + epsilon), after updating the moments with grad. */
void ns_adam_step (ns_adam *adam, float *x, const float *grad, double learning_rate);

#endif
