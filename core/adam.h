/* Adam (Kingma & Ba 2015) over a flat float vector. */
#ifndef ADAM_H
#define ADAM_H

#include <stddef.h>

#include "ns_error.h"

typedef struct {
  size_t count;
  float *first_moment;
  float *second_moment;
  long step;
  double beta1, beta2, epsilon;
} adam_state;

ns_status adam_init (adam_state *adam, size_t count, ns_error *err);
void adam_free (adam_state *adam);

/* x -= learning_rate * m_hat / (sqrt(v_hat) + epsilon), after updating the moments with grad. */
void adam_step (adam_state *adam, float *x, const float *grad, double learning_rate);

#endif
