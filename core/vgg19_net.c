#include "vgg19_net.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conv3x3.h"
#include "maxpool2x2.h"

/* Lowering more rows at once than this buys little and costs memory. */
#define SCRATCH_BUDGET_FLOATS ((size_t) 8 << 20)

static const char *const relu_names[VGG19_CONV_COUNT] = {
  "relu1_1", "relu1_2",
  "relu2_1", "relu2_2",
  "relu3_1", "relu3_2", "relu3_3", "relu3_4",
  "relu4_1", "relu4_2", "relu4_3", "relu4_4",
  "relu5_1", "relu5_2", "relu5_3", "relu5_4",
};

int
vgg19_layer_index (const char *relu_name)
{
  for (int i = 0; i < VGG19_CONV_COUNT; i++)
    if (strcmp (relu_names[i], relu_name) == 0)
      return i;
  return -1;
}

int
vgg19_pool_before (int conv_index)
{
  return conv_index == 2 || conv_index == 4 || conv_index == 8 || conv_index == 12;
}

typedef struct {
  int height[VGG19_CONV_COUNT], width[VGG19_CONV_COUNT];
  size_t activation_floats[VGG19_CONV_COUNT];
  size_t pooled_floats, gradient_floats, scratch_floats, flipped_floats;
} vgg19_plan;

static void
vgg19_plan_sizes (vgg19_plan *plan, int conv_count, int height, int width)
{
  int h = height, w = width;
  memset (plan, 0, sizeof *plan);
  size_t min_scratch = 0;
  for (int i = 0; i < conv_count; i++)
    {
      const size_t in_ch = vgg19_conv_in_channels (i), out_ch = vgg19_conv_out_channels (i);
      if (vgg19_pool_before (i))
        {
          h /= 2;
          w /= 2;
          size_t pooled = in_ch * h * w;
          if (pooled > plan->pooled_floats)
            plan->pooled_floats = pooled;
        }
      plan->height[i] = h;
      plan->width[i] = w;
      plan->activation_floats[i] = out_ch * h * w;
      /* backward at conv i holds its output gradient, its input gradient and,
       * across a pool, the gradient at the previous (larger) layer */
      size_t biggest = (out_ch > in_ch ? out_ch : in_ch) * h * w;
      if (vgg19_pool_before (i))
        {
          size_t before = in_ch * plan->height[i - 1] * plan->width[i - 1];
          if (before > biggest)
            biggest = before;
        }
      if (biggest > plan->gradient_floats)
        plan->gradient_floats = biggest;
      /* backward runs a conv with out_ch inputs */
      size_t row = conv3x3_scratch_floats_per_row ((int) (in_ch > out_ch ? in_ch : out_ch), w);
      if (row > min_scratch)
        min_scratch = row;
      size_t whole = row * h;
      if (whole > plan->scratch_floats)
        plan->scratch_floats = whole;
      plan->flipped_floats += in_ch * out_ch * 9;
    }
  if (plan->scratch_floats > SCRATCH_BUDGET_FLOATS)
    plan->scratch_floats = SCRATCH_BUDGET_FLOATS;
  if (plan->scratch_floats < min_scratch)
    plan->scratch_floats = min_scratch;
}

size_t
vgg19_net_bytes (int conv_count, int height, int width)
{
  vgg19_plan plan;
  vgg19_plan_sizes (&plan, conv_count, height, width);
  size_t floats = 3 * (size_t) height * width + plan.pooled_floats
                  + 2 * plan.gradient_floats + plan.scratch_floats + plan.flipped_floats;
  for (int i = 0; i < conv_count; i++)
    floats += plan.activation_floats[i];
  return floats * sizeof (float);
}

ns_status
vgg19_net_init (vgg19_net *net, const vgg19_weights *weights, int conv_count,
                int height, int width, ns_error *err)
{
  memset (net, 0, sizeof *net);
  if (conv_count < 1 || conv_count > weights->conv_count)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the network needs %d convolutions but the weights hold %d",
                         conv_count, weights->conv_count);
  int pools = 0;
  for (int i = 0; i < conv_count; i++)
    pools += vgg19_pool_before (i);
  if ((height >> pools) < 1 || (width >> pools) < 1)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "an image of %dx%d pixels is too small for %d poolings (at least %d pixels a side)",
                         width, height, pools, 1 << pools);

  vgg19_plan plan;
  vgg19_plan_sizes (&plan, conv_count, height, width);
  net->weights = weights;
  net->conv_count = conv_count;
  net->scratch_floats = plan.scratch_floats;
  net->input = malloc (sizeof (float) * 3 * (size_t) height * width);
  net->pooled = plan.pooled_floats ? malloc (sizeof (float) * plan.pooled_floats) : NULL;
  net->gradient[0] = malloc (sizeof (float) * plan.gradient_floats);
  net->gradient[1] = malloc (sizeof (float) * plan.gradient_floats);
  net->scratch = malloc (sizeof (float) * plan.scratch_floats);
  int ok = net->input && (net->pooled || !plan.pooled_floats) && net->gradient[0]
           && net->gradient[1] && net->scratch;
  for (int i = 0; i < conv_count && ok; i++)
    {
      net->height[i] = plan.height[i];
      net->width[i] = plan.width[i];
      net->activation[i] = malloc (sizeof (float) * plan.activation_floats[i]);
      const conv3x3_weights *conv = &weights->conv[i];
      net->input_gradient_weights[i] = malloc (sizeof (float) * 9 * conv->in_channels * conv->out_channels);
      ok = net->activation[i] && net->input_gradient_weights[i];
      if (ok)
        conv3x3_weights_for_input_gradient (conv->weight, conv->out_channels, conv->in_channels,
                                            net->input_gradient_weights[i]);
    }
  if (!ok)
    {
      vgg19_net_free (net);
      return ns_error_set (err, NS_ERROR_NOMEM,
                           "not enough memory for a %dx%d image (the network needs %.0f MiB)",
                           width, height, vgg19_net_bytes (conv_count, height, width) / 1048576.0);
    }
  return NS_OK;
}

void
vgg19_net_free (vgg19_net *net)
{
  for (int i = 0; i < VGG19_CONV_COUNT; i++)
    {
      free (net->activation[i]);
      free (net->input_gradient_weights[i]);
    }
  free (net->input);
  free (net->pooled);
  free (net->gradient[0]);
  free (net->gradient[1]);
  free (net->scratch);
  memset (net, 0, sizeof *net);
}

void
vgg19_net_forward (vgg19_net *net, const float *rgb)
{
  const vgg19_input_convention *in = &net->weights->input;
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
  for (int i = 0; i < net->conv_count; i++)
    {
      const conv3x3_weights *conv = &net->weights->conv[i];
      if (vgg19_pool_before (i))
        {
          maxpool2x2_forward (net->activation[i - 1], conv->in_channels,
                              net->height[i - 1], net->width[i - 1], net->pooled);
          x = net->pooled;
        }
      conv3x3_forward (x, conv->in_channels, net->height[i], net->width[i],
                       conv->weight, conv->bias, conv->out_channels, 1,
                       net->activation[i], net->scratch, net->scratch_floats);
      x = net->activation[i];
    }
}

void
vgg19_net_backward (vgg19_net *net, vgg19_layer_gradient_fn add_gradient,
                    void *user_data, float *rgb_gradient)
{
  float *grad = net->gradient[0], *spare = net->gradient[1];
  const int last = net->conv_count - 1;
  memset (grad, 0, sizeof (float) * vgg19_conv_out_channels (last)
                   * (size_t) net->height[last] * net->width[last]);

  for (int i = last; i >= 0; i--)
    {
      const conv3x3_weights *conv = &net->weights->conv[i];
      const size_t count = (size_t) conv->out_channels * net->height[i] * net->width[i];
      const float *a = net->activation[i];

      add_gradient (i, a, grad, user_data);
      /* ReLU: the gradient passes where the output is positive */
      #pragma omp parallel for schedule(static)
      for (size_t j = 0; j < count; j++)
        if (!(a[j] > 0.0f))
          grad[j] = 0.0f;

      conv3x3_forward (grad, conv->out_channels, net->height[i], net->width[i],
                       net->input_gradient_weights[i], NULL, conv->in_channels, 0,
                       spare, net->scratch, net->scratch_floats);
      float *swap = grad;
      grad = spare;
      spare = swap;

      if (vgg19_pool_before (i))
        {
          maxpool2x2_backward (net->activation[i - 1], conv->in_channels,
                               net->height[i - 1], net->width[i - 1], grad, spare);
          swap = grad;
          grad = spare;
          spare = swap;
        }
    }

  /* through the input normalisation back to R'G'B' */
  const vgg19_input_convention *in = &net->weights->input;
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
