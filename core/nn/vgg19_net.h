/* SPDX-License-Identifier: GPL-3.0-or-later */
/* VGG19's convolutional part, run forward and backward to its input for one
 * image size.  Only input gradients are computed, never weight gradients.
 * The 3x3 convolutions run as Winograd F(2x2, 3x3) or F(4x4, 3x3), forward
 * and backward alike (winograd.h), conv1_1's forward pass as a lowered
 * sgemm; all buffers are planned and allocated once, at init. */
#ifndef VGG19_NET_H
#define VGG19_NET_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "ns_budget.h"
#include "ns_error.h"
#include "ns_weights.h"
#include "vgg19_arch.h"

/* A mask of convs for ns_vgg19_net_options.keep: bit i is conv i. */
#define NS_VGG19_KEEP_ALL 0xffffu

/* How a network is built (ns_vgg19_net_options_init: keep all, tile 2). */
typedef struct
{
  unsigned keep;     /* bit i: keep conv i's ReLU output (see ns_vgg19_net_init_with) */
  int winograd_tile; /* 2 or 4: see winograd.h */
} ns_vgg19_net_options;

void ns_vgg19_net_options_init (ns_vgg19_net_options *options);

typedef struct
{
  const ns_weights *weights;
  int conv_count;                    /* convs run: the network is cut after the deepest in use */
  int planned_height, planned_width; /* the largest input its buffers hold */
  int height[NS_VGG19_CONV_COUNT];   /* spatial size at conv i, for the input it runs at */
  int width[NS_VGG19_CONV_COUNT];
  unsigned keep;                          /* bit i: activation[i] is kept */
  float *activation[NS_VGG19_CONV_COUNT]; /* ReLU output of conv i, C x H x W; NULL when not kept */
  /* For a conv not kept, what the backward pass needs of its ReLU output:
   * one bit per value, rows padded to whole 64-bit words: set where the
   * gradient passes (the value is positive; before a pool, the value is
   * also its window's first maximum). */
  uint64_t *mask[NS_VGG19_CONV_COUNT];
  float *input;                                 /* 3 x H x W, in the weights' input convention */
  float *pooled;                                /* a pool's output, the next conv's input */
  float *transient[2];                          /* outputs of convs not kept */
  float *gradient[2];                           /* ping-pong buffers of the backward pass */
  int winograd_tile;                            /* 2 or 4: see winograd.h */
  float *winograd_weights[NS_VGG19_CONV_COUNT]; /* transformed weights kept, or NULL */
  float *winograd_buffer;                       /* the others', made when needed */
  int winograd_buffer_layer;                    /* whose transformed weights it holds, or -1 */
  float *scratch;
  size_t scratch_floats;
  /* NULL, or a flag that, once set, makes the passes skip their remaining
   * layers (their results are then meaningless: see ns_vgg19_net_stopped) */
  const atomic_int *stop;
} ns_vgg19_net;

/* Plans and allocates every buffer for a height x width input; the network
 * runs conv1_1 … conv(conv_count-1) and keeps every ReLU output.  Fails with
 * NS_ERROR_NOMEM for a size that does not fit, NS_ERROR_ARGUMENT for one too
 * small to pool. */
ns_status ns_vgg19_net_init (ns_vgg19_net *net, const ns_weights *weights, int conv_count,
                             int height, int width, ns_error *err);

/* The same, with options: the ReLU outputs (net->activation[i]) are kept
 * only of the convs in options->keep (bit i = conv i); the others are not
 * stored, only the bits the backward pass needs of them, which at 512x512
 * and above saves most of the network's memory. */
ns_status ns_vgg19_net_init_with (ns_vgg19_net *net, const ns_weights *weights, int conv_count,
                                  int height, int width, const ns_vgg19_net_options *options,
                                  ns_error *err);
void ns_vgg19_net_clear (ns_vgg19_net *net);

/* Runs the network at a height x width input from now on (tiles of an
 * image): at most the size it was made for, at least one pixel after the
 * pools.  NS_ERROR_ARGUMENT otherwise. */
ns_status ns_vgg19_net_set_size (ns_vgg19_net *net, int height, int width, ns_error *err);

/* ns_vgg19_net_init_with in two steps: lays out every buffer for a
 * height x width input through budget, computing nothing (measuring, net's
 * pointers are placeholders, only for reading its shape); then, allocated,
 * takes the weights and computes what it keeps of them (the transformed
 * Winograd weights).  NS_ERROR_ARGUMENT when the weights hold fewer convs. */
ns_status ns_vgg19_net_lay_out (ns_vgg19_net *net, int conv_count, int height, int width,
                                const ns_vgg19_net_options *options, ns_budget *budget,
                                ns_error *err);
ns_status ns_vgg19_net_load (ns_vgg19_net *net, const ns_weights *weights, ns_error *err);

/* What ns_vgg19_net_lay_out takes, measured (SIZE_MAX for a size it
 * refuses). */
size_t ns_vgg19_net_measure (int conv_count, int height, int width,
                             const ns_vgg19_net_options *options);

/* Whether net->stop is set: a pass since then was cut short. */
int ns_vgg19_net_stopped (const ns_vgg19_net *net);

/* rgb: planar 3 x H x W R'G'B' in [0,1].  Fills net->activation (those kept). */
void ns_vgg19_net_forward (ns_vgg19_net *net, const float *rgb);

/* Adds the loss gradient at conv i's ReLU output (activation) into grad.
 * For a conv not kept, activation is NULL and nothing may be added. */
typedef void (*ns_vgg19_layer_gradient_fn) (int conv_index, const float *activation, float *grad,
                                            void *user_data);

/* Back-propagates from the ReLU outputs to the input after a forward pass:
 * add_gradient is called once per conv, deepest first; rgb_gradient receives
 * dLoss/d(rgb) as a planar 3 x H x W tensor. */
void ns_vgg19_net_backward (ns_vgg19_net *net, ns_vgg19_layer_gradient_fn add_gradient,
                            void *user_data, float *rgb_gradient);

#endif
