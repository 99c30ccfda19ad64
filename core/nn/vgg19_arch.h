/* SPDX-License-Identifier: GPL-3.0-or-later */
/* VGG19's convolutional part as torchvision's vgg19().features lays it out:
 * sixteen 3x3 convolutions, each followed by a ReLU, and four 2x2 max pools.
 * This is the one place that states it; the channel counts and the tensor
 * names' indices are answered through include/ns_weights.h, the rest here. */
#ifndef VGG19_ARCH_H
#define VGG19_ARCH_H

#include "ns_weights.h"

/* Whether a 2x2 max pool precedes conv i (conv2_1, conv3_1, conv4_1, conv5_1). */
int ns_vgg19_pool_before (int conv_index);
/* How many pools precede conv i: its feature maps are 2^that smaller. */
int ns_vgg19_pools_before (int conv_index);
/* The receptive field of conv i's ReLU output, in input pixels a side. */
int ns_vgg19_receptive_field (int conv_index);

#endif
