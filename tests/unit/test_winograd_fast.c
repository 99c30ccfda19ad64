/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fast precision: Winograd F(4x4, 3x3), forward and input gradient,
 * against float64 direct convolutions of the same float32 data within a
 * bound derived from the transforms (below), for every instruction set this
 * CPU runs; the objective's gradient at the start against the exact
 * path's; and the precision setting through ns_stylize and an engine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "cpu.h"
#include "layer_sets.h"
#include "neural_style.h"
#include "objective.h"
#include "plan.h"
#include "random.h"
#include "synthetic_weights.h"
#include "test_images.h"
#include "test_util.h"
#include "winograd.h"

/* Lavin & Gray's F(4,3) (winograd_tile.h): y = A^T [(G g) . (B^T d)]. */
static const double AT[4][6] = {
  { 1, 1, 1, 1, 1, 0 },
  { 0, 1, -1, 2, -2, 0 },
  { 0, 1, 1, 4, 4, 0 },
  { 0, 1, -1, 8, -8, 1 },
};
static const double G[6][3] = {
  { 1.0 / 4, 0, 0 },
  { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
  { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
  { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
  { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
  { 0, 0, 1 },
};
static const double BT[6][6] = {
  { 4, 0, -5, 0, 1, 0 },  { 0, -4, -4, 1, 1, 0 }, { 0, 4, -4, -1, 1, 0 },
  { 0, -2, -1, 2, 1, 0 }, { 0, 2, -1, -2, 1, 0 }, { 0, 4, 0, -5, 0, 1 },
};

/* The bound.  Every value the kernels compute is a sum of products whose
 * exact value is a bilinear form of the data; a sum of n terms rounded in
 * any order is within gamma_(n-1) = (n-1) u / (1 - (n-1) u) of its
 * absolute sum (Higham, Accuracy and Stability, 3.1; u = 2^-24), and the
 * roundings of successive stages compound, so that the output's error is
 * within gamma_K times S, the same algorithm run on |d|, |g|, |B^T|, |G|,
 * |A^T| (the transforms' growth: S >> |y| where the signs cancel), with K
 * the roundings along the longest path:
 *   input transform  2 passes, sums of up to 6 terms        10
 *   weight transform 2 passes, 3 terms times inexact 1/6,
 *                    1/12, 1/24 (the constant and product)    8
 *   GEMM             a product, then sequential runs of
 *                    WINOGRAD_SUM_RUN = 64 channels, then
 *                    ceil (C / 64) runs' sums                64 + 1 + ceil (C / 64)
 *   output transform 2 passes, sums of up to 6 terms        10
 *   bias             one addition (|bias| added to S)         1
 * A ReLU and the gradient's gate add no error (a ReLU is 1-Lipschitz; the
 * gate multiplies by 0 or 1).  A wrong tile or edge is off by about |y|,
 * far above this. */
#define RUN 64

static double
gamma_k (int channels)
{
  const int k = 10 + 8 + RUN + 1 + (channels + RUN - 1) / RUN + 10 + 1;
  const double u = ldexp (1.0, -24);
  return k * u / (1.0 - k * u);
}

/* m^T x m for a 3x3 or 6x6 x and m (rows x cols, row-major), in |.| when abs. */
static void
sandwich (const double *m, int rows, int cols, const double *x, int abs_values, double *out)
{
  double t[6 * 6];
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      {
        double s = 0.0;
        for (int k = 0; k < cols; k++)
          s += fabs (m[i * cols + k]) * (abs_values ? fabs (x[k * cols + j]) : x[k * cols + j]);
        t[i * cols + j] = s;
      }
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < rows; j++)
      {
        double s = 0.0;
        for (int k = 0; k < cols; k++)
          s += t[i * cols + k] * fabs (m[j * cols + k]);
        out[i * rows + j] = s;
      }
}

/* The float64 correlation out[co] = sum_ci in[ci] (*) w[co][ci] (+ bias),
 * zero padding 1, and S (above) of F(4,3)'s tiles for it.  Reversed: the
 * input gradient's form, w[co][ci] read as w[ci][co] turned by 180 degrees
 * (the kernels run it as the transform of the turned tile: its S is the
 * turned S of the turned input). */
static void
reference (const float *in, int cin, int h, int w, const float *weight, int weight_in,
           const float *bias, int cout, int reversed, double *out, double *s)
{
  const int tiles_x = (w + 3) / 4, tiles_y = (h + 3) / 4;
  double *ug = malloc (sizeof (double) * 36 * cin * cout);
  double *vd = malloc (sizeof (double) * 36 * cin);
  for (int co = 0; co < cout; co++)
    for (int ci = 0; ci < cin; ci++)
      {
        const float *k = reversed ? weight + ((size_t) ci * weight_in + co) * 9 :
                                    weight + ((size_t) co * weight_in + ci) * 9;
        double g[9];
        for (int j = 0; j < 9; j++)
          g[j] = k[j];
        sandwich (&G[0][0], 6, 3, g, 1, ug + 36 * ((size_t) co * cin + ci));
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++)
            {
              double sum = 0.0;
              for (int ky = 0; ky < 3; ky++)
                for (int kx = 0; kx < 3; kx++)
                  {
                    const int sy = y + ky - 1, sx = x + kx - 1;
                    if (sy >= 0 && sy < h && sx >= 0 && sx < w)
                      sum += (double) in[((size_t) ci * h + sy) * w + sx] *
                             g[reversed ? 8 - (ky * 3 + kx) : ky * 3 + kx];
                  }
              out[((size_t) co * h + y) * w + x] += sum;
            }
      }
  for (int co = 0; co < cout; co++)
    for (size_t i = 0; i < (size_t) h * w; i++)
      {
        out[(size_t) co * h * w + i] += bias ? bias[co] : 0.0;
        s[(size_t) co * h * w + i] = bias ? fabs (bias[co]) : 0.0;
      }
  for (int ty = 0; ty < tiles_y; ty++)
    for (int tx = 0; tx < tiles_x; tx++)
      {
        for (int ci = 0; ci < cin; ci++)
          {
            double d[36];
            for (int a = 0; a < 6; a++)
              for (int b = 0; b < 6; b++)
                {
                  /* the turned tile's (a, b) is the tile's (5 - a, 5 - b) */
                  const int y = 4 * ty - 1 + (reversed ? 5 - a : a);
                  const int x = 4 * tx - 1 + (reversed ? 5 - b : b);
                  d[a * 6 + b] = y >= 0 && y < h && x >= 0 && x < w ?
                                     in[((size_t) ci * h + y) * w + x] :
                                     0.0;
                }
            sandwich (&BT[0][0], 6, 6, d, 1, vd + 36 * ci);
          }
        for (int co = 0; co < cout; co++)
          {
            double m[36] = { 0 }, y[16];
            for (int ci = 0; ci < cin; ci++)
              for (int p = 0; p < 36; p++)
                m[p] += ug[36 * ((size_t) co * cin + ci) + p] * vd[36 * ci + p];
            /* A^T m A: rows of AT are 6 wide, the result 4 x 4 */
            for (int i = 0; i < 4; i++)
              for (int j = 0; j < 4; j++)
                {
                  double sum = 0.0;
                  for (int a = 0; a < 6; a++)
                    for (int b = 0; b < 6; b++)
                      sum += fabs (AT[i][a]) * m[a * 6 + b] * fabs (AT[j][b]);
                  y[i * 4 + j] = sum;
                }
            for (int i = 0; i < 4; i++)
              for (int j = 0; j < 4; j++)
                {
                  const int yy = 4 * ty + i, xx = 4 * tx + j;
                  if (yy < h && xx < w)
                    s[((size_t) co * h + yy) * w + xx] += reversed ? y[(3 - i) * 4 + 3 - j] :
                                                                     y[i * 4 + j];
                }
          }
      }
  free (ug);
  free (vd);
}

/* Checks got against the reference: every |got - exact| <= gamma_K S;
 * reports the worst ratio, and the error relative to max |exact|. */
static void
check_bound (const char *what, const float *got, const double *exact, const double *s, size_t n,
             int channels, int relu)
{
  const double gk = gamma_k (channels);
  double worst = 0.0, error = 0.0, scale = 0.0, bound = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      const double e = relu ? fmax (exact[i], 0.0) : exact[i];
      const double d = fabs ((double) got[i] - e);
      worst = fmax (worst, d / (gk * s[i] > 0.0 ? gk * s[i] : 1e-300));
      error = fmax (error, d);
      bound = fmax (bound, gk * s[i]);
      scale = fmax (scale, fabs (e));
    }
  char name[240];
  snprintf (name, sizeof name,
            "%s: within gamma_K S everywhere (largest error %.3g of max |y| %.3g: %.2g relative; "
            "largest bound %.3g); error / bound",
            what, error, scale, error / scale, bound);
  report (worst <= 1.0, name, worst, 1.0);
}

static const ns_isa isas[] = { NS_ISA_AVX512, NS_ISA_AVX2, NS_ISA_GENERIC };

/* One shape against float64 (computed once) with each instruction set. */
static void
test_against_float64 (int cin, int cout, int h, int w)
{
  ns_random rng;
  ns_random_seed (&rng, (uint64_t) cin * 7919 + cout * 131 + h * 17 + w);
  const size_t nin = (size_t) cin * h * w, nout = (size_t) cout * h * w;
  /* VGG-like: inputs after a ReLU, weights of He's scale */
  float *in = random_floats (nin, 1.0, &rng);
  for (size_t i = 0; i < nin; i++)
    in[i] = in[i] > 0.0f ? in[i] : 0.0f;
  float *weight = random_floats ((size_t) cout * cin * 9, sqrt (6.0 / (9.0 * cin)), &rng);
  float *bias = random_floats (cout, 0.1, &rng);
  float *grad_out = random_floats (nout, 1.0, &rng);
  float *relu_out = random_floats (nout, 1.0, &rng);
  float *masked = relu_gated (grad_out, relu_out, nout);
  float *got = malloc (sizeof (float) * (nin > nout ? nin : nout));
  double *forward = calloc (nout, sizeof (double)), *s_forward = calloc (nout, sizeof (double));
  double *backward = calloc (nin, sizeof (double)), *s_backward = calloc (nin, sizeof (double));
  reference (in, cin, h, w, weight, cin, bias, cout, 0, forward, s_forward);
  reference (masked, cout, h, w, weight, cin, NULL, cin, 1, backward, s_backward);
  float *u = malloc (sizeof (float) * ns_winograd_weight_floats (4, cin, cout));
  const int threads = omp_get_max_threads ();
  size_t scratch = ns_winograd_scratch_floats (4, cin, cout, h, w,
                                               ns_winograd_block_rows (4, cin, cout, h, w), threads);
  const size_t scratch_backward =
      ns_winograd_scratch_floats (4, cout, cin, h, w, ns_winograd_block_rows (4, cout, cin, h, w),
                                  threads);
  scratch = scratch_backward > scratch ? scratch_backward : scratch;
  float *wscratch = malloc (sizeof (float) * scratch);
  for (int k = 0; k < 3; k++)
    {
      if (ns_cpu_limit_isa (isas[k]) != isas[k])
        continue;
      const char *isa = ns_cpu_isa_name (isas[k]);
      char what[160];
      ns_winograd_transform_weights (4, weight, cout, cin, u);
      for (int relu = 0; relu < 2; relu++)
        {
          ns_winograd_conv_forward (4, in, cin, h, w, u, bias, cout, relu, got, wscratch, scratch);
          snprintf (what, sizeof what, "%s F(4x4,3x3) forward %d->%d %dx%d relu %d", isa, cin, cout,
                    w, h, relu);
          check_bound (what, got, forward, s_forward, nout, cin, relu);
        }
      ns_winograd_conv_input_gradient (4, grad_out, relu_out, cout, h, w, u, cin, got, wscratch,
                                       scratch);
      snprintf (what, sizeof what, "%s F(4x4,3x3) input gradient through a ReLU %d->%d %dx%d", isa,
                cout, cin, w, h);
      check_bound (what, got, backward, s_backward, nin, cout, 0);
    }

  free (wscratch);
  free (u);
  free (s_backward);
  free (backward);
  free (s_forward);
  free (forward);
  free (got);
  free (masked);
  free (relu_out);
  free (grad_out);
  free (bias);
  free (weight);
  free (in);
}

/* ---- the objective and the setting ---- */

/* The relative L2 distance of the objective's gradient at the start (x =
 * the content) with F(4x4) from F(2x2)'s.  Fewer digits are all an
 * optimiser needs; 1e-2 is the bound the fast path is held to. */
static void
test_objective_gradient (const ns_weights *weights, int w, int h)
{
  ns_params params;
  ns_params_init (&params);
  const ns_objective_layers layers = ns_layer_set_layers (&params);
  float *content = smooth_image (w, h, 0.0), *style = smooth_image (w + 8, h - 6, 1.7);
  const ns_objective_style styles[1] = { { style, w + 8, h - 6, 1.0 } };
  const size_t n = 3 * (size_t) w * h;
  float *gradient[2] = { malloc (sizeof (float) * n), malloc (sizeof (float) * n) };
  double loss[2] = { 0 };
  int ok = 1;
  for (int k = 0; k < 2; k++)
    {
      ns_vgg19_net_options options;
      ns_vgg19_net_options_init (&options);
      options.keep = 0;
      options.winograd_tile = k ? 4 : 2;
      ns_objective obj;
      ns_error err;
      if (ns_objective_init (&obj, weights, &layers, content, w, h, styles, 1, params.content_weight,
                             params.style_weight, params.tv_weight, &options, &err) != NS_OK)
        {
          printf ("# %s\n", err.message);
          ok = 0;
          continue;
        }
      loss[k] = ns_objective_evaluate (&obj, content, gradient[k]);
      ns_objective_clear (&obj);
    }
  double d2 = 0.0, r2 = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      const double d = (double) gradient[1][i] - gradient[0][i];
      d2 += d * d;
      r2 += (double) gradient[0][i] * gradient[0][i];
    }
  const double e = r2 > 0.0 ? sqrt (d2 / r2) : 1.0;
  char name[200];
  snprintf (name, sizeof name,
            "%s: the fast path's gradient at the start (%dx%d, paper layers, loss %.6g against "
            "%.6g) is the exact one's (relative L2)",
            ns_cpu_isa_name (ns_cpu_isa ()), w, h, loss[1], loss[0]);
  report (ok && r2 > 0.0 && e <= 1e-2, name, e, 1e-2);
  free (content);
  free (style);
  free (gradient[0]);
  free (gradient[1]);
}

typedef struct
{
  double first, last;
  int reports;
} loss_log;

static ns_progress_reply
log_loss (const ns_progress *p, void *user_data)
{
  loss_log *log = user_data;
  if (p->tile == 0)
    {
      if (log->reports++ == 0)
        log->first = p->loss;
      log->last = p->loss;
    }
  return NS_PROGRESS_CONTINUE;
}

static int
same_image (const ns_image *a, const ns_image *b)
{
  return a->data && b->data && a->width == b->width && a->height == b->height &&
         memcmp (a->data, b->data, sizeof (float) * a->width * a->height * a->channels) == 0;
}

/* The setting reaches the engine at a scale above NS_PLAN_FAST_ABOVE: a
 * fast run paints another picture than an exact one, both lower the loss
 * as much (L-BFGS, a few iterations), and an engine that kept the exact
 * run's style targets makes them again for a fast run (their values
 * differ in the last digits).  At a size not above it, fast paints the
 * exact picture. */
static void
test_setting (const ns_weights *weights)
{
  /* wide and low: above the size rule at little cost */
  const int width = NS_PLAN_FAST_ABOVE + 8;
  ns_image content = test_image (width, 40, 3, 0.3), style = test_image (48, 48, 3, 2.1);
  const ns_style styles[1] = { { &style, 1.0, NULL } };
  ns_params p;
  ns_params_init (&p);
  p.max_size = width;
  p.multi_scale = 0;
  p.iterations = 8;
  ns_image result[2] = { 0 }, again = { 0 };
  loss_log log[2] = { 0 };
  ns_error err;
  ns_engine *engine = NULL;
  int ok = ns_engine_new (weights, &engine, &err) == NS_OK;
  int made[2] = { 0 };
  for (int k = 0; ok && k < 2; k++)
    {
      p.precision = k ? NS_PRECISION_FAST : NS_PRECISION_EXACT;
      ns_request request = { .content = &content, .styles = styles, .style_count = 1 };
      request.params = &p;
      request.progress = log_loss;
      request.user_data = &log[k];
      ok = ns_engine_run (engine, &request, &result[k], &err) == NS_OK;
      made[k] = ns_engine_targets_made (engine);
      if (ok && k == 1)
        {
          request.progress = NULL;
          ok = ns_stylize (weights, &request, &again, &err) == NS_OK;
        }
    }
  if (!ok)
    printf ("# %s\n", err.message);
  char name[240];
  snprintf (name, sizeof name,
            "precision fast paints another picture than exact, and an engine's kept targets "
            "are made again for it (targets made %d then %d) as ns_stylize makes them",
            made[0], made[1]);
  tap_check (ok && !same_image (&result[0], &result[1]) && made[1] == made[0] + 1 &&
                 same_image (&result[1], &again),
             "%s", name);
  /* each run lowers the loss, and both end at the same loss */
  for (int k = 0; k < 2; k++)
    tap_check (ok && log[k].reports == p.iterations && log[k].last < log[k].first,
               "precision %s: the loss falls from %.6g to %.6g in %d iterations",
               k ? "fast" : "exact", log[k].first, log[k].last, log[k].reports);
  const double gap = fabs (log[1].last - log[0].last) / log[0].last;
  /* the fast path's rule for whole runs: final losses within 2% */
  report (ok && gap <= 0.02,
          "precision fast ends at the exact run's loss (relative difference; rounding moves "
          "L-BFGS's path a little)",
          gap, 0.02);

  /* not above the size rule: the coarse scales' arithmetic */
  p.max_size = NS_PLAN_FAST_ABOVE;
  p.iterations = 3;
  ns_image small[2] = { 0 };
  for (int k = 0; ok && k < 2; k++)
    {
      p.precision = k ? NS_PRECISION_FAST : NS_PRECISION_EXACT;
      const ns_request request = {
        .content = &content, .styles = styles, .style_count = 1, .params = &p
      };
      ok = ns_engine_run (engine, &request, &small[k], &err) == NS_OK;
    }
  tap_check (ok && same_image (&small[0], &small[1]),
             "at %d px (not above the rule) precision fast paints exactly the exact picture",
             NS_PLAN_FAST_ABOVE);
  ns_engine_free (engine);
  for (int k = 0; k < 2; k++)
    {
      ns_image_clear (&result[k]);
      ns_image_clear (&small[k]);
    }
  ns_image_clear (&again);
  ns_image_clear (&content);
  ns_image_clear (&style);
}

/* VGG19's channel counts at odd sizes (edge tiles of 1 to 3 pixels) */
static const int shapes[][4] = {
  { 3, 64, 37, 29 },   { 64, 64, 23, 30 }, { 64, 128, 21, 19 }, { 128, 256, 13, 11 },
  { 256, 256, 11, 9 }, { 256, 512, 7, 5 }, { 512, 512, 5, 3 },  { 512, 512, 1, 6 },
};

int
main (void)
{
  for (int k = 0; k < 3; k++)
    if (ns_cpu_limit_isa (isas[k]) != isas[k])
      printf ("# %s: not on this CPU\n", ns_cpu_isa_name (isas[k]));
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
    test_against_float64 (shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3]);

  ns_weights weights;
  if (!synthetic_weights_make (&weights, 13, 23))
    {
      tap_check (0, "synthetic weights");
      return tap_done ();
    }
  for (int k = 0; k < 3; k++)
    if (ns_cpu_limit_isa (isas[k]) == isas[k])
      test_objective_gradient (&weights, 67, 45);
  ns_cpu_limit_isa (NS_ISA_AVX512);
  test_setting (&weights);
  ns_weights_clear (&weights);
  return tap_done ();
}
