/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fast kernels against the plain ones: Winograd F(2x2,3x3)
 * and F(4x4,3x3) forward and input-gradient convolutions against the lowered sgemm
 * (ns_conv3x3_forward) for every instruction set this CPU runs, and a network
 * that keeps only some ReLU outputs against one that keeps all. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "conv3x3.h"
#include "cpu.h"
#include "maxpool2x2.h"
#include "random.h"
#include "synthetic_weights.h"
#include "test_util.h"
#include "vgg19_net.h"
#include "winograd.h"

/* max |a - b| / max |b| */
static double
relative_difference (const float *a, const float *b, size_t n)
{
  double worst = 0.0, scale = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      worst = fmax (worst, fabs ((double) a[i] - b[i]));
      scale = fmax (scale, fabs (b[i]));
    }
  return worst / (scale > 0.0 ? scale : 1.0);
}

static void
test_conv (int tile, int cin, int cout, int h, int w, size_t scratch_limit)
{
  /* F(2,3) rounds as an sgemm does, F(4,3) about 20 times more */
  const double tolerance = tile == 2 ? 1e-5 : 1e-4;
  ns_random rng;
  ns_random_seed (&rng, (uint64_t) cin * 1000003 + cout * 1009 + h * 31 + w);
  const size_t nin = (size_t) cin * h * w, nout = (size_t) cout * h * w;
  float *in = random_floats (nin, 1.0, &rng);
  float *weight = random_floats ((size_t) cout * cin * 9, 0.3, &rng);
  float *bias = random_floats (cout, 0.1, &rng);
  float *grad_out = random_floats (nout, 1.0, &rng);
  float *relu_out = random_floats (nout, 1.0, &rng);
  float *masked = relu_gated (grad_out, relu_out, nout);
  float *expected = malloc (sizeof (float) * (nout > nin ? nout : nin));
  float *got = malloc (sizeof (float) * (nout > nin ? nout : nin));
  float *flipped = malloc (sizeof (float) * cout * cin * 9);
  const size_t lowered = ns_conv3x3_scratch_floats_per_row (cin > cout ? cin : cout, w) * h;
  float *lowered_scratch = malloc (sizeof (float) * lowered);
  float *u = malloc (sizeof (float) * ns_winograd_weight_floats (tile, cin, cout));
  const int threads = omp_get_max_threads ();
  size_t scratch = ns_winograd_scratch_floats (tile, cin, cout, h, w,
                                               ns_winograd_block_rows (tile, cin, cout, h, w),
                                               threads);
  const size_t backward = ns_winograd_scratch_floats (tile, cout, cin, h, w,
                                                      ns_winograd_block_rows (tile, cout, cin, h, w),
                                                      threads);
  if (backward > scratch)
    scratch = backward;
  /* a smaller scratch: blocks of fewer tile rows, maybe one thread */
  if (scratch_limit && scratch_limit < scratch)
    scratch = scratch_limit;
  float *wscratch = malloc (sizeof (float) * scratch);

  ns_winograd_transform_weights (tile, weight, cout, cin, u);
  ns_conv3x3_weights_for_input_gradient (weight, cout, cin, flipped);
  for (int relu = 0; relu < 2; relu++)
    {
      ns_conv3x3_forward (in, cin, h, w, weight, bias, cout, relu, expected, lowered_scratch,
                          lowered);
      ns_winograd_conv_forward (tile, in, cin, h, w, u, bias, cout, relu, got, wscratch, scratch);
      const double e = relative_difference (got, expected, nout);
      char name[160];
      snprintf (name, sizeof name, "%s F(%d,3) forward %d->%d %dx%d relu %d%s",
                ns_cpu_isa_name (ns_cpu_isa ()), tile, cin, cout, w, h, relu,
                scratch_limit ? " (small scratch)" : "");
      report (e < tolerance, name, e, tolerance);
    }
  ns_conv3x3_forward (masked, cout, h, w, flipped, NULL, cin, 0, expected, lowered_scratch, lowered);
  ns_winograd_conv_input_gradient (tile, grad_out, relu_out, cout, h, w, u, cin, got, wscratch,
                                   scratch);
  double e = relative_difference (got, expected, nin);
  char name[160];
  snprintf (name, sizeof name, "%s F(%d,3) input gradient through a ReLU %d->%d %dx%d%s",
            ns_cpu_isa_name (ns_cpu_isa ()), tile, cout, cin, w, h,
            scratch_limit ? " (small scratch)" : "");
  report (e < tolerance, name, e, tolerance);

  /* in place: the output overwrites the input, block by block */
  const size_t big = nin > nout ? nin : nout;
  float *buffer = malloc (sizeof (float) * big);
  memcpy (buffer, in, sizeof (float) * nin);
  ns_conv3x3_forward (in, cin, h, w, weight, bias, cout, 1, expected, lowered_scratch, lowered);
  ns_winograd_conv_forward (tile, buffer, cin, h, w, u, bias, cout, 1, buffer, wscratch, scratch);
  e = relative_difference (buffer, expected, nout);
  snprintf (name, sizeof name, "%s F(%d,3) forward in place %d->%d %dx%d%s",
            ns_cpu_isa_name (ns_cpu_isa ()), tile, cin, cout, w, h,
            scratch_limit ? " (small scratch)" : "");
  report (e < tolerance, name, e, tolerance);
  memcpy (buffer, grad_out, sizeof (float) * nout);
  ns_conv3x3_forward (masked, cout, h, w, flipped, NULL, cin, 0, expected, lowered_scratch, lowered);
  ns_winograd_conv_input_gradient (tile, buffer, relu_out, cout, h, w, u, cin, buffer, wscratch,
                                   scratch);
  e = relative_difference (buffer, expected, nin);
  snprintf (name, sizeof name, "%s F(%d,3) input gradient in place %d->%d %dx%d%s",
            ns_cpu_isa_name (ns_cpu_isa ()), tile, cout, cin, w, h,
            scratch_limit ? " (small scratch)" : "");
  report (e < tolerance, name, e, tolerance);
  free (buffer);

  free (in);
  free (weight);
  free (bias);
  free (grad_out);
  free (relu_out);
  free (masked);
  free (expected);
  free (got);
  free (flipped);
  free (lowered_scratch);
  free (u);
  free (wscratch);
}

/* ---- a network keeping some ReLU outputs ---- */

typedef struct
{
  unsigned loss_layers;
  const float *target[NS_VGG19_CONV_COUNT];
  ns_vgg19_net *net;
} loss_case;

/* sum over loss layers of 0.5 |F - target|^2 */
static void
add_square_loss (int conv_index, const float *activation, float *grad, void *user_data)
{
  loss_case *lc = user_data;
  if (!((lc->loss_layers >> conv_index) & 1))
    return;
  const size_t n = (size_t) ns_vgg19_conv_out_channels (conv_index) * lc->net->height[conv_index] *
                   lc->net->width[conv_index];
  for (size_t i = 0; i < n; i++)
    grad[i] += activation[i] - lc->target[conv_index][i];
}

/* The network's input gradient for add_square_loss, by the plain kernels:
 * lowered sgemm convolutions, flipped weights, maxpool2x2. */
static void
reference_input_gradient (const ns_weights *weights, int conv_count, int w, int h, const float *x,
                          loss_case *lc, float *rgb_gradient)
{
  float *act[NS_VGG19_CONV_COUNT];
  int hs[NS_VGG19_CONV_COUNT], ws[NS_VGG19_CONV_COUNT];
  const size_t big = (size_t) 512 * w * h;
  float *scratch = malloc (sizeof (float) * 4608 * (size_t) w * h);
  float *input = malloc (sizeof (float) * 3 * (size_t) w * h);
  float *pooled = malloc (sizeof (float) * big);
  float *g = malloc (sizeof (float) * big), *g2 = malloc (sizeof (float) * big);
  const ns_input_convention *in = &weights->input;
  for (int k = 0; k < 3; k++)
    for (size_t i = 0; i < (size_t) w * h; i++)
      input[k * (size_t) w * h + i] =
          (in->range * x[in->rgb_index[k] * (size_t) w * h + i] - in->mean[k]) / in->std[k];
  const float *cur = input;
  int hh = h, ww = w;
  for (int i = 0; i < conv_count; i++)
    {
      const ns_conv_weights *c = &weights->conv[i];
      if (ns_vgg19_pool_before (i))
        {
          ns_maxpool2x2_forward (cur, c->in_channels, hh, ww, pooled);
          hh /= 2;
          ww /= 2;
          cur = pooled;
        }
      hs[i] = hh;
      ws[i] = ww;
      act[i] = malloc (sizeof (float) * c->out_channels * (size_t) hh * ww);
      ns_conv3x3_forward (cur, c->in_channels, hh, ww, c->weight, c->bias, c->out_channels, 1,
                          act[i], scratch, (size_t) 4608 * w * h);
      cur = act[i];
    }
  memset (g, 0, sizeof (float) * big);
  for (int i = conv_count - 1; i >= 0; i--)
    {
      const ns_conv_weights *c = &weights->conv[i];
      const size_t n = (size_t) c->out_channels * hs[i] * ws[i];
      if ((lc->loss_layers >> i) & 1)
        for (size_t k = 0; k < n; k++)
          g[k] += act[i][k] - lc->target[i][k];
      for (size_t k = 0; k < n; k++)
        if (!(act[i][k] > 0.0f))
          g[k] = 0.0f;
      float *flipped = malloc (sizeof (float) * 9 * c->in_channels * c->out_channels);
      ns_conv3x3_weights_for_input_gradient (c->weight, c->out_channels, c->in_channels, flipped);
      ns_conv3x3_forward (g, c->out_channels, hs[i], ws[i], flipped, NULL, c->in_channels, 0, g2,
                          scratch, (size_t) 4608 * w * h);
      free (flipped);
      if (ns_vgg19_pool_before (i))
        ns_maxpool2x2_backward (act[i - 1], c->in_channels, hs[i - 1], ws[i - 1], g2, g);
      else
        memcpy (g, g2, sizeof (float) * c->in_channels * (size_t) hs[i] * ws[i]);
    }
  for (int k = 0; k < 3; k++)
    for (size_t i = 0; i < (size_t) w * h; i++)
      rgb_gradient[in->rgb_index[k] * (size_t) w * h + i] = g[k * (size_t) w * h + i] * in->range /
                                                            in->std[k];
  for (int i = 0; i < conv_count; i++)
    free (act[i]);
  free (scratch);
  free (input);
  free (pooled);
  free (g);
  free (g2);
}

static void
test_keeping (int tile, int conv_count, unsigned loss_layers, int w, int h)
{
  ns_weights weights;
  if (!synthetic_weights_make (&weights, conv_count, 41))
    {
      report (0, "synthetic weights", 0, 0);
      return;
    }
  ns_random rng;
  ns_random_seed (&rng, 42);
  const size_t n = 3 * (size_t) w * h;
  float *x = random_floats (n, 0.5, &rng);
  for (size_t i = 0; i < n; i++)
    x[i] += 0.5f;
  ns_vgg19_net all, some;
  ns_error err;
  ns_vgg19_net_options all_options, some_options;
  ns_vgg19_net_options_init (&all_options);
  all_options.winograd_tile = tile;
  some_options = all_options;
  some_options.keep = loss_layers;
  if (ns_vgg19_net_init_with (&all, &weights, conv_count, h, w, &all_options, &err) != NS_OK ||
      ns_vgg19_net_init_with (&some, &weights, conv_count, h, w, &some_options, &err) != NS_OK)
    {
      printf ("# %s\n", err.message);
      report (0, "ns_vgg19_net_init_keeping", 0, 0);
      return;
    }
  loss_case lc_all = { loss_layers, { 0 }, &all }, lc_some = { loss_layers, { 0 }, &some };
  float *targets[NS_VGG19_CONV_COUNT] = { 0 };
  for (int i = 0; i < conv_count; i++)
    if ((loss_layers >> i) & 1)
      {
        const size_t count = (size_t) ns_vgg19_conv_out_channels (i) * all.height[i] * all.width[i];
        targets[i] = random_floats (count, 0.5, &rng);
        lc_all.target[i] = lc_some.target[i] = targets[i];
      }
  float *g_all = malloc (sizeof (float) * n), *g_some = malloc (sizeof (float) * n);
  ns_vgg19_net_forward (&all, x);
  ns_vgg19_net_backward (&all, add_square_loss, &lc_all, g_all);
  ns_vgg19_net_forward (&some, x);
  ns_vgg19_net_backward (&some, add_square_loss, &lc_some, g_some);

  int layers_ok = 1;
  for (int i = 0; i < conv_count; i++)
    {
      const size_t count = (size_t) ns_vgg19_conv_out_channels (i) * all.height[i] * all.width[i];
      if ((loss_layers >> i) & 1)
        layers_ok = layers_ok && some.activation[i] &&
                    memcmp (some.activation[i], all.activation[i], sizeof (float) * count) == 0;
      else
        layers_ok = layers_ok && !some.activation[i];
    }
  float *g_reference = malloc (sizeof (float) * n);
  reference_input_gradient (&weights, conv_count, w, h, x, &lc_all, g_reference);
  /* RMS, not the largest difference: where rounding puts a near-tie of a
   * pooling window or a ReLU input near zero the other way, a few pixels'
   * gradients differ much */
  double d2 = 0.0, r2 = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      d2 += ((double) g_all[i] - g_reference[i]) * ((double) g_all[i] - g_reference[i]);
      r2 += (double) g_reference[i] * g_reference[i];
    }
  const double e_reference = sqrt (d2 / (r2 > 0.0 ? r2 : 1.0));
  /* (a systematic error, like a wrong block edge, is far larger) */
  const double tolerance = 1e-3;
  char name[200];
  snprintf (name, sizeof name,
            "%s, tile %d: the input gradient of a network of %d convs (%dx%d) "
            "is the plain kernels' one (RMS; largest difference %.2g)",
            ns_cpu_isa_name (ns_cpu_isa ()), all.winograd_tile, conv_count, w, h,
            relative_difference (g_all, g_reference, n));
  report (e_reference < tolerance, name, e_reference, tolerance);
  free (g_reference);

  const double e = relative_difference (g_some, g_all, n);
  snprintf (name, sizeof name,
            "%s, tile %d: a network keeping ReLU outputs 0x%x of %d convs "
            "(%dx%d) gives the same outputs and input gradient as one keeping all",
            ns_cpu_isa_name (ns_cpu_isa ()), all.winograd_tile, loss_layers, conv_count, w, h);
  report (layers_ok && e == 0.0, name, e, 0.0);
  printf ("# bytes: keeping all %.1f MiB, keeping 0x%x %.1f MiB (at 512x512: %.0f and %.0f MiB)\n",
          ns_vgg19_net_measure (conv_count, h, w, &all_options) / 1048576.0, loss_layers,
          ns_vgg19_net_measure (conv_count, h, w, &some_options) / 1048576.0,
          ns_vgg19_net_measure (conv_count, 512, 512, &all_options) / 1048576.0,
          ns_vgg19_net_measure (conv_count, 512, 512, &some_options) / 1048576.0);

  for (int i = 0; i < NS_VGG19_CONV_COUNT; i++)
    free (targets[i]);
  free (g_all);
  free (g_some);
  free (x);
  ns_vgg19_net_clear (&all);
  ns_vgg19_net_clear (&some);
  ns_weights_clear (&weights);
}

int
main (void)
{
  static const int shapes[][4] = {
    { 3, 64, 13, 17 },  { 5, 7, 9, 6 },    { 16, 16, 1, 1 },    { 16, 8, 2, 3 },
    { 8, 16, 4, 4 },    { 64, 3, 33, 70 }, { 64, 64, 31, 130 }, { 128, 256, 20, 21 },
    { 512, 512, 5, 3 }, { 17, 9, 67, 3 },
  };
  static const ns_isa isas[] = { NS_ISA_AVX512, NS_ISA_AVX2, NS_ISA_GENERIC };
  const int threads = omp_get_max_threads ();
  for (int k = 0; k < 3; k++)
    {
      if (ns_cpu_limit_isa (isas[k]) != isas[k])
        {
          printf ("# %s: not on this CPU\n", ns_cpu_isa_name (isas[k]));
          continue;
        }
      for (int tile = 2; tile <= 4; tile += 2)
        {
          for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            test_conv (tile, shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], 0);
          /* one tile row per block (two threads, then one), and blocks of two
           * rows with more output than input channels and fewer */
          test_conv (tile, 64, 64, 31, 130,
                     ns_winograd_scratch_floats (tile, 64, 64, 31, 130, 1, threads));
          test_conv (tile, 64, 64, 31, 130, ns_winograd_scratch_floats (tile, 64, 64, 31, 130, 1, 1));
          test_conv (tile, 16, 40, 27, 19,
                     ns_winograd_scratch_floats (tile, 40, 40, 27, 19, 2, threads));
          test_conv (tile, 40, 16, 27, 19,
                     ns_winograd_scratch_floats (tile, 40, 40, 27, 19, 2, threads));

          /* the network with that tile: the paper's layers (the pools fused
           * into the convs not kept), the block-last set's (relu*_2/4 kept before the
           * pools), odd sizes */
          test_keeping (tile, 13,
                        (1u << 0) | (1u << 2) | (1u << 4) | (1u << 8) | (1u << 9) | (1u << 12), 37,
                        45);
          test_keeping (tile, 16, (1u << 1) | (1u << 3) | (1u << 7) | (1u << 11) | (1u << 15), 50,
                        34);
          test_keeping (tile, 9, 1u << 8, 67, 33);
        }
    }
  return tap_done ();
}
