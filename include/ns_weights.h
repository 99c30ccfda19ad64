/* SPDX-License-Identifier: GPL-3.0-or-later */
/* VGG19's sixteen 3x3 convolutions, loaded from a safetensors file whose
 * tensors are named like torchvision's vgg19().features
 * (features.0.weight … features.34.bias, weights F32/F16/BF16 in OIHW),
 * and written back as a file of those convolutions only (ns_weights_convert). */
#ifndef NS_WEIGHTS_H
#define NS_WEIGHTS_H

#include <stddef.h>

#include "ns_error.h"

#define NS_VGG19_CONV_COUNT 16

/* How a pixel of the network input is made from an R'G'B' value v in [0,1]:
 * for network channel k, reading colour channel rgb_index[k],
 *   input_k = (range * v - mean[k]) / std[k].
 * Caffe's weights (metadata present): BGR, range 255, mean 103.939,116.779,123.68, std 1.
 * torchvision's (no metadata): RGB, range 1, mean 0.485,0.456,0.406, std 0.229,0.224,0.225. */
typedef struct
{
  int rgb_index[3];
  float range;
  float mean[3];
  float std[3];
} ns_input_convention;

typedef struct
{
  int in_channels;
  int out_channels;
  float *weight; /* out_channels * in_channels * 9, OIHW */
  float *bias;   /* out_channels */
} ns_conv_weights;

typedef struct
{
  ns_input_convention input;
  int conv_count; /* leading convolutions loaded */
  ns_conv_weights conv[NS_VGG19_CONV_COUNT];
} ns_weights;

/* Channel counts of conv i (0 = conv1_1 … 15 = conv5_4). */
int ns_vgg19_conv_in_channels (int conv_index);
int ns_vgg19_conv_out_channels (int conv_index);
/* The tensor index in torchvision's features.N naming. */
int ns_vgg19_conv_tensor_index (int conv_index);

/* Loads the first conv_count convolutions (1..16) and the input convention.
 * Every failure (missing file, truncated data, bad header, wrong shapes,
 * missing tensors, NaN/Inf values, unknown dtypes) returns an error whose
 * message names the file and the problem; on error *weights holds nothing. */
ns_status ns_weights_load (ns_weights *weights, const char *path, int conv_count, ns_error *err);
void ns_weights_clear (ns_weights *weights);

/* The weights file's name, the environment variable that names one, and
 * the folder in the user's data folder where neural-style-get-weights
 * stores it. */
#define NS_WEIGHTS_FILE_NAME "vgg19-conv.safetensors"
#define NS_WEIGHTS_ENV "NEURAL_STYLE_WEIGHTS"
#define NS_WEIGHTS_DATA_DIR "gimp-neural-style"

/* Where a run's weights file was found, in the order looked at. */
typedef enum
{
  NS_WEIGHTS_GIVEN,       /* the one the user gave (--weights, the weights-file argument) */
  NS_WEIGHTS_ENVIRONMENT, /* $NEURAL_STYLE_WEIGHTS */
  NS_WEIGHTS_BESIDE,      /* NS_WEIGHTS_FILE_NAME in the folder given (the plug-in's own) */
  NS_WEIGHTS_USER_DATA,   /* where neural-style-get-weights stores it */
  NS_WEIGHTS_NONE
} ns_weights_place;

/* The weights file a run uses, written to path: given when not empty,
 * else $NEURAL_STYLE_WEIGHTS when set and not empty (these two whether or
 * not the file exists: the load's error names it), else the file in
 * beside_dir (unless NULL) if it exists, else
 * ${XDG_DATA_HOME:-$HOME/.local/share}/gimp-neural-style/vgg19-conv.safetensors
 * if it exists.  NS_WEIGHTS_NONE leaves in path that last place looked at,
 * or "" when neither variable is set (or a path does not fit in size). */
ns_weights_place ns_weights_find (const char *given, const char *beside_dir, char *path, size_t size);

typedef enum
{
  NS_WEIGHTS_F16,
  NS_WEIGHTS_F32
} ns_weights_dtype;

/* Writes the sixteen convolutions of the VGG19 weights file in_path to
 * out_path as a safetensors file of dtype holding nothing else (no
 * classifier), with an "__metadata__" that states the input convention:
 * in_path's metadata, or torchvision's convention written out when in_path
 * states none.  in_path is checked as ns_weights_load checks it.  F16 is
 * rounded to nearest, ties to even; a value beyond F16's range (65504) is
 * refused, naming the tensor.  out_path is written under a temporary name in
 * its folder and renamed at the end: on any failure it is as it was, and err
 * names the file at fault. */
ns_status ns_weights_convert (const char *in_path, const char *out_path, ns_weights_dtype dtype,
                              ns_error *err);

#endif
