/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Adam (Kingma & Ba 2015) over a flat float vector. */
#ifndef ADAM_H
#define ADAM_H

#include <stddef.h>
#include <stdint.h>

#include "ns_budget.h"
#include "ns_error.h"

/* How the moments are kept.  bfloat16 halves their memory, for images
 * whose float moments would not fit a memory budget: the upper 16 bits of
 * each float, rounded stochastically so that the small updates of the
 * moving averages are kept on average instead of rounded away. */
typedef enum
{
  NS_ADAM_FLOAT,
  NS_ADAM_BFLOAT16,
} ns_adam_storage;

typedef struct
{
  size_t count;
  ns_adam_storage storage;
  float *first_moment; /* NS_ADAM_FLOAT */
  float *second_moment;
  uint16_t *first_moment16; /* NS_ADAM_BFLOAT16 */
  uint16_t *second_moment16;
  long step;
  double beta1, beta2, epsilon;
} ns_adam;

ns_status ns_adam_init (ns_adam *adam, size_t count, ns_adam_storage storage, ns_error *err);
/* ns_adam_init's buffers laid out through budget (measuring: placeholders,
 * adam only for reading its shape). */
ns_status ns_adam_lay_out (ns_adam *adam, size_t count, ns_adam_storage storage, ns_budget *budget,
                           ns_error *err);
void ns_adam_clear (ns_adam *adam);

/* x -= learning_rate * m_hat / (sqrt(v_hat) + epsilon), after updating the moments with grad. */
void ns_adam_step (ns_adam *adam, float *x, const float *grad, double learning_rate);

/* value rounded to bfloat16, up or down with probabilities that make the
 * rounding exact on average; noise: 16 random bits. */
uint16_t ns_bfloat16_round (float value, uint32_t noise);
float ns_bfloat16_value (uint16_t stored);

#endif
