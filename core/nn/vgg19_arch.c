/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "vgg19_arch.h"

/* Each convolution's output channels and whether a pool precedes it.  A
 * convolution's input is the previous one's output (the image's 3 colours
 * for conv1_1); a pool keeps the channels. */
static const struct
{
  int out_channels;
  int pool_before;
} convs[NS_VGG19_CONV_COUNT] = {
  { 64, 0 },  { 64, 0 },                          /* conv1_1, conv1_2 */
  { 128, 1 }, { 128, 0 },                         /* conv2_1, conv2_2 */
  { 256, 1 }, { 256, 0 }, { 256, 0 }, { 256, 0 }, /* conv3_1 … conv3_4 */
  { 512, 1 }, { 512, 0 }, { 512, 0 }, { 512, 0 }, /* conv4_1 … conv4_4 */
  { 512, 1 }, { 512, 0 }, { 512, 0 }, { 512, 0 }, /* conv5_1 … conv5_4 */
};

static int
in_range (int conv_index)
{
  return conv_index >= 0 && conv_index < NS_VGG19_CONV_COUNT;
}

int
ns_vgg19_conv_in_channels (int conv_index)
{
  if (!in_range (conv_index))
    return 0;
  return conv_index == 0 ? 3 : convs[conv_index - 1].out_channels;
}

int
ns_vgg19_conv_out_channels (int conv_index)
{
  if (!in_range (conv_index))
    return 0;
  return convs[conv_index].out_channels;
}

int
ns_vgg19_conv_tensor_index (int conv_index)
{
  /* torchvision numbers the modules of vgg19().features in order: each
   * convolution and its ReLU take two indices, each pool one. */
  if (!in_range (conv_index))
    return -1;
  return 2 * conv_index + ns_vgg19_pools_before (conv_index);
}

int
ns_vgg19_pool_before (int conv_index)
{
  return in_range (conv_index) && convs[conv_index].pool_before;
}

int
ns_vgg19_pools_before (int conv_index)
{
  int pools = 0;
  for (int i = 1; i <= conv_index; i++)
    pools += ns_vgg19_pool_before (i);
  return pools;
}

int
ns_vgg19_receptive_field (int conv_index)
{
  /* each 3x3 conv widens it by 2 steps, each 2x2 pool by 1 and doubles the step */
  int field = 1, step = 1;
  for (int i = 0; i <= conv_index; i++)
    {
      if (ns_vgg19_pool_before (i))
        {
          field += step;
          step *= 2;
        }
      field += 2 * step;
    }
  return field;
}
