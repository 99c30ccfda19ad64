/* VGG19's convolutional part, run forward and backward to its input for one
 * image size.  Only input gradients are computed, never weight gradients. */
#ifndef VGG19_NET_H
#define VGG19_NET_H

#include <stddef.h>

#include "ns_error.h"
#include "vgg19_weights.h"

/* Index of conv i's ReLU output by its usual name ("relu4_2" -> 9), or -1. */
int vgg19_layer_index (const char *relu_name);
/* Whether a 2x2 max pool precedes conv i (conv2_1, conv3_1, conv4_1, conv5_1). */
int vgg19_pool_before (int conv_index);

typedef struct {
  const vgg19_weights *weights;
  int conv_count;                         /* convs run: the network is cut after the deepest in use */
  int height[VGG19_CONV_COUNT];           /* spatial size at conv i */
  int width[VGG19_CONV_COUNT];
  float *activation[VGG19_CONV_COUNT];    /* ReLU output of conv i, C x H x W */
  float *input;                           /* 3 x H x W, in the weights' input convention */
  float *pooled;                          /* a pool's output, the next conv's input */
  float *gradient[2];                     /* ping-pong buffers of the backward pass */
  float *input_gradient_weights[VGG19_CONV_COUNT]; /* see conv3x3_weights_for_input_gradient */
  float *scratch;
  size_t scratch_floats;
} vgg19_net;

/* Plans and allocates every buffer for a height x width input; the network
 * runs conv1_1 … conv(conv_count-1).  Fails with NS_ERROR_NOMEM for a size
 * that does not fit, NS_ERROR_ARGUMENT for one too small to pool. */
ns_status vgg19_net_init (vgg19_net *net, const vgg19_weights *weights, int conv_count,
                          int height, int width, ns_error *err);
void vgg19_net_free (vgg19_net *net);

/* Bytes vgg19_net_init would allocate (for planning and error messages). */
size_t vgg19_net_bytes (int conv_count, int height, int width);

/* rgb: planar 3 x H x W R'G'B' in [0,1].  Fills net->activation. */
void vgg19_net_forward (vgg19_net *net, const float *rgb);

/* Adds the loss gradient at conv i's ReLU output (activation) into grad. */
typedef void (*vgg19_layer_gradient_fn) (int conv_index, const float *activation,
                                         float *grad, void *user_data);

/* Back-propagates from the ReLU outputs to the input after a forward pass:
 * add_gradient is called once per conv, deepest first; rgb_gradient receives
 * dLoss/d(rgb) as a planar 3 x H x W tensor. */
void vgg19_net_backward (vgg19_net *net, vgg19_layer_gradient_fn add_gradient,
                         void *user_data, float *rgb_gradient);

#endif
