/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "vgg19_net.h"

#include "ns_assert.h"

#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conv3x3.h"
#include "cpu.h"
#include "maxpool2x2.h"
#include "winograd.h"

/* The transformed weights of convs up to this many channel pairs are
 * kept; larger ones would be made again before each use.  Keeping them all
 * costs less memory than remaking them costs time, most at the coarse
 * scales (docs/performance.md). */
#define WINOGRAD_KEEP_PAIRS (512 * 512)

void
ns_vgg19_net_options_init (ns_vgg19_net_options *options)
{
  options->keep = NS_VGG19_KEEP_ALL;
  /* F(2x2, 3x3) computes as exactly as PyTorch; F(4x4, 3x3) takes fewer
   * multiplies and rounds several times more (see winograd.h) */
  options->winograd_tile = 2;
}

/* Whether conv i's output goes through a pool (into a conv that is run). */
static int
pool_after (int conv_index, int conv_count)
{
  return conv_index + 1 < conv_count && ns_vgg19_pool_before (conv_index + 1);
}

static int
kept (unsigned keep, int conv_index)
{
  return (keep >> conv_index) & 1;
}

/* Whether conv i's backward pass overwrites its output gradient with its
 * input gradient (same channel count: see ns_winograd_conv_input_gradient). */
static int
backward_in_place (int conv_index)
{
  return ns_vgg19_conv_in_channels (conv_index) == ns_vgg19_conv_out_channels (conv_index);
}

typedef struct
{
  int height[NS_VGG19_CONV_COUNT], width[NS_VGG19_CONV_COUNT];
  size_t activation_floats[NS_VGG19_CONV_COUNT]; /* convs kept */
  size_t mask_words[NS_VGG19_CONV_COUNT];        /* convs not kept */
  int transient_slot[NS_VGG19_CONV_COUNT];       /* where a conv not kept writes, or -1 */
  int keep_winograd[NS_VGG19_CONV_COUNT];
  size_t pooled_floats, transient_floats[2], gradient_floats[2], scratch_floats;
  size_t winograd_kept_floats, winograd_buffer_floats;
} ns_vgg19_plan;

static void
ns_vgg19_plan_sizes (ns_vgg19_plan *plan, int conv_count, int height, int width, unsigned keep,
                     int tile)
{
  int h = height, w = width;
  memset (plan, 0, sizeof *plan);
  const int threads = omp_get_max_threads ();
  int input_slot = -1;
  for (int i = 0; i < conv_count; i++)
    {
      const int in_ch = ns_vgg19_conv_in_channels (i), out_ch = ns_vgg19_conv_out_channels (i);
      if (ns_vgg19_pool_before (i))
        {
          h /= 2;
          w /= 2;
          size_t pooled = (size_t) in_ch * h * w;
          if (pooled > plan->pooled_floats)
            plan->pooled_floats = pooled;
          input_slot = -1;
        }
      plan->height[i] = h;
      plan->width[i] = w;
      const size_t out_floats = (size_t) out_ch * h * w;
      plan->transient_slot[i] = -1;
      if (kept (keep, i))
        plan->activation_floats[i] = out_floats;
      else if (i > 0 && pool_after (i, conv_count))
        /* the pool is fused into the conv: only the pooled output is stored */
        plan->mask_words[i] = (size_t) out_ch * h * ns_maxpool2x2_mask_words (w);
      else
        {
          /* in place when its input is a transient of as many channels,
           * else the slot its input is not in */
          const int slot = input_slot == 0 && in_ch != out_ch ? 1 : 0;
          plan->transient_slot[i] = slot;
          if (out_floats > plan->transient_floats[slot])
            plan->transient_floats[slot] = out_floats;
          plan->mask_words[i] = (size_t) out_ch * h * ns_maxpool2x2_mask_words (w);
        }
      input_slot = plan->transient_slot[i];

      /* conv1_1 runs forward as a lowered sgemm (see ns_vgg19_net_forward),
       * the others and every backward conv as Winograd */
      size_t scratch = ns_winograd_scratch_floats (tile, out_ch, in_ch, h, w,
                                                   ns_winograd_block_rows (tile, out_ch, in_ch, h, w),
                                                   threads);
      if (i == 0)
        {
          /* lowering a few rows at a time is as fast as all at once */
          const size_t lowered = ns_conv3x3_scratch_floats_per_row (in_ch, w) * (h < 16 ? h : 16);
          if (lowered > scratch)
            scratch = lowered;
        }
      else
        {
          const size_t forward = ns_winograd_scratch_floats (tile, in_ch, out_ch, h, w,
                                                             ns_winograd_block_rows (tile, in_ch,
                                                                                     out_ch, h, w),
                                                             threads);
          if (forward > scratch)
            scratch = forward;
        }
      if (scratch > plan->scratch_floats)
        plan->scratch_floats = scratch;

      const size_t u = ns_winograd_weight_floats (tile, in_ch, out_ch);
      plan->keep_winograd[i] = in_ch * out_ch <= WINOGRAD_KEEP_PAIRS;
      if (plan->keep_winograd[i])
        plan->winograd_kept_floats += u;
      else if (u > plan->winograd_buffer_floats)
        plan->winograd_buffer_floats = u;
    }

  /* the backward pass, as ns_vgg19_net_backward runs it: the gradient buffer
   * that holds each step's result, and the largest each must hold */
  size_t need[2] = { 0, 0 };
  int cur = 0;
  for (int i = conv_count - 1; i >= 0; i--)
    {
      const size_t plane = (size_t) plan->height[i] * plan->width[i];
      const size_t out_floats = ns_vgg19_conv_out_channels (i) * plane;
      const size_t in_floats = ns_vgg19_conv_in_channels (i) * plane;
      if (out_floats > need[cur])
        need[cur] = out_floats;
      if (!backward_in_place (i))
        cur = 1 - cur;
      if (in_floats > need[cur])
        need[cur] = in_floats;
      if (ns_vgg19_pool_before (i))
        {
          cur = 1 - cur;
          const size_t before = ns_vgg19_conv_in_channels (i) * (size_t) plan->height[i - 1] *
                                plan->width[i - 1];
          if (before > need[cur])
            need[cur] = before;
        }
    }
  plan->gradient_floats[0] = need[0];
  plan->gradient_floats[1] = need[1];
}

static ns_status
check_size (int conv_count, int height, int width, ns_error *err)
{
  const int pools = ns_vgg19_pools_before (conv_count - 1);
  if ((height >> pools) < 1 || (width >> pools) < 1)
    return ns_error_set (
        err, NS_ERROR_ARGUMENT,
        "an image of %dx%d pixels is too small for %d poolings (at least %d pixels a side)", width,
        height, pools, 1 << pools);
  return NS_OK;
}

/* count items of size bytes through budget; NULL (and no request) for none */
static void *
lay (ns_budget *budget, size_t count, size_t size, int *ok)
{
  if (count == 0)
    return NULL;
  void *p = ns_budget_alloc (budget, count, size);
  if (!p)
    *ok = 0;
  return p;
}

ns_status
ns_vgg19_net_lay_out (ns_vgg19_net *net, int conv_count, int height, int width,
                      const ns_vgg19_net_options *options, ns_budget *budget, ns_error *err)
{
  memset (net, 0, sizeof *net);
  net->winograd_buffer_layer = -1;
  if (conv_count < 1 || conv_count > NS_VGG19_CONV_COUNT)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "%d convolutions: VGG19 has 1 to %d", conv_count,
                         NS_VGG19_CONV_COUNT);
  ns_status status = check_size (conv_count, height, width, err);
  if (status != NS_OK)
    return status;
  if (options->winograd_tile != 2 && options->winograd_tile != 4)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "Winograd tile %d: 2 or 4", options->winograd_tile);
  const unsigned keep = options->keep & ((1u << conv_count) - 1);
  const int tile = options->winograd_tile;
  ns_vgg19_plan plan;
  ns_vgg19_plan_sizes (&plan, conv_count, height, width, keep, tile);
  net->conv_count = conv_count;
  net->planned_height = height;
  net->planned_width = width;
  net->keep = keep;
  net->winograd_tile = tile;
  net->scratch_floats = plan.scratch_floats;
  const size_t f = sizeof (float);
  int ok = 1;
  net->input = lay (budget, 3 * (size_t) height * width, f, &ok);
  net->pooled = lay (budget, plan.pooled_floats, f, &ok);
  net->transient[0] = lay (budget, plan.transient_floats[0], f, &ok);
  net->transient[1] = lay (budget, plan.transient_floats[1], f, &ok);
  net->gradient[0] = lay (budget, plan.gradient_floats[0], f, &ok);
  net->gradient[1] = lay (budget, plan.gradient_floats[1], f, &ok);
  net->scratch = lay (budget, plan.scratch_floats, f, &ok);
  net->winograd_buffer = lay (budget, plan.winograd_buffer_floats, f, &ok);
  for (int i = 0; i < conv_count && ok; i++)
    {
      net->height[i] = plan.height[i];
      net->width[i] = plan.width[i];
      net->activation[i] = lay (budget, plan.activation_floats[i], f, &ok);
      net->mask[i] = lay (budget, plan.mask_words[i], sizeof (uint64_t), &ok);
      if (plan.keep_winograd[i])
        net->winograd_weights[i] = lay (budget,
                                        ns_winograd_weight_floats (tile, ns_vgg19_conv_in_channels (i),
                                                                   ns_vgg19_conv_out_channels (i)),
                                        f, &ok);
    }
  if (!ok && budget->measuring)
    return ns_error_set (err, NS_ERROR_NOMEM, "a %dx%d image's network is too large to count",
                         width, height);
  if (!ok)
    {
      ns_vgg19_net_clear (net);
      return ns_error_set (err, NS_ERROR_NOMEM,
                           "not enough memory for a %dx%d image (the network needs %.0f MiB)",
                           width, height,
                           ns_vgg19_net_measure (conv_count, height, width, options) / 1048576.0);
    }
  return NS_OK;
}

size_t
ns_vgg19_net_measure (int conv_count, int height, int width, const ns_vgg19_net_options *options)
{
  ns_budget budget = ns_budget_measuring ();
  ns_vgg19_net net;
  return ns_vgg19_net_lay_out (&net, conv_count, height, width, options, &budget, NULL) == NS_OK ?
             budget.held :
             SIZE_MAX;
}

ns_status
ns_vgg19_net_load (ns_vgg19_net *net, const ns_weights *weights, ns_error *err)
{
  if (net->conv_count > weights->conv_count)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the network needs %d convolutions but the weights hold %d",
                         net->conv_count, weights->conv_count);
  net->weights = weights;
  for (int i = 0; i < net->conv_count; i++)
    if (net->winograd_weights[i])
      {
        const ns_conv_weights *conv = &weights->conv[i];
        NS_ASSERT (conv->in_channels == ns_vgg19_conv_in_channels (i) &&
                   conv->out_channels == ns_vgg19_conv_out_channels (i));
        ns_winograd_transform_weights (net->winograd_tile, conv->weight, conv->out_channels,
                                       conv->in_channels, net->winograd_weights[i]);
      }
  return NS_OK;
}

ns_status
ns_vgg19_net_init_with (ns_vgg19_net *net, const ns_weights *weights, int conv_count, int height,
                        int width, const ns_vgg19_net_options *options, ns_error *err)
{
  memset (net, 0, sizeof *net);
  if (conv_count > weights->conv_count)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the network needs %d convolutions but the weights hold %d", conv_count,
                         weights->conv_count);
  ns_budget budget = ns_budget_allocating ();
  ns_status status = ns_vgg19_net_lay_out (net, conv_count, height, width, options, &budget, err);
  if (status == NS_OK)
    status = ns_vgg19_net_load (net, weights, err);
  if (status != NS_OK)
    ns_vgg19_net_clear (net);
  return status;
}

ns_status
ns_vgg19_net_init (ns_vgg19_net *net, const ns_weights *weights, int conv_count, int height,
                   int width, ns_error *err)
{
  ns_vgg19_net_options options;
  ns_vgg19_net_options_init (&options);
  return ns_vgg19_net_init_with (net, weights, conv_count, height, width, &options, err);
}

void
ns_vgg19_net_clear (ns_vgg19_net *net)
{
  for (int i = 0; i < NS_VGG19_CONV_COUNT; i++)
    {
      free (net->activation[i]);
      free (net->mask[i]);
      free (net->winograd_weights[i]);
    }
  free (net->input);
  free (net->pooled);
  free (net->transient[0]);
  free (net->transient[1]);
  free (net->gradient[0]);
  free (net->gradient[1]);
  free (net->scratch);
  free (net->winograd_buffer);
  memset (net, 0, sizeof *net);
  net->winograd_buffer_layer = -1;
}

ns_status
ns_vgg19_net_set_size (ns_vgg19_net *net, int height, int width, ns_error *err)
{
  NS_ASSERT (net && net->weights);
  if (height > net->planned_height || width > net->planned_width)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "a %dx%d input does not fit a network made for %dx%d", width, height,
                         net->planned_width, net->planned_height);
  ns_status status = check_size (net->conv_count, height, width, err);
  if (status != NS_OK)
    return status;
  /* every buffer's size grows with the height and the width (the Winograd
   * kernels fit their blocks to the scratch given), so the plan for the
   * larger size holds this one */
  int h = height, w = width;
  for (int i = 0; i < net->conv_count; i++)
    {
      if (ns_vgg19_pool_before (i))
        {
          h /= 2;
          w /= 2;
        }
      net->height[i] = h;
      net->width[i] = w;
    }
  return NS_OK;
}

/* Conv i's transformed weights: kept, or made into the shared buffer. */
static const float *
winograd_weights_of (ns_vgg19_net *net, int i)
{
  if (net->winograd_weights[i])
    return net->winograd_weights[i];
  if (net->winograd_buffer_layer != i)
    {
      const ns_conv_weights *conv = &net->weights->conv[i];
      ns_winograd_transform_weights (net->winograd_tile, conv->weight, conv->out_channels,
                                     conv->in_channels, net->winograd_buffer);
      net->winograd_buffer_layer = i;
    }
  return net->winograd_buffer;
}

/* mask bit = (value > 0), for a channels x height x width tensor */
static void
relu_mask (const float *values, int channels, int height, int width, uint64_t *mask)
{
  const size_t words = ns_maxpool2x2_mask_words (width);
#pragma omp parallel for schedule(static)
  for (int r = 0; r < channels * height; r++)
    {
      const float *v = values + (size_t) r * width;
      uint64_t *m = mask + (size_t) r * words;
      for (size_t k = 0; k < words; k++)
        {
          const int x0 = (int) k * 64, n = width - x0 < 64 ? width - x0 : 64;
          uint64_t bits = 0;
          for (int x = 0; x < n; x++)
            bits |= (uint64_t) (v[x0 + x] > 0.0f) << x;
          m[k] = bits;
        }
    }
}

/* One row of apply_mask: 16-lane GCC vectors, built for AVX-512 and AVX2
 * too where GCC can, chosen by the CPU dispatch (cpu.h). */
static inline __attribute__ ((always_inline)) void
apply_mask_row_body (float *v, const uint64_t *m, int width)
{
  typedef int i16u __attribute__ ((vector_size (64), aligned (4), may_alias));
  int x = 0;
  for (; x + 16 <= width; x += 16)
    {
      const int bits = (int) ((m[x / 64] >> (x % 64)) & 0xffff);
      if (bits == 0xffff)
        continue;
      ns_maxpool2x2_mask_lanes on;
      ns_maxpool2x2_lanes_of_bits (bits, &on);
      *(i16u *) (v + x) &= on;
    }
  for (; x < width; x++)
    if (!((m[x / 64] >> (x % 64)) & 1))
      v[x] = 0.0f;
}

typedef void (*apply_mask_row_fn) (float *, const uint64_t *, int);

#define APPLY_MASK_ROW_VARIANT(suffix, target)                                        \
  target static void apply_mask_row_##suffix (float *v, const uint64_t *m, int width) \
  {                                                                                   \
    apply_mask_row_body (v, m, width);                                                \
  }

#ifdef NS_CPU_X86
APPLY_MASK_ROW_VARIANT (avx512, NS_TARGET_AVX512)
APPLY_MASK_ROW_VARIANT (avx2, NS_TARGET_AVX2)
#endif
APPLY_MASK_ROW_VARIANT (generic, )

static apply_mask_row_fn
apply_mask_row_kernel (void)
{
  return NS_CPU_PICK (apply_mask_row_avx512, apply_mask_row_avx2, apply_mask_row_generic);
}

/* values = 0 where the mask bit is clear */
static void
apply_mask (float *values, int channels, int height, int width, const uint64_t *mask)
{
  const size_t words = ns_maxpool2x2_mask_words (width);
  const apply_mask_row_fn apply_mask_row = apply_mask_row_kernel ();
#pragma omp parallel for schedule(static)
  for (int r = 0; r < channels * height; r++)
    apply_mask_row (values + (size_t) r * width, mask + (size_t) r * words, width);
}

int
ns_vgg19_net_stopped (const ns_vgg19_net *net)
{
  return net->stop && atomic_load_explicit (net->stop, memory_order_relaxed) != 0;
}

void
ns_vgg19_net_forward (ns_vgg19_net *net, const float *rgb)
{
  NS_ASSERT (net && net->weights && rgb);
  const ns_input_convention *in = &net->weights->input;
  const size_t plane = (size_t) net->height[0] * net->width[0];

  for (int k = 0; k < 3; k++)
    {
      const float *src = rgb + (size_t) in->rgb_index[k] * plane;
      float *dst = net->input + (size_t) k * plane;
      const float scale = in->range / in->std[k], offset = in->mean[k] / in->std[k];
      for (size_t i = 0; i < plane; i++)
        dst[i] = scale * src[i] - offset;
    }

  const float *x = net->input;
  for (int i = 0; i < net->conv_count && !ns_vgg19_net_stopped (net); i++)
    {
      const ns_conv_weights *conv = &net->weights->conv[i];
      const int h = net->height[i], w = net->width[i];
      if (ns_vgg19_pool_before (i))
        {
          /* (a conv not kept pooled its output itself) */
          if (net->activation[i - 1])
            ns_maxpool2x2_forward (x, conv->in_channels, net->height[i - 1], net->width[i - 1],
                                   net->pooled);
          else if (i - 1 == 0)
            ns_maxpool2x2_forward_mask (x, conv->in_channels, net->height[i - 1], net->width[i - 1],
                                        net->pooled, net->mask[i - 1]);
          x = net->pooled;
        }
      const int fused_pool = !net->activation[i] && i > 0 && pool_after (i, net->conv_count);
      /* a conv not kept writes into a transient buffer, in place when its
       * input is one (as ns_vgg19_plan_sizes planned) */
      float *out =
          net->activation[i] ?
              net->activation[i] :
          fused_pool ?
              NULL :
              net->transient[x == net->transient[0] && conv->in_channels != conv->out_channels];
      if (i == 0)
        {
          /* three input channels of values up to +-150 (Caffe's convention):
           * the lowered sgemm is exact where Winograd's transforms would lose
           * digits, and this conv is 0.5% of the work */
          ns_conv3x3_forward (x, conv->in_channels, h, w, conv->weight, conv->bias,
                              conv->out_channels, 1, out, net->scratch, net->scratch_floats);
          if (!net->activation[i] && !pool_after (i, net->conv_count))
            relu_mask (out, conv->out_channels, h, w, net->mask[i]);
        }
      else if (net->activation[i])
        ns_winograd_conv_forward (net->winograd_tile, x, conv->in_channels, h, w,
                                  winograd_weights_of (net, i), conv->bias, conv->out_channels, 1,
                                  out, net->scratch, net->scratch_floats);
      else
        ns_winograd_conv_forward_masked (net->winograd_tile, x, conv->in_channels, h, w,
                                         winograd_weights_of (net, i), conv->bias,
                                         conv->out_channels, out, fused_pool ? net->pooled : NULL,
                                         net->mask[i], net->scratch, net->scratch_floats);
      x = out;
    }
}

void
ns_vgg19_net_backward (ns_vgg19_net *net, ns_vgg19_layer_gradient_fn add_gradient, void *user_data,
                       float *rgb_gradient)
{
  NS_ASSERT (net && add_gradient && rgb_gradient);
  float *grad = net->gradient[0], *spare = net->gradient[1];
  const int last = net->conv_count - 1;
  memset (grad, 0,
          sizeof (float) * ns_vgg19_conv_out_channels (last) * (size_t) net->height[last] *
              net->width[last]);

  for (int i = last; i >= 0; i--)
    {
      if (ns_vgg19_net_stopped (net))
        return;
      const ns_conv_weights *conv = &net->weights->conv[i];
      const int h = net->height[i], w = net->width[i];
      const float *a = net->activation[i];

      add_gradient (i, a, grad, user_data);
      /* The ReLU: the gradient passes where the output is positive.  For a
       * conv kept, that is fused into the convolution's input transform; a
       * conv not kept has a mask of bits, which before a pool the pool's
       * backward pass has applied already. */
      if (!a && !pool_after (i, net->conv_count))
        apply_mask (grad, conv->out_channels, h, w, net->mask[i]);
      const int tile = net->winograd_tile;
      const float *u = winograd_weights_of (net, i);
      float *swap;
      if (backward_in_place (i))
        ns_winograd_conv_input_gradient (tile, grad, a, conv->out_channels, h, w, u,
                                         conv->in_channels, grad, net->scratch, net->scratch_floats);
      else
        {
          ns_winograd_conv_input_gradient (tile, grad, a, conv->out_channels, h, w, u,
                                           conv->in_channels, spare, net->scratch,
                                           net->scratch_floats);
          swap = grad;
          grad = spare;
          spare = swap;
        }

      if (ns_vgg19_pool_before (i))
        {
          if (net->activation[i - 1])
            ns_maxpool2x2_backward (net->activation[i - 1], conv->in_channels, net->height[i - 1],
                                    net->width[i - 1], grad, spare);
          else
            ns_maxpool2x2_backward_mask (net->mask[i - 1], conv->in_channels, net->height[i - 1],
                                         net->width[i - 1], grad, spare);
          swap = grad;
          grad = spare;
          spare = swap;
        }
    }

  /* through the input normalisation back to R'G'B' */
  const ns_input_convention *in = &net->weights->input;
  const size_t plane = (size_t) net->height[0] * net->width[0];
  for (int k = 0; k < 3; k++)
    {
      const float *src = grad + (size_t) k * plane;
      float *dst = rgb_gradient + (size_t) in->rgb_index[k] * plane;
      const float scale = in->range / in->std[k];
      for (size_t i = 0; i < plane; i++)
        dst[i] = scale * src[i];
    }
}
