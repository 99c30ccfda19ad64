/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Adam with its moments in bfloat16 (for images whose float moments do not
 * fit the memory budget) against Adam in float, and the stochastic
 * rounding that keeps the moving averages' small updates. */
#include "adam.h"
#include "tap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t
next_random (uint32_t *state)
{
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

/* Each rounding lands on one of the two bfloat16 values around the float,
 * and their mean over every noise value is the float itself. */
static void
check_rounding (void)
{
  uint32_t state = 12345;
  int bracketed = 1, exact = 1;
  double worst = 0.0;
  for (int k = 0; k < 200; k++)
    {
      const float magnitude = powf (10.0f,
                                    -30.0f + 60.0f * (float) (next_random (&state) % 10000) / 1e4f);
      const float value = (next_random (&state) & 1) ? magnitude : -magnitude;
      uint32_t bits;
      memcpy (&bits, &value, sizeof bits);
      const float low = ns_bfloat16_value ((uint16_t) (bits >> 16));
      const float high = ns_bfloat16_value ((uint16_t) ((bits >> 16) + 1));
      double sum = 0.0;
      for (uint32_t noise = 0; noise < 65536; noise++)
        {
          const float r = ns_bfloat16_value (ns_bfloat16_round (value, noise));
          bracketed &= r == low || r == high;
          sum += r;
        }
      const double error = fabs (sum / 65536.0 - value) / fabs (value);
      worst = error > worst ? error : worst;
      exact &= error < 1e-6;
    }
  tap_check (bracketed, "stochastic rounding gives one of the two neighbouring bfloat16 values");
  tap_check (exact, "its mean over all noise is the value (worst relative error %.1e)", worst);
}

/* A second moment creeping from 1 to 2 by 0.1% steps: round to nearest
 * leaves it at 1 (each step is below half a bfloat16 step), stochastic
 * rounding follows the float average. */
static void
check_small_updates (void)
{
  float exact = 1.0f;
  uint16_t nearest = ns_bfloat16_round (1.0f, 0x8000), stochastic = nearest;
  uint32_t state = 777;
  for (int t = 0; t < 3000; t++)
    {
      exact = 0.999f * exact + 0.001f * 2.0f;
      nearest = ns_bfloat16_round (0.999f * ns_bfloat16_value (nearest) + 0.002f, 0x8000);
      stochastic = ns_bfloat16_round (0.999f * ns_bfloat16_value (stochastic) + 0.002f,
                                      next_random (&state));
    }
  tap_check (ns_bfloat16_value (nearest) == 1.0f,
             "round to nearest loses 0.1%% updates (stays at %g; float %g)",
             (double) ns_bfloat16_value (nearest), (double) exact);
  tap_check (fabsf (ns_bfloat16_value (stochastic) - exact) < 0.03f,
             "stochastic rounding keeps them: %g against float %g",
             (double) ns_bfloat16_value (stochastic), (double) exact);
}

/* f(x) = 1/2 sum a_i (x_i - c_i)^2 with curvatures over six decades (the
 * gradients' scales differ as a style image's do between flat and busy
 * parts), far from converged after 300 steps. */
#define COUNT 20000

static double
quadratic (const float *x, const double *a, const double *c, float *grad)
{
  double f = 0.0;
  for (int i = 0; i < COUNT; i++)
    {
      const double d = x[i] - c[i];
      f += 0.5 * a[i] * d * d;
      grad[i] = (float) (a[i] * d);
    }
  return f;
}

static void
check_trajectory (void)
{
  double *a = malloc (sizeof (double) * COUNT), *c = malloc (sizeof (double) * COUNT);
  float *x32 = calloc (COUNT, sizeof (float)), *x16 = calloc (COUNT, sizeof (float));
  float *grad = malloc (sizeof (float) * COUNT);
  uint32_t state = 99;
  for (int i = 0; i < COUNT; i++)
    {
      a[i] = pow (10.0, -6.0 + 6.0 * i / (COUNT - 1));
      c[i] = (double) (next_random (&state) % 2001) / 1000.0 - 1.0;
    }
  ns_adam full, compact;
  ns_error err;
  if (ns_adam_init (&full, COUNT, NS_ADAM_FLOAT, &err) != NS_OK ||
      ns_adam_init (&compact, COUNT, NS_ADAM_BFLOAT16, &err) != NS_OK)
    {
      tap_check (0, "ns_adam_init: %s", err.message);
      return;
    }
  const double f0 = quadratic (x32, a, c, grad);
  double f32 = f0, f16 = f0;
  for (int t = 0; t < 300; t++)
    {
      f32 = quadratic (x32, a, c, grad);
      ns_adam_step (&full, x32, grad, 0.002);
      f16 = quadratic (x16, a, c, grad);
      ns_adam_step (&compact, x16, grad, 0.002);
    }
  f32 = quadratic (x32, a, c, grad);
  f16 = quadratic (x16, a, c, grad);
  double moved = 0.0, apart = 0.0;
  for (int i = 0; i < COUNT; i++)
    {
      moved += (double) x32[i] * x32[i];
      apart += (double) (x16[i] - x32[i]) * (x16[i] - x32[i]);
    }
  const double distance = sqrt (apart / moved);
  tap_check (f32 < 0.5 * f0, "float Adam descends: f %.4g -> %.4g", f0, f32);
  tap_check (fabs (f16 - f32) <= 0.01 * f32, "bfloat16 moments end at f %.6g (float: %.6g)", f16,
             f32);
  tap_check (distance <= 0.01, "and %.2e (relative) away from float Adam's iterate", distance);
  ns_adam shape;
  ns_budget bfloat16 = ns_budget_measuring (), single = ns_budget_measuring ();
  ns_adam_lay_out (&shape, COUNT, NS_ADAM_BFLOAT16, &bfloat16, NULL);
  ns_adam_lay_out (&shape, COUNT, NS_ADAM_FLOAT, &single, NULL);
  tap_check (bfloat16.held * 2 == single.held, "bfloat16 moments take half the memory");
  ns_adam_clear (&full);
  ns_adam_clear (&compact);
  free (a);
  free (c);
  free (x32);
  free (x16);
  free (grad);
}

int
main (void)
{
  check_rounding ();
  check_small_updates ();
  check_trajectory ();
  return tap_done ();
}
