/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Synthetic safetensors files for the weights loader's tests: a model of
 * named tensors written as a file (valid or broken on purpose), raw headers,
 * and checks that a load fails with a given status and message. */
#ifndef SAFETENSORS_FILES_H
#define SAFETENSORS_FILES_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns_weights.h"
#include "tap.h"

/* every check through tap.h */
#define check tap_check

/* ---- a growable string, for headers ---- */

typedef struct
{
  char *text;
  size_t length;
  size_t capacity;
} text_buffer;

static inline void append (text_buffer *buffer, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

static inline void
append (text_buffer *buffer, const char *format, ...)
{
  va_list args;
  int needed;

  va_start (args, format);
  needed = vsnprintf (NULL, 0, format, args);
  va_end (args);
  if (needed < 0)
    abort ();
  if (buffer->length + (size_t) needed + 1 > buffer->capacity)
    {
      size_t capacity = (buffer->length + (size_t) needed + 1) * 2;
      char *grown = realloc (buffer->text, capacity);
      if (!grown)
        abort ();
      buffer->text = grown;
      buffer->capacity = capacity;
    }
  va_start (args, format);
  vsnprintf (buffer->text + buffer->length, buffer->capacity - buffer->length, format, args);
  va_end (args);
  buffer->length += (size_t) needed;
}

/* ---- synthetic safetensors files ---- */

#define MAX_TEST_TENSORS 48

typedef struct
{
  char name[64];
  char dtype[16];
  int rank;
  uint64_t shape[4];
  unsigned char *bytes;
  size_t byte_count;
  int override_offsets; /* write offsets[] instead of the true ones */
  uint64_t offsets[2];
} test_tensor;

typedef struct
{
  test_tensor tensors[MAX_TEST_TENSORS];
  int count;
  char metadata[512]; /* the __metadata__ object's JSON, or "" */
} test_model;

typedef struct
{
  long truncate_by; /* drop this many bytes from the end */
  int override_header_length;
  uint64_t header_length;
  const char *trailing; /* bytes appended after the data */
} write_options;

static uint64_t random_state = 0x9e3779b97f4a7c15u;

static inline uint64_t
random_next (void)
{
  /* xorshift64*: deterministic, good enough for test data. */
  random_state ^= random_state >> 12;
  random_state ^= random_state << 25;
  random_state ^= random_state >> 27;
  return random_state * 0x2545f4914f6cdd1du;
}

static inline float
random_weight (void)
{
  return (float) ((double) (random_next () >> 40) / (double) (1u << 24) - 0.5) * 0.1f;
}

static inline void
store_u16 (unsigned char *bytes, uint32_t value)
{
  bytes[0] = (unsigned char) value;
  bytes[1] = (unsigned char) (value >> 8);
}

static inline void
store_u32 (unsigned char *bytes, uint32_t value)
{
  int i;
  for (i = 0; i < 4; i++)
    bytes[i] = (unsigned char) (value >> (8 * i));
}

static inline void
store_u64 (unsigned char *bytes, uint64_t value)
{
  int i;
  for (i = 0; i < 8; i++)
    bytes[i] = (unsigned char) (value >> (8 * i));
}

static inline uint32_t
float_bits (float value)
{
  uint32_t bits;
  memcpy (&bits, &value, sizeof bits);
  return bits;
}

static inline uint32_t
load_u32 (const unsigned char *bytes)
{
  return (uint32_t) bytes[0] | (uint32_t) bytes[1] << 8 | (uint32_t) bytes[2] << 16 |
         (uint32_t) bytes[3] << 24;
}

static inline void
model_init (test_model *model)
{
  memset (model, 0, sizeof *model);
}

static inline void
model_free (test_model *model)
{
  int i;
  for (i = 0; i < model->count; i++)
    free (model->tensors[i].bytes);
  memset (model, 0, sizeof *model);
}

/* Adds a tensor whose raw bytes (byte_count of them, allocated here and
 * zeroed) the caller fills. */
static inline test_tensor *
add_tensor (test_model *model, const char *name, const char *dtype, int rank, const uint64_t *shape,
            size_t byte_count)
{
  test_tensor *tensor;

  if (model->count >= MAX_TEST_TENSORS)
    abort ();
  tensor = &model->tensors[model->count++];
  snprintf (tensor->name, sizeof tensor->name, "%s", name);
  snprintf (tensor->dtype, sizeof tensor->dtype, "%s", dtype);
  tensor->rank = rank;
  if (rank > 0)
    memcpy (tensor->shape, shape, (size_t) rank * sizeof *shape);
  tensor->byte_count = byte_count;
  tensor->bytes = calloc (byte_count ? byte_count : 1, 1);
  if (!tensor->bytes)
    abort ();
  return tensor;
}

static inline test_tensor *
find_test_tensor (test_model *model, const char *name)
{
  int i;
  for (i = 0; i < model->count; i++)
    if (strcmp (model->tensors[i].name, name) == 0)
      return &model->tensors[i];
  return NULL;
}

/* The model's tensor called name, which the test put there itself. */
static inline test_tensor *
model_tensor (test_model *model, const char *name)
{
  test_tensor *tensor = find_test_tensor (model, name);

  if (!tensor)
    abort ();
  return tensor;
}

static inline void
remove_test_tensor (test_model *model, const char *name)
{
  test_tensor *tensor = find_test_tensor (model, name);
  int index;

  if (!tensor)
    abort ();
  index = (int) (tensor - model->tensors);
  free (tensor->bytes);
  memmove (&model->tensors[index], &model->tensors[index + 1],
           (size_t) (model->count - index - 1) * sizeof *tensor);
  model->count--;
}

/* Adds VGG19's first conv_count convolutions as random F32 tensors. */
static inline void
add_vgg_convs (test_model *model, int conv_count)
{
  int i;

  for (i = 0; i < conv_count; i++)
    {
      uint64_t out = (uint64_t) ns_vgg19_conv_out_channels (i);
      uint64_t in = (uint64_t) ns_vgg19_conv_in_channels (i);
      uint64_t weight_shape[4] = { out, in, 3, 3 };
      uint64_t bias_shape[1] = { out };
      char name[64];
      test_tensor *tensor;
      size_t n, k;

      n = (size_t) (out * in * 9);
      snprintf (name, sizeof name, "features.%d.weight", ns_vgg19_conv_tensor_index (i));
      tensor = add_tensor (model, name, "F32", 4, weight_shape, n * 4);
      for (k = 0; k < n; k++)
        store_u32 (tensor->bytes + 4 * k, float_bits (random_weight ()));

      snprintf (name, sizeof name, "features.%d.bias", ns_vgg19_conv_tensor_index (i));
      tensor = add_tensor (model, name, "F32", 1, bias_shape, (size_t) out * 4);
      for (k = 0; k < (size_t) out; k++)
        store_u32 (tensor->bytes + 4 * k, float_bits (random_weight ()));
    }
}

/* Caffe's input convention, as the converted real weights state it. */
#define CAFFE_METADATA                                                            \
  "{\"format\":\"pt\",\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\"," \
  "\"input_mean\":\"103.939,116.779,123.68\",\"input_std\":\"1,1,1\"}"

static inline int
write_bytes (FILE *stream, const void *bytes, size_t count)
{
  return count == 0 || fwrite (bytes, 1, count, stream) == count;
}

/* Writes model as a safetensors file: header padded with spaces to a multiple
 * of 8 bytes as the format's writers do, then the tensors in order. */
static inline void
write_model (const test_model *model, const char *path, const write_options *options)
{
  text_buffer header = { NULL, 0, 0 };
  unsigned char length_bytes[8];
  uint64_t offset = 0;
  long total;
  FILE *stream;
  int i, d;

  append (&header, "{");
  if (model->metadata[0])
    append (&header, "\"__metadata__\":%s", model->metadata);
  for (i = 0; i < model->count; i++)
    {
      const test_tensor *tensor = &model->tensors[i];
      uint64_t begin = offset, end = offset + tensor->byte_count;

      if (tensor->override_offsets)
        {
          begin = tensor->offsets[0];
          end = tensor->offsets[1];
        }
      append (&header, "%s\"%s\":{\"dtype\":\"%s\",\"shape\":[",
              i > 0 || model->metadata[0] ? "," : "", tensor->name, tensor->dtype);
      for (d = 0; d < tensor->rank; d++)
        append (&header, "%s%llu", d ? "," : "", (unsigned long long) tensor->shape[d]);
      append (&header, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long) begin,
              (unsigned long long) end);
      offset += tensor->byte_count;
    }
  append (&header, "}");
  while ((header.length + 8) % 8 != 0)
    append (&header, " ");

  stream = fopen (path, "wb");
  if (!stream)
    abort ();
  store_u64 (length_bytes,
             options && options->override_header_length ? options->header_length : header.length);
  if (!write_bytes (stream, length_bytes, 8) || !write_bytes (stream, header.text, header.length))
    abort ();
  for (i = 0; i < model->count; i++)
    if (!write_bytes (stream, model->tensors[i].bytes, model->tensors[i].byte_count))
      abort ();
  if (options && options->trailing &&
      !write_bytes (stream, options->trailing, strlen (options->trailing)))
    abort ();
  total = ftell (stream);
  if (fclose (stream) != 0)
    abort ();
  free (header.text);

  if (options && options->truncate_by > 0 && truncate (path, total - options->truncate_by) != 0)
    abort ();
}

/* Writes a file with the given raw header text (not padded) and data. */
static inline void
write_raw (const char *path, uint64_t header_length, const char *header, size_t header_bytes,
           const void *data, size_t data_bytes)
{
  unsigned char length_bytes[8];
  FILE *stream = fopen (path, "wb");

  if (!stream)
    abort ();
  store_u64 (length_bytes, header_length);
  if (!write_bytes (stream, length_bytes, 8) || !write_bytes (stream, header, header_bytes) ||
      !write_bytes (stream, data, data_bytes) || fclose (stream) != 0)
    abort ();
}

/* ---- helpers for checking loads ---- */

/* The folder each test program writes its files to (run_in_temp_dir). */
static char temp_dir[4096];

/* Runs the tests with a folder of their own for their files, named after
 * the program, and checks that they leave it empty; returns the exit
 * status (tap_done). */
static inline int
run_in_temp_dir (const char *name, void (*const *tests) (void), size_t count)
{
  const char *tmp = getenv ("TMPDIR");

  snprintf (temp_dir, sizeof temp_dir, "%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
  if (!mkdtemp (temp_dir))
    {
      perror ("mkdtemp");
      return 1;
    }
  for (size_t i = 0; i < count; i++)
    tests[i]();
  if (rmdir (temp_dir) != 0)
    tap_check (0, "the temporary directory %s is left empty", temp_dir);
  return tap_done ();
}

static inline void
temp_path (char *path, size_t size, const char *name)
{
  snprintf (path, size, "%s/%s", temp_dir, name);
}

/* A fresh model of VGG19's first conv_count convolutions, to be written at
   the temporary file called name (its path into path). */
static inline void
vgg_convs_model (test_model *model, int conv_count, char *path, size_t size, const char *name)
{
  temp_path (path, size, name);
  model_init (model);
  add_vgg_convs (model, conv_count);
}

static inline int
weights_are_empty (const ns_weights *weights)
{
  int i;

  if (weights->conv_count != 0)
    return 0;
  for (i = 0; i < NS_VGG19_CONV_COUNT; i++)
    if (weights->conv[i].weight || weights->conv[i].bias)
      return 0;
  return 1;
}

/* Loads path and checks that it fails with status and a message containing
 * every one of the (NULL-terminated) words. */
static inline void
vexpect_load_failure (const char *what, const char *path, int conv_count, ns_status expected_status,
                      va_list args)
{
  ns_weights weights;
  ns_error err;
  ns_status status;
  int words_found = 1;
  const char *missing = "";
  const char *word;

  memset (&err, 0, sizeof err);
  status = ns_weights_load (&weights, path, conv_count, &err);
  while ((word = va_arg (args, const char *)) != NULL)
    if (!strstr (err.message, word))
      {
        words_found = 0;
        missing = word;
        break;
      }
  check (status == expected_status && err.status == expected_status && words_found &&
             weights_are_empty (&weights),
         "%s is rejected (status %d%s%s): %s", what, (int) status,
         words_found ? "" : ", message lacks ", missing, err.message);
  ns_weights_clear (&weights);
}

static inline void
expect_load_failure (const char *what, const char *path, int conv_count, ns_status expected_status,
                     ...)
{
  va_list args;

  va_start (args, expected_status);
  vexpect_load_failure (what, path, conv_count, expected_status, args);
  va_end (args);
}

/* Compares a loaded float array bit for bit with F32 bytes. */
static inline int
same_as_f32_bytes (const float *values, const unsigned char *bytes, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (float_bits (values[i]) != load_u32 (bytes + 4 * i))
      return 0;
  return 1;
}

static inline int
convs_match_model (const ns_weights *weights, test_model *model, int conv_count)
{
  int i;

  for (i = 0; i < conv_count; i++)
    {
      const ns_conv_weights *conv = &weights->conv[i];
      char name[64];
      test_tensor *weight, *bias;

      snprintf (name, sizeof name, "features.%d.weight", ns_vgg19_conv_tensor_index (i));
      weight = find_test_tensor (model, name);
      snprintf (name, sizeof name, "features.%d.bias", ns_vgg19_conv_tensor_index (i));
      bias = find_test_tensor (model, name);
      if (!weight || !bias || !conv->weight || !conv->bias ||
          conv->in_channels != ns_vgg19_conv_in_channels (i) ||
          conv->out_channels != ns_vgg19_conv_out_channels (i) ||
          !same_as_f32_bytes (conv->weight, weight->bytes, weight->byte_count / 4) ||
          !same_as_f32_bytes (conv->bias, bias->bytes, bias->byte_count / 4))
        return 0;
    }
  return 1;
}

static inline int
is_caffe_convention (const ns_input_convention *input)
{
  return input->rgb_index[0] == 2 && input->rgb_index[1] == 1 && input->rgb_index[2] == 0 &&
         input->range == 255.0f && input->mean[0] == 103.939f && input->mean[1] == 116.779f &&
         input->mean[2] == 123.68f && input->std[0] == 1.0f && input->std[1] == 1.0f &&
         input->std[2] == 1.0f;
}

static inline int
is_torchvision_convention (const ns_input_convention *input)
{
  return input->rgb_index[0] == 0 && input->rgb_index[1] == 1 && input->rgb_index[2] == 2 &&
         input->range == 1.0f && input->mean[0] == 0.485f && input->mean[1] == 0.456f &&
         input->mean[2] == 0.406f && input->std[0] == 0.229f && input->std[1] == 0.224f &&
         input->std[2] == 0.225f;
}

#endif
