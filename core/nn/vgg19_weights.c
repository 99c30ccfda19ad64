/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loads VGG19's convolutions and input convention from a safetensors file.
 * Tensors are read one by one, so a file that also holds the classifier
 * (torchvision's 575 MB one) costs only the convolutions' memory.
 * ns_weights_convert writes them back alone, as F16 (40 MB) or F32. */
#include "ns_weights.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_convention.h"
#include "safetensors.h"
#include "vgg19_arch.h"

/* ---- convolutions ---- */

/* Finds tensor features.<index>.<part> and checks its shape against the
 * rank dimensions in expected. */
static ns_status
find_tensor (const ns_safetensors_file *file, const char *path, int tensor_index, const char *part,
             const uint64_t *expected, int rank, const ns_safetensors_tensor **found, ns_error *err)
{
  const ns_safetensors_tensor *tensor;
  char name[64];
  int matches, d;

  snprintf (name, sizeof name, "features.%d.%s", tensor_index, part);
  tensor = ns_safetensors_find (file, name);
  if (!tensor)
    return ns_error_set (err, NS_ERROR_FORMAT, "%s: %s is missing", path, name);

  matches = tensor->rank == rank;
  for (d = 0; matches && d < rank; d++)
    matches = tensor->shape[d] == expected[d];
  if (!matches)
    {
      ns_safetensors_tensor wanted;
      char actual_text[128], expected_text[128];

      memset (&wanted, 0, sizeof wanted);
      wanted.rank = rank;
      memcpy (wanted.shape, expected, (size_t) rank * sizeof *expected);
      ns_safetensors_format_shape (tensor, actual_text, sizeof actual_text);
      ns_safetensors_format_shape (&wanted, expected_text, sizeof expected_text);
      return ns_error_set (err, NS_ERROR_FORMAT, "%s: %s has shape %s, expected %s", path, name,
                           actual_text, expected_text);
    }
  *found = tensor;
  return NS_OK;
}

static ns_status
load_conv (ns_safetensors_file *file, const char *path, int conv_index, ns_conv_weights *conv,
           ns_error *err)
{
  int in = ns_vgg19_conv_in_channels (conv_index);
  int out = ns_vgg19_conv_out_channels (conv_index);
  int index = ns_vgg19_conv_tensor_index (conv_index);
  uint64_t weight_shape[4] = { (uint64_t) out, (uint64_t) in, 3, 3 };
  uint64_t bias_shape[1] = { (uint64_t) out };
  const ns_safetensors_tensor *weight, *bias;
  size_t weight_count = (size_t) out * (size_t) in * 9;
  ns_status status;

  status = find_tensor (file, path, index, "weight", weight_shape, 4, &weight, err);
  if (status != NS_OK)
    return status;
  status = find_tensor (file, path, index, "bias", bias_shape, 1, &bias, err);
  if (status != NS_OK)
    return status;

  conv->in_channels = in;
  conv->out_channels = out;
  conv->weight = malloc (weight_count * sizeof *conv->weight);
  conv->bias = malloc ((size_t) out * sizeof *conv->bias);
  if (!conv->weight || !conv->bias)
    return ns_error_set (err, NS_ERROR_NOMEM, "%s: out of memory for the weights of conv %d", path,
                         conv_index);
  status = ns_safetensors_read_f32 (file, weight, conv->weight, weight_count, err);
  if (status != NS_OK)
    return status;
  return ns_safetensors_read_f32 (file, bias, conv->bias, (size_t) out, err);
}

ns_status
ns_weights_load (ns_weights *weights, const char *path, int conv_count, ns_error *err)
{
  ns_safetensors_file file;
  ns_status status;
  int i;

  memset (weights, 0, sizeof *weights);
  if (conv_count < 1 || conv_count > NS_VGG19_CONV_COUNT)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "cannot load %d convolutions: VGG19 has 1 to %d",
                         conv_count, NS_VGG19_CONV_COUNT);

  status = ns_safetensors_open (&file, path, err);
  if (status != NS_OK)
    return status;

  status = ns_input_convention_read (&file, path, &weights->input, err);
  for (i = 0; i < conv_count && status == NS_OK; i++)
    status = load_conv (&file, path, i, &weights->conv[i], err);
  ns_safetensors_close (&file);

  if (status != NS_OK)
    {
      ns_weights_clear (weights);
      return status;
    }
  weights->conv_count = conv_count;
  return NS_OK;
}

void
ns_weights_clear (ns_weights *weights)
{
  int i;

  if (!weights)
    return;
  for (i = 0; i < NS_VGG19_CONV_COUNT; i++)
    {
      free (weights->conv[i].weight);
      free (weights->conv[i].bias);
    }
  memset (weights, 0, sizeof *weights);
}

/* ---- conversion ---- */

ns_status
ns_weights_convert (const char *in_path, const char *out_path, ns_weights_dtype dtype, ns_error *err)
{
  ns_safetensors_output_tensor tensors[2 * NS_VGG19_CONV_COUNT];
  char names[2 * NS_VGG19_CONV_COUNT][32];
  ns_safetensors_metadata_entry *metadata;
  ns_safetensors_file in_file;
  ns_weights weights;
  size_t metadata_count = 0;
  ns_status status;
  int i;

  if (dtype != NS_WEIGHTS_F16 && dtype != NS_WEIGHTS_F32)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "cannot convert weights to dtype %d", (int) dtype);
  if (!out_path || !*out_path)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "no output file given");
  /* All the loader's checks (names, shapes, finite values, the convention)
   * before anything is written. */
  status = ns_weights_load (&weights, in_path, NS_VGG19_CONV_COUNT, err);
  if (status != NS_OK)
    return status;
  status = ns_safetensors_open (&in_file, in_path, err);
  if (status != NS_OK)
    {
      ns_weights_clear (&weights);
      return status;
    }

  memset (tensors, 0, sizeof tensors);
  for (i = 0; i < NS_VGG19_CONV_COUNT; i++)
    {
      const ns_conv_weights *conv = &weights.conv[i];
      ns_safetensors_output_tensor *weight = &tensors[2 * i], *bias = &tensors[2 * i + 1];
      const int index = ns_vgg19_conv_tensor_index (i);

      snprintf (names[2 * i], sizeof names[2 * i], "features.%d.weight", index);
      snprintf (names[2 * i + 1], sizeof names[2 * i + 1], "features.%d.bias", index);
      weight->name = names[2 * i];
      bias->name = names[2 * i + 1];
      weight->dtype = bias->dtype = dtype == NS_WEIGHTS_F16 ? SAFETENSORS_F16 : SAFETENSORS_F32;
      weight->rank = 4;
      weight->shape[0] = (uint64_t) conv->out_channels;
      weight->shape[1] = (uint64_t) conv->in_channels;
      weight->shape[2] = weight->shape[3] = 3;
      weight->values = conv->weight;
      bias->rank = 1;
      bias->shape[0] = (uint64_t) conv->out_channels;
      bias->values = conv->bias;
    }

  metadata = ns_input_convention_metadata (&in_file, &metadata_count);
  if (!metadata)
    status = ns_error_set (err, NS_ERROR_NOMEM, "%s: not written: out of memory", out_path);
  else
    status = ns_safetensors_write (out_path, tensors, 2 * NS_VGG19_CONV_COUNT, metadata,
                                   metadata_count, err);
  free (metadata);
  ns_safetensors_close (&in_file);
  ns_weights_clear (&weights);
  return status;
}
