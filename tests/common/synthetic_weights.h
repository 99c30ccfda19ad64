/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Random VGG19 weights for tests that need the network's mechanics, not its
 * training: He-initialised kernels, small biases, Caffe's input convention. */
#ifndef SYNTHETIC_WEIGHTS_H
#define SYNTHETIC_WEIGHTS_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "random.h"
#include "ns_weights.h"

/* Fills weights with conv_count random convolutions; returns 0 on allocation
 * failure.  ns_weights_clear releases them. */
static inline int
synthetic_weights_make (ns_weights *weights, int conv_count, uint64_t seed)
{
  ns_random rng;
  ns_random_seed (&rng, seed);
  static const float caffe_mean[3] = { 103.939f, 116.779f, 123.68f };
  weights->conv_count = conv_count;
  for (int k = 0; k < 3; k++)
    {
      weights->input.rgb_index[k] = 2 - k;
      weights->input.mean[k] = caffe_mean[k];
      weights->input.std[k] = 1.0f;
    }
  weights->input.range = 255.0f;
  for (int i = 0; i < NS_VGG19_CONV_COUNT; i++)
    {
      ns_conv_weights *conv = &weights->conv[i];
      conv->weight = conv->bias = NULL;
      conv->in_channels = ns_vgg19_conv_in_channels (i);
      conv->out_channels = ns_vgg19_conv_out_channels (i);
      if (i >= conv_count)
        continue;
      const size_t count = (size_t) conv->in_channels * conv->out_channels * 9;
      conv->weight = malloc (sizeof (float) * count);
      conv->bias = malloc (sizeof (float) * conv->out_channels);
      if (!conv->weight || !conv->bias)
        return 0;
      /* the first layer sees inputs of about +-128: scale it down to keep activations O(1) */
      const double std = sqrt (2.0 / (9.0 * conv->in_channels)) / (i == 0 ? 64.0 : 1.0);
      for (size_t j = 0; j < count; j++)
        conv->weight[j] = (float) (std * ns_random_normal (&rng));
      for (int j = 0; j < conv->out_channels; j++)
        conv->bias[j] = (float) (0.05 * ns_random_normal (&rng));
    }
  return 1;
}

#endif
