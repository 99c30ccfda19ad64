/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Finite-difference checks of every backward pass of the engine, and checks
 * of the forward kernels against naive reference loops. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv3x3.h"
#include "gram.h"
#include "losses.h"
#include "maxpool2x2.h"
#include "anchor.h"
#include "objective.h"
#include "synthetic_weights.h"
#include "test_util.h"
#include "vgg19_net.h"

static double
dot (const float *a, const float *b, size_t n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

/* |a-b| / max(|a|,|b|,floor) */
static double
relative_error (double a, double b, double floor_value)
{
  double m = fmax (fmax (fabs (a), fabs (b)), floor_value);
  return fabs (a - b) / m;
}

/* ---- convolution ---- */

static void
ns_conv3x3_naive (const float *in, int cin, int h, int w, const float *weight, const float *bias,
                  int cout, int relu, float *out)
{
  for (int co = 0; co < cout; co++)
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          double s = bias ? bias[co] : 0.0;
          for (int ci = 0; ci < cin; ci++)
            for (int ky = 0; ky < 3; ky++)
              for (int kx = 0; kx < 3; kx++)
                {
                  int sy = y + ky - 1, sx = x + kx - 1;
                  if (sy < 0 || sy >= h || sx < 0 || sx >= w)
                    continue;
                  s += (double) weight[((co * cin + ci) * 3 + ky) * 3 + kx] *
                       in[((size_t) ci * h + sy) * w + sx];
                }
          if (relu && s < 0.0)
            s = 0.0;
          out[((size_t) co * h + y) * w + x] = (float) s;
        }
}

static void
test_conv_forward (void)
{
  ns_random state;
  ns_random_seed (&state, 11);
  const int cin = 5, cout = 7, h = 9, w = 6;
  float *in = random_floats ((size_t) cin * h * w, 1.0, &state);
  float *weight = random_floats ((size_t) cout * cin * 9, 0.5, &state);
  float *bias = random_floats (cout, 0.5, &state);
  float *expected = malloc (sizeof (float) * cout * h * w);
  float *got = malloc (sizeof (float) * cout * h * w);
  size_t row = ns_conv3x3_scratch_floats_per_row (cin, w);
  float *scratch = malloc (sizeof (float) * row * h);

  /* one row per tile, an uneven tile, the whole image: the tiling must not show */
  const size_t tiles[] = { row, row * 4, row * h };
  for (int relu = 0; relu < 2; relu++)
    {
      ns_conv3x3_naive (in, cin, h, w, weight, bias, cout, relu, expected);
      for (int t = 0; t < 3; t++)
        {
          ns_conv3x3_forward (in, cin, h, w, weight, bias, cout, relu, got, scratch, tiles[t]);
          double worst = 0.0;
          for (int i = 0; i < cout * h * w; i++)
            worst = fmax (worst, fabs (got[i] - expected[i]));
          char name[96];
          snprintf (name, sizeof name,
                    "ns_conv3x3_forward matches direct convolution (relu %d, tile %d)", relu, t);
          report (worst < 1e-4, name, worst, 1e-4);
        }
    }
  free (in);
  free (weight);
  free (bias);
  free (expected);
  free (got);
  free (scratch);
}

/* d/dx of sum(r * conv(x)) is the flipped-weights convolution of r. */
static void
test_conv_input_gradient (void)
{
  ns_random state;
  ns_random_seed (&state, 12);
  const int cin = 4, cout = 6, h = 7, w = 5;
  const size_t nin = (size_t) cin * h * w, nout = (size_t) cout * h * w;
  float *x = random_floats (nin, 1.0, &state);
  float *weight = random_floats ((size_t) cout * cin * 9, 0.5, &state);
  float *r = random_floats (nout, 1.0, &state);
  float *flipped = malloc (sizeof (float) * cout * cin * 9);
  float *grad = malloc (sizeof (float) * nin);
  float *out = malloc (sizeof (float) * nout);
  size_t scratch_floats = ns_conv3x3_scratch_floats_per_row (cin > cout ? cin : cout, w) * h;
  float *scratch = malloc (sizeof (float) * scratch_floats);

  ns_conv3x3_weights_for_input_gradient (weight, cout, cin, flipped);
  ns_conv3x3_forward (r, cout, h, w, flipped, NULL, cin, 0, grad, scratch, scratch_floats);

  double worst = 0.0;
  const float eps = 1e-2f;
  for (size_t i = 0; i < nin; i++)
    {
      const float saved = x[i];
      x[i] = saved + eps;
      ns_conv3x3_forward (x, cin, h, w, weight, NULL, cout, 0, out, scratch, scratch_floats);
      double plus = dot (out, r, nout);
      x[i] = saved - eps;
      ns_conv3x3_forward (x, cin, h, w, weight, NULL, cout, 0, out, scratch, scratch_floats);
      double minus = dot (out, r, nout);
      x[i] = saved;
      worst = fmax (worst, relative_error ((plus - minus) / (2 * eps), grad[i], 1e-1));
    }
  report (worst < 1e-3, "conv3x3 input gradient vs finite differences", worst, 1e-3);
  free (x);
  free (weight);
  free (r);
  free (flipped);
  free (grad);
  free (out);
  free (scratch);
}

/* ---- pooling ---- */

static void
test_maxpool (void)
{
  ns_random state;
  ns_random_seed (&state, 13);
  const int c = 3, h = 7, w = 9, oh = h / 2, ow = w / 2;
  const size_t nin = (size_t) c * h * w, nout = (size_t) c * oh * ow;
  /* distinct values 0.01 apart so that a step of 1e-3 never changes a window's maximum */
  float *x = malloc (sizeof (float) * nin);
  for (size_t i = 0; i < nin; i++)
    x[i] = (float) (0.01 * i);
  for (size_t i = nin - 1; i > 0; i--)
    {
      size_t j = (size_t) (ns_random_uniform (&state) * (i + 1));
      float t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  float *out = malloc (sizeof (float) * nout);
  float *r = random_floats (nout, 1.0, &state);
  float *grad = malloc (sizeof (float) * nin);

  ns_maxpool2x2_forward (x, c, h, w, out);
  double worst = 0.0;
  for (int ch = 0; ch < c; ch++)
    for (int y = 0; y < oh; y++)
      for (int xx = 0; xx < ow; xx++)
        {
          const float *p = x + ((size_t) ch * h + 2 * y) * w + 2 * xx;
          float m = fmaxf (fmaxf (p[0], p[1]), fmaxf (p[w], p[w + 1]));
          worst = fmax (worst, fabs (m - out[((size_t) ch * oh + y) * ow + xx]));
        }
  report (worst == 0.0, "ns_maxpool2x2_forward matches window maxima (odd size)", worst, 0.0);

  ns_maxpool2x2_backward (x, c, h, w, r, grad);
  worst = 0.0;
  const float eps = 1e-3f;
  for (size_t i = 0; i < nin; i++)
    {
      const float saved = x[i];
      x[i] = saved + eps;
      ns_maxpool2x2_forward (x, c, h, w, out);
      double plus = dot (out, r, nout);
      x[i] = saved - eps;
      ns_maxpool2x2_forward (x, c, h, w, out);
      double minus = dot (out, r, nout);
      x[i] = saved;
      worst = fmax (worst, fabs ((plus - minus) / (2 * eps) - grad[i]));
    }
  report (worst < 1e-3, "maxpool2x2 backward vs finite differences", worst, 1e-3);

  /* ties: the gradient goes to the first maximum only, as in PyTorch */
  float tie[4] = { 1.0f, 1.0f, 1.0f, 1.0f }, one = 1.0f, tie_grad[4];
  ns_maxpool2x2_backward (tie, 1, 2, 2, &one, tie_grad);
  report (tie_grad[0] == 1.0f && tie_grad[1] == 0.0f && tie_grad[2] == 0.0f && tie_grad[3] == 0.0f,
          "maxpool2x2 backward sends a tied window's gradient to its first maximum", 0, 0);
  free (x);
  free (out);
  free (r);
  free (grad);
}

/* ---- Gram matrix and losses ---- */

typedef double (*scalar_fn) (const float *x, void *data);

/* Largest relative difference between grad and central differences of f over all of x. */
static double
worst_coordinate_error (scalar_fn f, void *data, float *x, size_t n, const float *grad, float eps,
                        double floor_value)
{
  double worst = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      const float saved = x[i];
      x[i] = saved + eps;
      double plus = f (x, data);
      x[i] = saved - eps;
      double minus = f (x, data);
      x[i] = saved;
      worst = fmax (worst, relative_error ((plus - minus) / (2.0 * eps), grad[i], floor_value));
    }
  return worst;
}

typedef struct
{
  int channels;
  size_t n;
  const float *r; /* symmetric weights on the Gram matrix */
  const float *target;
  float *scratch;
} gram_case;

static double
gram_weighted_sum (const float *f, void *data)
{
  gram_case *g = data;
  ns_gram_forward (f, g->channels, g->n, 0.37f, g->scratch);
  return dot (g->scratch, g->r, (size_t) g->channels * g->channels);
}

static double
style_loss_value (const float *f, void *data)
{
  gram_case *g = data;
  return ns_style_loss (f, g->channels, g->n, g->target, 0.7, 1.0, g->scratch, NULL);
}

static double
content_loss_value (const float *f, void *data)
{
  gram_case *g = data;
  return ns_content_loss (f, g->target, (size_t) g->channels * g->n, 0.7, 1.0, NULL);
}

static void
test_gram_and_losses (void)
{
  ns_random state;
  ns_random_seed (&state, 14);
  const int c = 6;
  const size_t n = 35, count = c * n;
  float *f = random_floats (count, 1.0, &state);
  float *r = random_floats ((size_t) c * c, 1.0, &state);
  for (int i = 0; i < c; i++)
    for (int j = 0; j < i; j++)
      r[i * c + j] = r[j * c + i];
  float *scratch = malloc (sizeof (float) * c * c);
  float *grad = calloc (count, sizeof (float));
  gram_case g = { c, n, r, NULL, scratch };

  /* Gram forward against the definition */
  ns_gram_forward (f, c, n, 0.37f, scratch);
  double worst = 0.0;
  for (int i = 0; i < c; i++)
    for (int j = 0; j < c; j++)
      worst = fmax (worst, fabs (scratch[i * c + j] - 0.37 * dot (f + i * n, f + j * n, n)));
  report (worst < 1e-4, "ns_gram_forward equals scale * F F^T", worst, 1e-4);

  ns_gram_backward (f, c, n, 0.37f, r, grad);
  worst = worst_coordinate_error (gram_weighted_sum, &g, f, count, grad, 1e-2f, 1e-1);
  report (worst < 2e-3, "gram backward vs finite differences", worst, 2e-3);

  /* style loss against a target Gram matrix of other features */
  float *other = random_floats (count, 1.0, &state);
  float *target = malloc (sizeof (float) * c * c);
  ns_style_gram (other, c, n, target);
  g.target = target;
  memset (grad, 0, sizeof (float) * count);
  ns_style_loss (f, c, n, target, 0.7, 1.0, scratch, grad);
  worst = worst_coordinate_error (style_loss_value, &g, f, count, grad, 1e-2f, 1e-4);
  report (worst < 5e-3, "style loss gradient vs finite differences", worst, 5e-3);

  g.target = other;
  g.n = n;
  memset (grad, 0, sizeof (float) * count);
  ns_content_loss (f, other, count, 0.7, 1.0, grad);
  worst = worst_coordinate_error (content_loss_value, &g, f, count, grad, 1e-2f, 1e-3);
  report (worst < 2e-3, "content loss gradient vs finite differences", worst, 2e-3);

  free (f);
  free (r);
  free (scratch);
  free (grad);
  free (other);
  free (target);
}

/* ---- the network and the whole objective ---- */

typedef struct
{
  ns_vgg19_net *net;
  const float *r;
} relu_case;

static void
weighted_first_layer_gradient (int conv_index, const float *activation, float *grad, void *data)
{
  (void) activation;
  relu_case *rc = data;
  const size_t count = (size_t) ns_vgg19_conv_out_channels (0) * rc->net->height[0] *
                       rc->net->width[0];
  if (conv_index == 0)
    for (size_t i = 0; i < count; i++)
      grad[i] += rc->r[i];
}

static double
first_layer_weighted_sum (const float *x, void *data)
{
  relu_case *rc = data;
  ns_vgg19_net_forward (rc->net, x);
  const size_t count = (size_t) ns_vgg19_conv_out_channels (0) * rc->net->height[0] *
                       rc->net->width[0];
  return dot (rc->net->activation[0], rc->r, count);
}

/* conv1_1 + bias + ReLU + the input normalisation, through ns_vgg19_net. */
static void
test_first_layer_with_relu (void)
{
  ns_random state;
  ns_random_seed (&state, 15);
  ns_weights weights;
  const int h = 6, w = 7;
  if (!synthetic_weights_make (&weights, 1, 21))
    {
      report (0, "synthetic weights", 0, 0);
      return;
    }
  ns_vgg19_net net;
  ns_error err;
  if (ns_vgg19_net_init (&net, &weights, 1, h, w, &err) != NS_OK)
    {
      printf ("# %s\n", err.message);
      report (0, "ns_vgg19_net_init for one layer", 0, 0);
      ns_weights_clear (&weights);
      return;
    }
  const size_t n = 3 * (size_t) h * w, count = (size_t) 64 * h * w;
  float *x = random_floats (n, 0.5, &state);
  for (size_t i = 0; i < n; i++)
    x[i] += 0.5f;
  float *r = random_floats (count, 1.0, &state);
  float *grad = malloc (sizeof (float) * n);
  relu_case rc = { &net, r };

  ns_vgg19_net_forward (&net, x);
  size_t active = 0;
  for (size_t i = 0; i < count; i++)
    active += net.activation[0][i] > 0.0f;
  ns_vgg19_net_backward (&net, weighted_first_layer_gradient, &rc, grad);

  /* A step that moves a ReLU across its kink is not differentiable there:
   * such coordinates are skipped (and counted), the rest must agree. */
  unsigned char *mask = malloc (count);
  double worst = 0.0;
  size_t skipped = 0;
  const float eps = 1e-3f;
  for (size_t i = 0; i < n; i++)
    {
      const float saved = x[i];
      x[i] = saved + eps;
      double plus = first_layer_weighted_sum (x, &rc);
      for (size_t j = 0; j < count; j++)
        mask[j] = net.activation[0][j] > 0.0f;
      x[i] = saved - eps;
      double minus = first_layer_weighted_sum (x, &rc);
      x[i] = saved;
      int crossed = 0;
      for (size_t j = 0; j < count && !crossed; j++)
        crossed = mask[j] != (net.activation[0][j] > 0.0f);
      if (crossed)
        {
          skipped++;
          continue;
        }
      worst = fmax (worst, relative_error ((plus - minus) / (2 * eps), grad[i], 1.0));
    }
  char name[160];
  snprintf (name, sizeof name,
            "conv1_1 + ReLU (%zu of %zu active) input gradient vs finite "
            "differences (%zu of %zu steps crossed a kink)",
            active, count, skipped, n);
  report (worst < 1e-3 && active > count / 5 && active < count && skipped < n / 5, name, worst, 1e-3);
  free (mask);

  free (x);
  free (r);
  free (grad);
  ns_vgg19_net_clear (&net);
  ns_weights_clear (&weights);
}

static double
ns_objective_value (const float *x, void *data)
{
  return ns_objective_evaluate (data, x, NULL);
}

/* The paper's layers, the style layers weighted unevenly: all 13
 * convolutions, 4 pools, both losses. */
static const ns_objective_layers all_layers = {
  .content_layer = 9,
  .style_layer_count = 5,
  .style_layers = { 0, 2, 4, 8, 12 },
  .style_layer_weights = { 1, 0.5, 1, 2, 1 },
};

/* Synthetic weights for all_layers; 0 (reported) when they cannot be made. */
static int
all_layers_weights (ns_weights *weights)
{
  const int made = synthetic_weights_make (weights, ns_objective_conv_count (&all_layers), 31);
  if (!made)
    report (0, "synthetic weights", 0, 0);
  return made;
}

/* The total loss, through all 13 convolutions, 4 pools, both losses;
 * guided: with two styles in two soft regions (Gatys et al. 2017's guided
 * Gram matrices) and a region to keep. */
static void
test_total_loss (int guided)
{
  const char *what = guided ? "guided total loss" : "total loss";
  ns_random state;
  ns_random_seed (&state, 16);
  ns_weights weights;
  const ns_objective_layers layers = all_layers;
  if (!all_layers_weights (&weights))
    return;
  const int w = 32, h = 34, sw = 40, sh = 36;
  const size_t n = 3 * (size_t) w * h;
  float *content = random_floats (n, 0.5, &state);
  float *style = random_floats (3 * (size_t) sw * sh, 0.5, &state);
  float *x = random_floats (n, 0.3, &state);
  for (size_t i = 0; i < n; i++)
    {
      content[i] += 0.5f;
      x[i] = content[i] + x[i];
    }
  for (size_t i = 0; i < 3 * (size_t) sw * sh; i++)
    style[i] += 0.5f;

  ns_objective obj;
  ns_error err;
  /* the second style: the first turned upside down and darkened */
  float *style2 = malloc (sizeof (float) * 3 * sw * sh);
  for (size_t i = 0; i < 3 * (size_t) sw * sh; i++)
    style2[i] = 0.6f * style[3 * (size_t) sw * sh - 1 - i];
  const ns_objective_style style_images[2] = { { style, sw, sh, 1.0 }, { style2, sw, sh, 1.0 } };
  float *regions = malloc (sizeof (float) * 3 * w * h), *keep = regions + 2 * w * h;
  for (int row = 0; row < h; row++)
    for (int column = 0; column < w; column++)
      {
        const float top = (float) (1.0 / (1.0 + exp ((row - 0.45 * h) / 3.0)));
        regions[row * w + column] = top;
        regions[w * h + row * w + column] = 1.0f - top;
        keep[row * w + column] = column > w / 2 ? 0.8f : 0.0f;
      }
  const int style_region[2] = { 0, 1 };
  const ns_objective_guides guides = { 2, regions, style_region, keep, 7.0 };
  if (ns_objective_init_tiled (&obj, &weights, &layers, content, w, h, style_images, guided ? 2 : 1,
                               1.0, 3.0, 0.5, NULL, NULL, guided ? &guides : NULL, &err) != NS_OK)
    {
      printf ("# %s\n", err.message);
      report (0, "ns_objective_init", 0, 0);
      ns_weights_clear (&weights);
      return;
    }
  if (guided)
    {
      int regions_active = 0;
      for (int s = 0; s < layers.style_layer_count; s++)
        regions_active += obj.guide_share[0][s] > 0.0 && obj.guide_share[1][s] > 0.0;
      report (regions_active >= 3, "both regions have a guide at 3 or more style layers",
              regions_active, 3);
    }
  float *grad = malloc (sizeof (float) * n);
  double loss = ns_objective_evaluate (&obj, x, grad);
  double content_part = obj.content_weight * obj.content_loss;
  double style_part = obj.style_weight * obj.style_loss;
  double tv_part = obj.tv_weight * obj.tv_loss;
  printf ("# %s %.6g (content %.6g, style %.6g, tv %.6g)\n", what, loss, content_part, style_part,
          tv_part);
  report (content_part > 0.0 && style_part > 0.0 && tv_part > 0.0 &&
              fabs (loss - content_part - style_part - tv_part) < 1e-9 * loss,
          guided ? "guided total loss is the weighted sum of positive content, style and TV terms" :
                   "total loss is the weighted sum of positive content, style and TV terms",
          0, 0);

  /* the loss without a gradient equals the loss with one */
  double again = ns_objective_evaluate (&obj, x, NULL);
  report (again == loss,
          guided ? "guided objective without gradient gives the same loss" :
                   "objective without gradient gives the same loss",
          fabs (again - loss), 0);

  /* Directional derivatives along the gradient, plus some noise: a random
   * +-1 direction alone would make g.d a sum of cancelling terms, small
   * beside the error of the ReLU kinks that a step crosses. */
  float *direction = malloc (sizeof (float) * n);
  float *moved = malloc (sizeof (float) * n);
  double largest = 0.0;
  for (size_t i = 0; i < n; i++)
    largest = fmax (largest, fabsf (grad[i]));
  double worst = 0.0;
  for (int k = 0; k < 4; k++)
    {
      const double noise = 0.25 * k;
      for (size_t i = 0; i < n; i++)
        direction[i] = (float) (grad[i] / largest +
                                noise * (ns_random_uniform (&state) < 0.5 ? -1.0 : 1.0));
      const double eps = 1e-3;
      for (size_t i = 0; i < n; i++)
        moved[i] = (float) (x[i] + eps * direction[i]);
      double plus = ns_objective_value (moved, &obj);
      for (size_t i = 0; i < n; i++)
        moved[i] = (float) (x[i] - eps * direction[i]);
      double minus = ns_objective_value (moved, &obj);
      double numeric = (plus - minus) / (2 * eps), analytic = dot (grad, direction, n);
      printf ("# direction %d (noise %.2f): finite difference %.6g, gradient %.6g\n", k, noise,
              numeric, analytic);
      worst = fmax (worst, relative_error (numeric, analytic, 0.0));
    }
  report (worst < 1e-2,
          guided ? "guided total loss directional derivatives vs finite differences" :
                   "total loss directional derivatives vs finite differences",
          worst, 1e-2);

  /* and single pixels with the largest gradients */
  worst = 0.0;
  for (int k = 0; k < 8; k++)
    {
      size_t best = 0;
      for (size_t i = 0; i < n; i++)
        if (fabsf (grad[i]) > fabsf (grad[best]))
          best = i;
      const float saved = x[best];
      const float eps = 2e-3f;
      x[best] = saved + eps;
      double plus = ns_objective_value (x, &obj);
      x[best] = saved - eps;
      double minus = ns_objective_value (x, &obj);
      x[best] = saved;
      worst = fmax (worst, relative_error ((plus - minus) / (2 * eps), grad[best], 0.0));
      grad[best] = 0.0f; /* next-largest next time */
    }
  report (worst < 3e-2,
          guided ? "guided total loss single-pixel derivatives vs finite differences" :
                   "total loss single-pixel derivatives vs finite differences",
          worst, 3e-2);

  if (guided)
    {
      /* one region that is all of the image: the unguided loss */
      ns_objective plain, whole_region;
      for (int i = 0; i < w * h; i++)
        regions[i] = 1.0f;
      const int first[1] = { 0 };
      const ns_objective_guides everywhere = { 1, regions, first, NULL, 1.0 };
      if (ns_objective_init (&plain, &weights, &layers, content, w, h, style_images, 1, 1.0, 3.0,
                             0.5, NULL, &err) == NS_OK &&
          ns_objective_init_tiled (&whole_region, &weights, &layers, content, w, h, style_images, 1,
                                   1.0, 3.0, 0.5, NULL, NULL, &everywhere, &err) == NS_OK)
        {
          const double a = ns_objective_evaluate (&plain, x, NULL);
          const double b = ns_objective_evaluate (&whole_region, x, NULL);
          report (relative_error (b, a, 0.0) < 1e-5,
                  "a region of the whole image gives the unguided loss", relative_error (b, a, 0.0),
                  1e-5);
          ns_objective_clear (&plain);
          ns_objective_clear (&whole_region);
        }
      else
        report (0, "objectives with and without a whole-image region", 0, 0);
    }

  free (style2);
  free (regions);
  free (content);
  free (style);
  free (x);
  free (grad);
  free (direction);
  free (moved);
  ns_objective_clear (&obj);
  ns_weights_clear (&weights);
}

/* ---- the anchor of a detail scale ---- */

static void
test_anchor (void)
{
  ns_random state;
  ns_random_seed (&state, 23);
  const int w = 23, h = 17, block = 4; /* partial blocks on the right and at the bottom */
  const size_t n = 3 * (size_t) w * h;
  float *x0 = random_floats (n, 0.5, &state), *x = random_floats (n, 0.5, &state);
  float *grad = calloc (n, sizeof (float));
  for (size_t i = 0; i < n; i++)
    {
      x0[i] += 0.5f;
      x[i] = x0[i] + 0.3f * x[i];
    }
  ns_anchor anchor;
  ns_error err;
  if (ns_anchor_init (&anchor, x0, w, h, block, &err) != NS_OK)
    {
      report (0, "ns_anchor_init", 0, 0);
      return;
    }
  report (ns_anchor_loss (&anchor, x0, 1.0, NULL) == 0.0, "the anchor is 0 at its own image", 0, 0);
  const double weight = 1.7;
  ns_anchor_loss (&anchor, x, weight, grad);
  /* a quadratic: central differences are exact but for rounding */
  double worst = 0.0;
  for (size_t i = 0; i < n; i += 7)
    {
      const float saved = x[i];
      const float eps = 1e-2f;
      x[i] = saved + eps;
      const double plus = ns_anchor_loss (&anchor, x, weight, NULL);
      x[i] = saved - eps;
      const double minus = ns_anchor_loss (&anchor, x, weight, NULL);
      x[i] = saved;
      worst = fmax (worst, relative_error (weight * (plus - minus) / (2.0 * eps), grad[i], 1e-6));
    }
  report (worst < 1e-3, "anchor gradient vs finite differences (partial blocks too)", worst, 1e-3);
  /* strokes finer than a block barely move its means: a checkerboard
   * costs a small part of the same pixels all moved one way */
  float *moved = malloc (sizeof (float) * n);
  for (size_t i = 0; i < n; i++)
    moved[i] = x0[i] + 0.1f;
  const double uniform = ns_anchor_loss (&anchor, moved, 1.0, NULL);
  for (size_t i = 0; i < n; i++)
    {
      const int col = (int) (i % w), row = (int) (i / w % h);
      moved[i] = x0[i] + ((col + row) % 2 ? 0.1f : -0.1f);
    }
  const double checkerboard = ns_anchor_loss (&anchor, moved, 1.0, NULL);
  report (checkerboard < 0.02 * uniform, "a checkerboard costs under 2% of a uniform move",
          checkerboard / uniform, 0.02);
  /* its pull has no edges at the blocks' borders: one block moved, the
   * gradient along a row through it changes by at most 2/block of its
   * largest value from one pixel to the next (box means step by all of it) */
  memcpy (moved, x0, sizeof (float) * n);
  for (int row = block; row < 2 * block; row++)
    for (int col = block; col < 2 * block; col++)
      moved[(size_t) row * w + col] += 0.2f;
  memset (grad, 0, sizeof (float) * n);
  ns_anchor_loss (&anchor, moved, 1.0, grad);
  double largest = 0.0, step = 0.0;
  const float *line = grad + (size_t) (block + block / 2) * w;
  for (int col = 0; col < w; col++)
    {
      largest = fmax (largest, fabs (line[col]));
      if (col > 0)
        step = fmax (step, fabs (line[col] - line[col - 1]));
    }
  report (largest > 0.0 && step <= 2.0 / block * largest,
          "the anchor's pull changes smoothly across blocks", step / largest, 2.0 / block);
  free (moved);
  ns_anchor_clear (&anchor);
  free (x0);
  free (x);
  free (grad);
}

/* ---- the pixel term (an animation's temporal term) ---- */

/* A mask of 0 on the left third, a ramp over the middle third, 1 on the
 * right: every kind of value a consistency weight takes. */
static float *
thirds_mask (int w, int h)
{
  float *m = malloc (sizeof (float) * w * h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const double t = (x - w / 3.0) / (w / 3.0);
        m[(size_t) y * w + x] = (float) (t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t);
      }
  return m;
}

typedef struct
{
  const float *target, *mask;
  size_t pixels;
} pixel_case;

static double
pixel_loss_value (const float *x, void *data)
{
  const pixel_case *p = data;
  return ns_pixel_loss (x, p->target, p->mask, p->pixels, 1.0, NULL);
}

/* P(x) = 1/D sum m (x - t)^2 against its definition in double, and its
 * gradient against central differences (exact for a quadratic but for
 * rounding). */
static void
test_pixel_loss (void)
{
  ns_random state;
  ns_random_seed (&state, 41);
  const int w = 23, h = 17;
  const size_t pixels = (size_t) w * h, n = 3 * pixels;
  float *x = random_floats (n, 0.5, &state), *t = random_floats (n, 0.5, &state);
  float *mask = thirds_mask (w, h);
  float *grad = calloc (n, sizeof (float));
  const double weight = 2.5;
  double expected = 0.0;
  for (int c = 0; c < 3; c++)
    for (size_t i = 0; i < pixels; i++)
      {
        const double d = (double) x[c * pixels + i] - t[c * pixels + i];
        expected += mask[i] * d * d;
      }
  expected /= 3.0 * pixels;
  const double got = ns_pixel_loss (x, t, mask, pixels, weight, grad);
  report (relative_error (got, expected, 0.0) < 1e-6,
          "pixel term: 1/(3WH) sum of mask (x - target)^2", relative_error (got, expected, 0.0),
          1e-6);
  pixel_case p = { t, mask, pixels };
  for (size_t i = 0; i < n; i++)
    grad[i] /= (float) weight;
  const double worst = worst_coordinate_error (pixel_loss_value, &p, x, n, grad, 1e-2f, 1e-6);
  report (worst < 1e-3, "pixel term gradient vs finite differences (mask 0, soft and 1)", worst,
          1e-3);
  int untouched = 1;
  for (size_t i = 0; i < n; i++)
    untouched &= mask[i % pixels] != 0.0f || grad[i] == 0.0f;
  report (untouched, "pixel term: no gradient where the mask is 0", 0, 0);
  p.mask = NULL;
  memset (grad, 0, sizeof (float) * n);
  ns_pixel_loss (x, t, NULL, pixels, 1.0, grad);
  const double unmasked = worst_coordinate_error (pixel_loss_value, &p, x, n, grad, 1e-2f, 1e-6);
  report (unmasked < 1e-3, "pixel term without a mask: gradient vs finite differences", unmasked,
          1e-3);
  free (x);
  free (t);
  free (mask);
  free (grad);
}

/* The pixel term inside the objective, whole and in 2x2 tiles: the same
 * objective without it runs the same network on the same x, so the
 * difference of their losses is weight * P exactly but for rounding, and
 * its central differences must be the difference of their gradients, at
 * pixels where the mask is 0, soft and 1.  Its target and mask are images
 * of another size than the working one, resized by the objective. */
static void
test_pixel_term_objective (int tiled)
{
  ns_weights weights;
  if (!all_layers_weights (&weights))
    return;
  const char *what = tiled ? "2x2 tiles" : "one tile";
  ns_random state;
  ns_random_seed (&state, 43);
  const int w = 64, h = 48, tw = 80, th = 60;
  const size_t n = 3 * (size_t) w * h;
  float *content = random_floats (n, 0.4, &state), *x = random_floats (n, 0.2, &state);
  for (size_t i = 0; i < n; i++)
    {
      content[i] += 0.5f;
      x[i] += content[i];
    }
  ns_image target = { 0 }, mask = { 0 };
  ns_image_alloc (&target, tw, th, 4, NULL);
  ns_image_alloc (&mask, tw, th, 1, NULL);
  for (size_t i = 0; i < (size_t) tw * th * 4; i++)
    target.data[i] = (float) (0.5 + 0.4 * (2.0 * ns_random_uniform (&state) - 1.0));
  float *ramp = thirds_mask (tw, th);
  memcpy (mask.data, ramp, sizeof (float) * tw * th);
  free (ramp);
  const ns_objective_style style = { content, w, h, 1.0 };
  const ns_tile_request grid = { .rows = 2, .columns = 2 };
  const double weight = 300.0;
  const ns_pixel_term term = { weight, &target, &mask };
  ns_objective_spec spec = {
    .weights = &weights,
    .layers = &all_layers,
    .content = content,
    .width = w,
    .height = h,
    .styles = &style,
    .style_count = 1,
    .content_weight = 1.0,
    .style_weight = 3.0,
    .tv_weight = 0.5,
    .tiles = tiled ? &grid : NULL,
  };
  ns_objective plain, pulled;
  ns_error err;
  const ns_status a = ns_objective_make (&plain, &spec, &err);
  spec.pixel = &term;
  const ns_status b = a == NS_OK ? ns_objective_make (&pulled, &spec, &err) : a;
  if (b != NS_OK)
    {
      printf ("# %s\n", err.message);
      report (0, "objectives with and without a pixel term", 0, 0);
      if (a == NS_OK)
        ns_objective_clear (&plain);
      ns_weights_clear (&weights);
      return;
    }
  float *g0 = malloc (sizeof (float) * n), *g1 = malloc (sizeof (float) * n);
  const double l0 = ns_objective_evaluate (&plain, x, g0);
  const double l1 = ns_objective_evaluate (&pulled, x, g1);
  char name[200];
  snprintf (name, sizeof name,
            "pixel term in the objective (%s, %d tiles): the loss grows by weight * P (P %.4g)",
            what, pulled.tiling.count, pulled.pixel_loss);
  report (pulled.tiling.count == (tiled ? 4 : 1) && pulled.pixel_loss > 0.0 &&
              relative_error (l1 - l0, weight * pulled.pixel_loss, 0.0) < 1e-9,
          name, relative_error (l1 - l0, weight * pulled.pixel_loss, 0.0), 1e-9);
  /* Directional derivatives along +-1 on the pixels of each kind of mask
   * value (0, soft, 1): a few evaluations, every pixel of the kind moved. */
  const size_t plane = (size_t) w * h;
  float *direction = malloc (sizeof (float) * n), *moved = malloc (sizeof (float) * n);
  double numeric[3], analytic[3], largest = 0.0;
  int untouched = 1;
  for (size_t i = 0; i < n; i++)
    untouched &= pulled.pixel_mask[i % plane] != 0.0f || g1[i] == g0[i];
  for (int kind = 0; kind < 3; kind++)
    {
      analytic[kind] = 0.0;
      for (size_t i = 0; i < n; i++)
        {
          const float m = pulled.pixel_mask[i % plane];
          const int of_kind = kind == 0 ? m == 0.0f : kind == 2 ? m == 1.0f : m > 0.0f && m < 1.0f;
          direction[i] = of_kind ? (ns_random_uniform (&state) < 0.5 ? -1.0f : 1.0f) : 0.0f;
          analytic[kind] += (double) direction[i] * ((double) g1[i] - g0[i]);
        }
      const double eps = 1e-2;
      double side[2];
      for (int sign = 0; sign < 2; sign++)
        {
          for (size_t i = 0; i < n; i++)
            moved[i] = (float) (x[i] + (sign ? -eps : eps) * direction[i]);
          side[sign] = ns_objective_evaluate (&pulled, moved, NULL) -
                       ns_objective_evaluate (&plain, moved, NULL);
        }
      numeric[kind] = (side[0] - side[1]) / (2.0 * eps);
      largest = fmax (largest, fabs (analytic[kind]));
    }
  double worst = 0.0;
  for (int kind = 0; kind < 3; kind++)
    worst = fmax (worst, relative_error (numeric[kind], analytic[kind], 1e-6 * largest));
  snprintf (name, sizeof name,
            "pixel term in the objective (%s): directional derivatives vs finite differences "
            "over the pixels of mask 0 (%.3g, %.3g), soft (%.4g, %.4g) and 1 (%.4g, %.4g)",
            what, numeric[0], analytic[0], numeric[1], analytic[1], numeric[2], analytic[2]);
  report (worst < 1e-4 && analytic[0] == 0.0 && fabs (analytic[1]) > 0.0 && fabs (analytic[2]) > 0.0,
          name, worst, 1e-4);
  free (direction);
  free (moved);
  snprintf (name, sizeof name, "pixel term in the objective (%s): no gradient where the mask is 0",
            what);
  report (untouched, name, 0, 0);
  free (g0);
  free (g1);
  free (content);
  free (x);
  ns_image_clear (&target);
  ns_image_clear (&mask);
  ns_objective_clear (&plain);
  ns_objective_clear (&pulled);
  ns_weights_clear (&weights);
}

int
main (void)
{
  test_conv_forward ();
  test_conv_input_gradient ();
  test_maxpool ();
  test_gram_and_losses ();
  test_first_layer_with_relu ();
  test_total_loss (0);
  test_total_loss (1);
  test_anchor ();
  test_pixel_loss ();
  test_pixel_term_objective (0);
  test_pixel_term_objective (1);
  return tap_done ();
}
