/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loads VGG19's convolutions and input convention from a safetensors file.
 * Tensors are read one by one, so a file that also holds the classifier
 * (torchvision's 575 MB one) costs only the convolutions' memory.
 * ns_weights_convert writes them back alone, as F16 (40 MB) or F32. */
#include "ns_weights.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "safetensors.h"

static const int conv_in_channels[NS_VGG19_CONV_COUNT] = { 3,   64,  64,  128, 128, 256, 256, 256,
                                                           256, 512, 512, 512, 512, 512, 512, 512 };
static const int conv_out_channels[NS_VGG19_CONV_COUNT] = { 64,  64,  128, 128, 256, 256, 256, 256,
                                                            512, 512, 512, 512, 512, 512, 512, 512 };
/* Position of each convolution in torchvision's vgg19().features, where
 * ReLUs and max-pools take the indices in between. */
static const int conv_tensor_index[NS_VGG19_CONV_COUNT] = { 0,  2,  5,  7,  10, 12, 14, 16,
                                                            19, 21, 23, 25, 28, 30, 32, 34 };

int
ns_vgg19_conv_in_channels (int conv_index)
{
  if (conv_index < 0 || conv_index >= NS_VGG19_CONV_COUNT)
    return 0;
  return conv_in_channels[conv_index];
}

int
ns_vgg19_conv_out_channels (int conv_index)
{
  if (conv_index < 0 || conv_index >= NS_VGG19_CONV_COUNT)
    return 0;
  return conv_out_channels[conv_index];
}

int
ns_vgg19_conv_tensor_index (int conv_index)
{
  if (conv_index < 0 || conv_index >= NS_VGG19_CONV_COUNT)
    return -1;
  return conv_tensor_index[conv_index];
}

/* ---- input convention ---- */

static const char *const convention_keys[4] = { "input_channel_order", "input_range", "input_mean",
                                                "input_std" };

/* torchvision's convention, taken when a file states none, in the words a
 * file would state it: read through the same parser as a file's, and
 * written out by ns_weights_convert. */
static const char *const torchvision_convention[4] = { "RGB", "0-1", "0.485,0.456,0.406",
                                                       "0.229,0.224,0.225" };

/* Reads text[0..length) as exactly one JSON number literal ("103.939",
 * "-2.5E3", "1e-7"), independently of the C locale (jansson converts with the
 * locale's decimal point itself; a GIMP session may run with a decimal
 * comma).  Any byte a JSON number cannot hold (whitespace included) is
 * refused before jansson sees the text, which then checks the grammar: so
 * "1.", ".5", "+1", "01", "1,5", "0x10" and "NaN" are refused, as are numbers
 * beyond double's range ("1e400").  Integers are read as doubles too, so a
 * long one ("123456789012345678901234567890") is a number, not an overflow.
 * Returns 1 and stores a finite value, or 0. */
static int
parse_number (const char *text, size_t length, double *value)
{
  json_error_t error;
  json_t *number;
  size_t i;
  int ok;

  if (length == 0)
    return 0;
  for (i = 0; i < length; i++)
    if (!strchr ("0123456789+-.eE", text[i]) || text[i] == '\0')
      return 0;
  number = json_loadb (text, length, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &error);
  ok = json_is_real (number) || json_is_integer (number);
  if (ok)
    *value = json_number_value (number);
  json_decref (number);
  return ok && isfinite (*value);
}

/* Parses "a,b,c" (spaces allowed around each number) into three finite
 * floats.  Numbers follow JSON's syntax, read independently of the locale. */
static int
parse_three_floats (const char *text, float out[3])
{
  const char *field = text;
  int k;

  for (k = 0; k < 3; k++)
    {
      const char *end = strchr (field, ',');
      const char *stop;
      double value;

      if (!end)
        end = field + strlen (field);
      if ((k < 2) != (*end == ','))
        return 0; /* fewer or more than three fields */
      stop = end;
      while (*field == ' ' || *field == '\t')
        field++;
      while (stop > field && (stop[-1] == ' ' || stop[-1] == '\t'))
        stop--;
      if (!parse_number (field, (size_t) (stop - field), &value) || value > FLT_MAX ||
          value < -FLT_MAX)
        return 0;
      out[k] = (float) value;
      field = end + 1;
    }
  return 1;
}

static ns_status
read_input_convention (const ns_safetensors_file *file, const char *path,
                       ns_input_convention *input, ns_error *err)
{
  const char *values[4];
  int present = 0, k;

  for (k = 0; k < 4; k++)
    {
      values[k] = ns_safetensors_metadata (file, convention_keys[k]);
      present += values[k] != NULL;
    }
  if (present == 0)
    for (k = 0; k < 4; k++)
      values[k] = torchvision_convention[k];
  /* Filling gaps with torchvision's values would silently mix two
   * conventions, so a partial statement is an error. */
  else if (present < 4)
    for (k = 0; k < 4; k++)
      if (!values[k])
        return ns_error_set (err, NS_ERROR_FORMAT,
                             "%s: __metadata__ lacks %s (give all of "
                             "input_channel_order, input_range, input_mean and "
                             "input_std, or none for torchvision's convention)",
                             path, convention_keys[k]);

  if (strcmp (values[0], "BGR") == 0)
    {
      input->rgb_index[0] = 2;
      input->rgb_index[1] = 1;
      input->rgb_index[2] = 0;
    }
  else if (strcmp (values[0], "RGB") == 0)
    {
      input->rgb_index[0] = 0;
      input->rgb_index[1] = 1;
      input->rgb_index[2] = 2;
    }
  else
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: input_channel_order is \"%.40s\", expected BGR "
                         "or RGB",
                         path, values[0]);

  if (strcmp (values[1], "0-255") == 0)
    input->range = 255.0f;
  else if (strcmp (values[1], "0-1") == 0)
    input->range = 1.0f;
  else
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: input_range is \"%.40s\", expected 0-255 or 0-1", path, values[1]);

  if (!parse_three_floats (values[2], input->mean))
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: input_mean is \"%.60s\", expected three numbers "
                         "like \"103.939,116.779,123.68\"",
                         path, values[2]);
  if (!parse_three_floats (values[3], input->std))
    return ns_error_set (err, NS_ERROR_FORMAT,
                         "%s: input_std is \"%.60s\", expected three numbers "
                         "like \"1,1,1\"",
                         path, values[3]);
  for (k = 0; k < 3; k++)
    if (!(input->std[k] > 0.0f))
      return ns_error_set (err, NS_ERROR_FORMAT,
                           "%s: input_std is \"%.60s\", but every standard "
                           "deviation must be positive",
                           path, values[3]);
  return NS_OK;
}

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
  int in = conv_in_channels[conv_index];
  int out = conv_out_channels[conv_index];
  int index = conv_tensor_index[conv_index];
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

  status = read_input_convention (&file, path, &weights->input, err);
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

/* The metadata the converted file states: in_file's own when it states a
 * convention (ns_weights_load has checked it), else its other entries and
 * torchvision's convention written out, so that no reader has to know the
 * default.  The strings stay in_file's or static: only the array is ours. */
static ns_safetensors_metadata_entry *
converted_metadata (const ns_safetensors_file *in_file, size_t *count)
{
  ns_safetensors_metadata_entry *entries = malloc ((in_file->metadata_count + 4) * sizeof *entries);
  int stated = 0, k;

  if (!entries)
    return NULL;
  for (k = 0; k < 4; k++)
    stated += ns_safetensors_metadata (in_file, convention_keys[k]) != NULL;
  if (in_file->metadata_count > 0) /* metadata is NULL when there is none */
    memcpy (entries, in_file->metadata, in_file->metadata_count * sizeof *entries);
  *count = in_file->metadata_count;
  if (!stated)
    for (k = 0; k < 4; k++)
      entries[(*count)++] = (ns_safetensors_metadata_entry) { (char *) convention_keys[k],
                                                              (char *) torchvision_convention[k] };
  return entries;
}

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

      snprintf (names[2 * i], sizeof names[2 * i], "features.%d.weight", conv_tensor_index[i]);
      snprintf (names[2 * i + 1], sizeof names[2 * i + 1], "features.%d.bias", conv_tensor_index[i]);
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

  metadata = converted_metadata (&in_file, &metadata_count);
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
