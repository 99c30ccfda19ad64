/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the weights loader: the safetensors reader (its JSON header too) and
 * ns_weights_load, on synthetic files written here (valid ones in F32,
 * F16, BF16 and F64, and hostile ones), plus the real weights file when
 * NEURAL_STYLE_TEST_WEIGHTS names one.  Reports TAP (tap.h). */
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "safetensors.h"
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

static void append (text_buffer *buffer, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

static void
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

static uint64_t
random_next (void)
{
  /* xorshift64*: deterministic, good enough for test data. */
  random_state ^= random_state >> 12;
  random_state ^= random_state << 25;
  random_state ^= random_state >> 27;
  return random_state * 0x2545f4914f6cdd1du;
}

static float
random_weight (void)
{
  return (float) ((double) (random_next () >> 40) / (double) (1u << 24) - 0.5) * 0.1f;
}

static void
store_u16 (unsigned char *bytes, uint32_t value)
{
  bytes[0] = (unsigned char) value;
  bytes[1] = (unsigned char) (value >> 8);
}

static void
store_u32 (unsigned char *bytes, uint32_t value)
{
  int i;
  for (i = 0; i < 4; i++)
    bytes[i] = (unsigned char) (value >> (8 * i));
}

static void
store_u64 (unsigned char *bytes, uint64_t value)
{
  int i;
  for (i = 0; i < 8; i++)
    bytes[i] = (unsigned char) (value >> (8 * i));
}

static uint32_t
float_bits (float value)
{
  uint32_t bits;
  memcpy (&bits, &value, sizeof bits);
  return bits;
}

static uint32_t
load_u32 (const unsigned char *bytes)
{
  return (uint32_t) bytes[0] | (uint32_t) bytes[1] << 8 | (uint32_t) bytes[2] << 16 |
         (uint32_t) bytes[3] << 24;
}

static void
model_init (test_model *model)
{
  memset (model, 0, sizeof *model);
}

static void
model_free (test_model *model)
{
  int i;
  for (i = 0; i < model->count; i++)
    free (model->tensors[i].bytes);
  memset (model, 0, sizeof *model);
}

/* Adds a tensor whose raw bytes (byte_count of them, allocated here and
 * zeroed) the caller fills. */
static test_tensor *
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

static test_tensor *
find_test_tensor (test_model *model, const char *name)
{
  int i;
  for (i = 0; i < model->count; i++)
    if (strcmp (model->tensors[i].name, name) == 0)
      return &model->tensors[i];
  return NULL;
}

static void
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
static void
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

static const char caffe_metadata[] =
    "{\"format\":\"pt\",\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\","
    "\"input_mean\":\"103.939,116.779,123.68\",\"input_std\":\"1,1,1\"}";

static int
write_bytes (FILE *stream, const void *bytes, size_t count)
{
  return count == 0 || fwrite (bytes, 1, count, stream) == count;
}

/* Writes model as a safetensors file: header padded with spaces to a multiple
 * of 8 bytes as the format's writers do, then the tensors in order. */
static void
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
static void
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

static char temp_dir[4096];

static void
temp_path (char *path, size_t size, const char *name)
{
  snprintf (path, size, "%s/%s", temp_dir, name);
}

static int
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
static void
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

static void
expect_load_failure (const char *what, const char *path, int conv_count, ns_status expected_status,
                     ...)
{
  va_list args;

  va_start (args, expected_status);
  vexpect_load_failure (what, path, conv_count, expected_status, args);
  va_end (args);
}

/* Compares a loaded float array bit for bit with F32 bytes. */
static int
same_as_f32_bytes (const float *values, const unsigned char *bytes, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (float_bits (values[i]) != load_u32 (bytes + 4 * i))
      return 0;
  return 1;
}

static int
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

static int
is_caffe_convention (const ns_input_convention *input)
{
  return input->rgb_index[0] == 2 && input->rgb_index[1] == 1 && input->rgb_index[2] == 0 &&
         input->range == 255.0f && input->mean[0] == 103.939f && input->mean[1] == 116.779f &&
         input->mean[2] == 123.68f && input->std[0] == 1.0f && input->std[1] == 1.0f &&
         input->std[2] == 1.0f;
}

static int
is_torchvision_convention (const ns_input_convention *input)
{
  return input->rgb_index[0] == 0 && input->rgb_index[1] == 1 && input->rgb_index[2] == 2 &&
         input->range == 1.0f && input->mean[0] == 0.485f && input->mean[1] == 0.456f &&
         input->mean[2] == 0.406f && input->std[0] == 0.229f && input->std[1] == 0.224f &&
         input->std[2] == 0.225f;
}

/* ---- the JSON header (parsed by jansson) ---- */

/* Writes header (length bytes, not padded) and data_bytes zero bytes of data
 * as a safetensors file at path. */
static void
write_header (const char *path, const char *header, size_t length, size_t data_bytes)
{
  static const unsigned char zeros[64];

  if (data_bytes > sizeof zeros)
    abort ();
  write_raw (path, length, header, length, zeros, data_bytes);
}

/* Writes header with data_bytes of data and checks that loading it fails
 * with NS_ERROR_FORMAT and a message holding every (NULL-terminated) word. */
static void
expect_header_refused (const char *what, const char *path, const char *header, size_t length,
                       size_t data_bytes, ...)
{
  va_list args;

  write_header (path, header, length, data_bytes);
  va_start (args, data_bytes);
  vexpect_load_failure (what, path, 1, NS_ERROR_FORMAT, args);
  va_end (args);
}

static void
test_json_headers (void)
{
  /* Every kind of JSON value: strings with each escape, a surrogate pair and
   * raw UTF-8 in __metadata__; numbers, booleans, null and nesting in a key
   * of a tensor's object that the reader does not use. */
  static const char document[] =
      " {\"__metadata__\":{\"s\": \"x\\u00e9\\ud83d\\ude00\\n\\\\\\/\\\"\\t\\b\\f\\ry\","
      "  \"utf8\": \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", \"empty\": \"\"},"
      " \"t\": {\"dtype\": \"U8\", \"shape\": [ 2 ], \"data_offsets\": [0, 2],"
      "  \"extra\": {\"a\": [1, 2.5, -3e2, true, false, null, 0, -0.0, 1E+2],"
      "  \"big\": 9223372036854775807, \"o\": {}, \"n\": [[[]]]}}} ";
  static const char expected_string[] = "x\xc3\xa9\xf0\x9f\x98\x80\n\\/\"\t\b\f\ry";
  /* Each is placed as a value, {"x":…}: none may be taken for JSON. */
  static const struct
  {
    const char *text;
    const char *word;
  } bad_values[] = {
    { "", "not valid JSON at byte" },
    { " ", "not valid JSON at byte" },
    { "{", "not valid JSON at byte" },
    { "}", "not valid JSON at byte" },
    { "{\"a\":1,}", "not valid JSON at byte" },
    { "[1,]", "not valid JSON at byte" },
    { "[1 2]", "not valid JSON at byte" },
    { "{\"a\" 1}", "not valid JSON at byte" },
    { "{a:1}", "not valid JSON at byte" },
    { "01", "not valid JSON at byte" },
    { "1.", "not valid JSON at byte" },
    { ".5", "not valid JSON at byte" },
    { "-", "not valid JSON at byte" },
    { "+1", "not valid JSON at byte" },
    { "1e", "not valid JSON at byte" },
    { "1e+", "not valid JSON at byte" },
    { "0x10", "not valid JSON at byte" },
    { "1e999", "number too large at byte" },
    { "-1e999", "number too large at byte" },
    { "tru", "not valid JSON at byte" },
    { "nul", "not valid JSON at byte" },
    { "falsey", "not valid JSON at byte" },
    { "1 2", "not valid JSON at byte" },
    { "\"abc", "not valid JSON at byte" },
    { "\"\\x\"", "not valid JSON at byte" },
    { "\"\\u12\"", "not valid JSON at byte" },
    { "\"\\u12g4\"", "not valid JSON at byte" },
    { "\"\\ud800\"", "not valid JSON at byte" },
    { "\"\\ud800\\u0041\"", "not valid JSON at byte" },
    { "\"\\udc00\"", "not valid JSON at byte" },
    { "\"a\x01\"", "not valid JSON at byte" },
    { "\"\xff\"", "not valid JSON at byte" },
    { "\"\xc0\xaf\"", "not valid JSON at byte" },
    { "\"\xed\xa0\x80\"", "not valid JSON at byte" },
    { "\"\xf4\x90\x80\x80\"", "not valid JSON at byte" },
    { "\"\xe2\x82\"", "not valid JSON at byte" },
    { "{\"a\":1,\"a\":2}", "duplicate" },
    { "[1]x", "not valid JSON at byte" },
    { "'a'", "not valid JSON at byte" },
    { "NaN", "not valid JSON at byte" },
    { "[\"\\", "not valid JSON at byte" },
    { "\"a\\u0000b\"", "not valid JSON at byte" },
    { "18446744073709551615", "number too large at byte" },
    { "-9223372036854775809", "number too large at byte" },
  };
  static const char *const bad_headers[] = {
    "{} x",
    "{}{}",
    "{\"a\":{}}}",
    "{\"a\":{},}",
    "{\"a\\u0000\":{}}",
    "{\"__metadata__\":{\"k\":\"v\\u0000\"}}",
  };
  char path[4200], what[128];
  text_buffer header = { NULL, 0, 0 };
  ns_safetensors_file file;
  const ns_safetensors_tensor *tensor;
  const char *value;
  ns_error err;
  ns_status status;
  size_t i;

  temp_path (path, sizeof path, "json.safetensors");

  write_header (path, document, strlen (document) - 1, 2); /* no '{' first */
  expect_load_failure ("a header beginning with a space", path, 1, NS_ERROR_FORMAT,
                       "not a safetensors file", NULL);
  write_header (path, document + 1, strlen (document + 1), 2);
  status = ns_safetensors_open (&file, path, &err);
  check (status == NS_OK, "json: a header with every kind of JSON value opens %s",
         status == NS_OK ? "" : err.message);
  if (status == NS_OK)
    {
      value = ns_safetensors_metadata (&file, "s");
      check (value && strcmp (value, expected_string) == 0,
             "json: escapes, \\uXXXX and a surrogate pair decode to UTF-8");
      value = ns_safetensors_metadata (&file, "utf8");
      check (value && strcmp (value, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") == 0 &&
                 ns_safetensors_metadata (&file, "empty") &&
                 !*ns_safetensors_metadata (&file, "empty"),
             "json: raw UTF-8 passes through, an empty string is empty");
      tensor = ns_safetensors_find (&file, "t");
      check (file.tensor_count == 1 && tensor && tensor->rank == 1 && tensor->shape[0] == 2 &&
                 tensor->data_begin == 0 && tensor->data_end == 2,
             "json: the tensor beside the unused values is read");
      ns_safetensors_close (&file);
    }

  for (i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++)
    {
      header.length = 0;
      append (&header, "{\"x\":%s}", bad_values[i].text);
      snprintf (what, sizeof what, "json: bad value #%zu in a header", i);
      expect_header_refused (what, path, header.text, header.length, 0, bad_values[i].word, NULL);
    }
  for (i = 0; i < sizeof bad_headers / sizeof bad_headers[0]; i++)
    {
      snprintf (what, sizeof what, "json: bad header #%zu (%s)", i, bad_headers[i]);
      expect_header_refused (what, path, bad_headers[i], strlen (bad_headers[i]), 0,
                             "not valid JSON at byte", NULL);
    }
  expect_header_refused ("json: a raw NUL byte in a string", path, "{\"x\":\"a\0b\"}", 11, 0,
                         "not valid JSON at byte", NULL);
  /* A valid header cut short: the reader must stop at the length given
   * (under ASan, the header is read into a buffer of exactly that size). */
  expect_header_refused ("json: a header cut at its length", path, "{\"a\":[1,2]}", 7, 0,
                         "not valid JSON at byte", NULL);
  expect_header_refused ("json: the byte of the error is named", path, "{\"a\":{}, \"b\":x}", 15, 0,
                         "not valid JSON at byte 14", NULL);

  /* Nesting: shallow nesting is JSON, too deep is refused. */
  header.length = 0;
  append (&header, "{\"t\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0],"
                   "\"extra\":");
  for (i = 0; i < 64; i++)
    append (&header, "[");
  for (i = 0; i < 64; i++)
    append (&header, "]");
  append (&header, "}}");
  write_header (path, header.text, header.length, 0);
  status = ns_safetensors_open (&file, path, &err);
  check (status == NS_OK, "json: 64 nested arrays in an unused key parse %s",
         status == NS_OK ? "" : err.message);
  if (status == NS_OK)
    ns_safetensors_close (&file);
  header.length = 0;
  append (&header, "{\"x\":");
  for (i = 0; i < 100000; i++)
    append (&header, "[");
  for (i = 0; i < 100000; i++)
    append (&header, "]");
  append (&header, "}");
  expect_header_refused ("json: 100000 nested arrays", path, header.text, header.length, 0,
                         "not valid JSON at byte", "depth", NULL);

  /* Duplicate keys, at every level. */
  expect_header_refused ("json: a duplicate tensor key", path,
                         "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],"
                         "\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\","
                         "\"shape\":[1],\"data_offsets\":[1,2]}}",
                         strlen ("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],"
                                 "\"data_offsets\":[0,1]},\"a\":{\"dtype\":"
                                 "\"U8\",\"shape\":[1],\"data_offsets\":"
                                 "[1,2]}}"),
                         2, "duplicate", "\"a\"", NULL);
  expect_header_refused ("json: a duplicate key inside a tensor's object", path,
                         "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"dtype\":\"U8\","
                         "\"data_offsets\":[0,1]}}",
                         strlen ("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],"
                                 "\"dtype\":\"U8\",\"data_offsets\":[0,1]}}"),
                         1, "duplicate", "dtype", NULL);
  expect_header_refused ("json: a duplicate __metadata__ key", path,
                         "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}",
                         strlen ("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}"), 0, "duplicate",
                         NULL);
  expect_header_refused ("json: two __metadata__", path, "{\"__metadata__\":{},\"__metadata__\":{}}",
                         strlen ("{\"__metadata__\":{},\"__metadata__\":{}}"), 0, "duplicate", NULL);
  free (header.text);
  remove (path);
}

/* A one-tensor header "t": U8 of shape [shape] at data_offsets [offsets]. */
static void
expect_tensor_refused (const char *what, const char *path, const char *shape, const char *offsets, ...)
{
  char header[512];
  va_list args;

  snprintf (header, sizeof header,
            "{\"t\":{\"dtype\":\"U8\",\"shape\":[%s],\"data_offsets\":[%s]}}", shape, offsets);
  write_header (path, header, strlen (header), 16);
  va_start (args, offsets);
  vexpect_load_failure (what, path, 1, NS_ERROR_FORMAT, args);
  va_end (args);
}

static void
test_header_integers (void)
{
  char path[4200];
  ns_safetensors_file file;
  ns_error err;
  ns_status status;

  temp_path (path, sizeof path, "integers.safetensors");
  {
    static const char valid[] = "{\"t\":{\"dtype\":\"U8\",\"shape\":[16],\"data_offsets\":[0,16]}}";
    write_header (path, valid, strlen (valid), 16);
  }
  status = ns_safetensors_open (&file, path, &err);
  check (status == NS_OK, "offsets: the one-tensor header opens %s",
         status == NS_OK ? "" : err.message);
  if (status == NS_OK)
    ns_safetensors_close (&file);

  /* Above 2^53 a double no longer holds every integer: read exactly. */
  expect_tensor_refused ("offsets: an end of 2^53+1", path, "16", "0,9007199254740993",
                         "data_offsets end "
                         "9007199254740993 is beyond the data (16 bytes)",
                         NULL);
  expect_tensor_refused ("offsets: an end of 2^63-1", path, "16", "0,9223372036854775807",
                         "9223372036854775807", "beyond the data", NULL);
  expect_tensor_refused ("offsets: an end of 2^63", path, "16", "0,9223372036854775808",
                         "number too large", NULL);
  expect_tensor_refused ("offsets: an end of 2^64-1", path, "16", "0,18446744073709551615",
                         "number too large", NULL);
  expect_tensor_refused ("offsets: an end of 2^64", path, "16", "0,18446744073709551616",
                         "number too large", NULL);
  expect_tensor_refused ("offsets: a begin of 2^53+1", path, "16",
                         "9007199254740993,9007199254741009", "9007199254740993",
                         "9007199254741009", NULL);
  expect_tensor_refused ("offsets: a negative begin", path, "16", "-1,15", "data_offsets", "-1",
                         "negative", NULL);
  expect_tensor_refused ("offsets: a negative end", path, "16", "0,-16", "data_offsets", "negative",
                         NULL);
  expect_tensor_refused ("offsets: a real end (16.0)", path, "16", "0,16.0", "data_offsets", "real",
                         NULL);
  expect_tensor_refused ("offsets: a real end (1.6e1)", path, "16", "0,1.6e1", "data_offsets",
                         "real", NULL);
  expect_tensor_refused ("offsets: a real begin (0E0)", path, "16", "0E0,16", "data_offsets",
                         "real", NULL);
  expect_tensor_refused ("offsets: three of them", path, "16", "0,8,16", "data_offsets", NULL);
  expect_tensor_refused ("offsets: one of them", path, "16", "16", "data_offsets", NULL);
  expect_tensor_refused ("offsets: none", path, "16", "", "data_offsets", NULL);
  expect_tensor_refused ("offsets: a string", path, "16", "0,\"16\"", "data_offsets", NULL);
  expect_tensor_refused ("offsets: null", path, "16", "0,null", "data_offsets", NULL);
  expect_tensor_refused ("shape: a negative dimension", path, "-16", "0,16", "shape", "negative",
                         NULL);
  expect_tensor_refused ("shape: a real dimension", path, "16.0", "0,16", "shape", "real", NULL);
  expect_tensor_refused ("shape: a dimension of 2^63", path, "9223372036854775808", "0,16",
                         "number too large", NULL);
  expect_tensor_refused ("shape: nine dimensions", path, "1,1,1,1,1,1,1,1,16", "0,16", "shape", NULL);
  expect_tensor_refused ("shape: a boolean", path, "true", "0,16", "shape", NULL);
  remove (path);
}

/* The numbers of input_mean and input_std: JSON's syntax, any locale. */
static void
test_metadata_numbers (void)
{
  static const char *const refused[] = {
    "1e400,1,1", ",1,1",    "1.,2,3",   ".5,1,1",   "+1,1,1",   "01,1,1",
    "0x10,1,1",  "NaN,1,1", "inf,1,1",  "1\\n,1,1", "1 2,1,1",  "1e39,1,1",
    "-,1,1",     "1e,1,1",  "1..2,1,1", "--1,1,1",  "true,1,1",
  };
  char path[4200], what[128];
  test_model model;
  ns_weights weights;
  ns_error err;
  ns_status status;
  size_t i;
  int pass;

  temp_path (path, sizeof path, "numbers.safetensors");
  model_init (&model);
  add_vgg_convs (&model, 1);
  for (pass = 0; pass < 2; pass++)
    {
      const char *locale = "C";

      /* A decimal comma, where the system has such a locale. */
      if (pass == 1 && !(locale = setlocale (LC_NUMERIC, "de_DE.UTF-8")) &&
          !(locale = setlocale (LC_NUMERIC, "fr_FR.UTF-8")))
        {
          tap_skip ("numbers in a decimal-comma locale (none installed)");
          break;
        }
      snprintf (model.metadata, sizeof model.metadata,
                "{\"input_channel_order\":\"RGB\",\"input_range\":\"0-1\","
                "\"input_mean\":\"103.939, 0.485 ,1e-7\","
                "\"input_std\":\"2.5E3,123456789012345678901234567890,"
                "0.000001234\"}");
      write_model (&model, path, NULL);
      status = ns_weights_load (&weights, path, 1, &err);
      check (status == NS_OK && weights.input.mean[0] == (float) 103.939 &&
                 weights.input.mean[1] == (float) 0.485 && weights.input.mean[2] == (float) 1e-7 &&
                 weights.input.std[0] == 2500.0f &&
                 weights.input.std[1] == (float) 1.2345678901234568e29 &&
                 weights.input.std[2] == (float) 0.000001234,
             "numbers: metadata numbers convert exactly (LC_NUMERIC %s) %s", locale,
             status == NS_OK ? "" : err.message);
      ns_weights_clear (&weights);
    }
  setlocale (LC_NUMERIC, "C");

  for (i = 0; i < sizeof refused / sizeof refused[0]; i++)
    {
      snprintf (model.metadata, sizeof model.metadata,
                "{\"input_channel_order\":\"RGB\",\"input_range\":\"0-1\","
                "\"input_mean\":\"%s\",\"input_std\":\"1,1,1\"}",
                refused[i]);
      write_model (&model, path, NULL);
      snprintf (what, sizeof what, "numbers: input_mean \"%s\"", refused[i]);
      expect_load_failure (what, path, 1, NS_ERROR_FORMAT, "input_mean", NULL);
    }
  model_free (&model);
  remove (path);
}

/* ---- safetensors ---- */

static void
test_safetensors_reader (void)
{
  char path[4200];
  test_model model;
  ns_safetensors_file file;
  const ns_safetensors_tensor *tensor;
  uint64_t shape[2] = { 2, 3 };
  ns_error err;
  ns_status status;
  float values[6];
  test_tensor *t;
  int k;

  temp_path (path, sizeof path, "reader.safetensors");
  model_init (&model);
  snprintf (model.metadata, sizeof model.metadata, "{\"note\":\"caf\\u00e9\",\"format\":\"pt\"}");
  t = add_tensor (&model, "b", "F32", 2, shape, 24);
  for (k = 0; k < 6; k++)
    store_u32 (t->bytes + 4 * k, float_bits ((float) k - 2.5f));
  add_tensor (&model, "a.count", "I64", 0, shape, 8);
  add_tensor (&model, "empty", "F16", 1, (const uint64_t[]) { 0 }, 0);
  write_model (&model, path, NULL);

  status = ns_safetensors_open (&file, path, &err);
  check (status == NS_OK, "safetensors: open a small file: %s", status == NS_OK ? "" : err.message);
  if (status != NS_OK)
    {
      model_free (&model);
      return;
    }
  check (file.tensor_count == 3 && ns_safetensors_find (&file, "a.count") &&
             ns_safetensors_find (&file, "empty") && !ns_safetensors_find (&file, "c") &&
             !ns_safetensors_find (&file, "a"),
         "safetensors: tensors are found by exact name");
  check (ns_safetensors_metadata (&file, "note") &&
             strcmp (ns_safetensors_metadata (&file, "note"), "caf\xc3\xa9") == 0 &&
             !ns_safetensors_metadata (&file, "missing"),
         "safetensors: metadata values are read");
  tensor = ns_safetensors_find (&file, "b");
  status = ns_safetensors_read_f32 (&file, tensor, values, 6, &err);
  check (status == NS_OK && tensor->rank == 2 && tensor->shape[1] == 3 &&
             tensor->element_count == 6 && values[0] == -2.5f && values[5] == 2.5f,
         "safetensors: an F32 tensor reads back");
  status = ns_safetensors_read_f32 (&file, tensor, values, 5, &err);
  check (status == NS_ERROR_ARGUMENT && strstr (err.message, "6 elements"),
         "safetensors: a wrong element count is refused: %s", err.message);
  tensor = ns_safetensors_find (&file, "a.count");
  status = ns_safetensors_read_f32 (&file, tensor, values, 1, &err);
  check (tensor && tensor->rank == 0 && status == NS_ERROR_FORMAT && strstr (err.message, "I64"),
         "safetensors: an I64 scalar is listed but not read as floats: %s", err.message);
  tensor = ns_safetensors_find (&file, "empty");
  status = ns_safetensors_read_f32 (&file, tensor, values, 0, &err);
  check (status == NS_OK, "safetensors: an empty tensor reads as nothing");
  ns_safetensors_close (&file);
  check (file.stream == NULL && file.tensors == NULL, "safetensors: close leaves the struct empty");
  model_free (&model);
  remove (path);
}

/* ---- VGG19 loads ---- */

static void
test_valid_f32 (void)
{
  char path[4200];
  test_model model;
  ns_weights weights;
  ns_error err;
  ns_status status;
  int i, ok;

  temp_path (path, sizeof path, "vgg19-f32.safetensors");
  model_init (&model);
  snprintf (model.metadata, sizeof model.metadata, "%s", caffe_metadata);
  add_vgg_convs (&model, NS_VGG19_CONV_COUNT);
  write_model (&model, path, NULL);

  status = ns_weights_load (&weights, path, NS_VGG19_CONV_COUNT, &err);
  check (status == NS_OK && weights.conv_count == NS_VGG19_CONV_COUNT,
         "vgg19: a full F32 file with Caffe metadata loads %s", status == NS_OK ? "" : err.message);
  if (status == NS_OK)
    {
      check (convs_match_model (&weights, &model, NS_VGG19_CONV_COUNT),
             "vgg19: all 16 convolutions match the file bit for bit");
      check (is_caffe_convention (&weights.input),
             "vgg19: the convention is BGR, range 255, Caffe's means, std 1");
    }
  ns_weights_clear (&weights);

  status = ns_weights_load (&weights, path, 3, &err);
  ok = status == NS_OK && weights.conv_count == 3 && convs_match_model (&weights, &model, 3);
  for (i = 3; i < NS_VGG19_CONV_COUNT; i++)
    ok = ok && !weights.conv[i].weight && !weights.conv[i].bias;
  check (ok, "vgg19: conv_count 3 loads only the first three convolutions");
  ns_weights_clear (&weights);

  expect_load_failure ("conv_count 0", path, 0, NS_ERROR_ARGUMENT, "0", NULL);
  expect_load_failure ("conv_count 17", path, 17, NS_ERROR_ARGUMENT, "17", NULL);
  model_free (&model);
  remove (path);
}

static void
test_conventions (void)
{
  char path[4200];
  test_model model;
  ns_weights weights;
  ns_error err;
  ns_status status;

  temp_path (path, sizeof path, "vgg19-convention.safetensors");
  model_init (&model);
  add_vgg_convs (&model, 2);

  write_model (&model, path, NULL);
  status = ns_weights_load (&weights, path, 2, &err);
  check (status == NS_OK && is_torchvision_convention (&weights.input) &&
             convs_match_model (&weights, &model, 2),
         "vgg19: without metadata the convention is torchvision's");
  ns_weights_clear (&weights);

  snprintf (model.metadata, sizeof model.metadata, "{\"format\":\"pt\"}");
  write_model (&model, path, NULL);
  status = ns_weights_load (&weights, path, 2, &err);
  check (status == NS_OK && is_torchvision_convention (&weights.input),
         "vgg19: metadata without input_* keys means torchvision's convention");
  ns_weights_clear (&weights);

  snprintf (model.metadata, sizeof model.metadata,
            "{\"input_channel_order\":\"RGB\",\"input_range\":\"0-1\","
            "\"input_mean\":\" 0.5, 0.25 ,0.125\","
            "\"input_std\":\"0.5,2,4\"}");
  write_model (&model, path, NULL);
  status = ns_weights_load (&weights, path, 2, &err);
  check (status == NS_OK && weights.input.rgb_index[0] == 0 && weights.input.rgb_index[2] == 2 &&
             weights.input.range == 1.0f && weights.input.mean[0] == 0.5f &&
             weights.input.mean[1] == 0.25f && weights.input.mean[2] == 0.125f &&
             weights.input.std[0] == 0.5f && weights.input.std[1] == 2.0f &&
             weights.input.std[2] == 4.0f,
         "vgg19: explicit RGB metadata is followed %s", status == NS_OK ? "" : err.message);
  ns_weights_clear (&weights);

  snprintf (model.metadata, sizeof model.metadata,
            "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\","
            "\"input_mean\":\"1,2,3\",\"input_std\":\"1,0,1\"}");
  write_model (&model, path, NULL);
  expect_load_failure ("a zero input_std", path, 2, NS_ERROR_FORMAT, "input_std", "positive", NULL);

  snprintf (model.metadata, sizeof model.metadata,
            "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\","
            "\"input_mean\":\"1,2,3\",\"input_std\":\"1,-1,1\"}");
  write_model (&model, path, NULL);
  expect_load_failure ("a negative input_std", path, 2, NS_ERROR_FORMAT, "positive", NULL);

  snprintf (model.metadata, sizeof model.metadata,
            "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\","
            "\"input_mean\":\"1,2\",\"input_std\":\"1,1,1\"}");
  write_model (&model, path, NULL);
  expect_load_failure ("an input_mean of two numbers", path, 2, NS_ERROR_FORMAT, "input_mean", NULL);

  snprintf (model.metadata, sizeof model.metadata,
            "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\","
            "\"input_mean\":\"1,2,3,4\",\"input_std\":\"1,1,1\"}");
  write_model (&model, path, NULL);
  expect_load_failure ("an input_mean of four numbers", path, 2, NS_ERROR_FORMAT, "input_mean", NULL);

  snprintf (model.metadata, sizeof model.metadata,
            "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\","
            "\"input_mean\":\"1,x,3\",\"input_std\":\"1,1,1\"}");
  write_model (&model, path, NULL);
  expect_load_failure ("an input_mean that is not numbers", path, 2, NS_ERROR_FORMAT, "input_mean",
                       NULL);

  snprintf (model.metadata, sizeof model.metadata,
            "{\"input_channel_order\":\"GBR\",\"input_range\":\"0-255\","
            "\"input_mean\":\"1,2,3\",\"input_std\":\"1,1,1\"}");
  write_model (&model, path, NULL);
  expect_load_failure ("input_channel_order GBR", path, 2, NS_ERROR_FORMAT, "input_channel_order",
                       "GBR", NULL);

  snprintf (model.metadata, sizeof model.metadata,
            "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-100\","
            "\"input_mean\":\"1,2,3\",\"input_std\":\"1,1,1\"}");
  write_model (&model, path, NULL);
  expect_load_failure ("input_range 0-100", path, 2, NS_ERROR_FORMAT, "input_range", NULL);

  snprintf (model.metadata, sizeof model.metadata, "{\"input_channel_order\":\"BGR\"}");
  write_model (&model, path, NULL);
  expect_load_failure ("partial input metadata", path, 2, NS_ERROR_FORMAT, "input_range", NULL);

  snprintf (model.metadata, sizeof model.metadata, "{\"input_channel_order\":3}");
  write_model (&model, path, NULL);
  expect_load_failure ("a metadata value that is not a string", path, 2, NS_ERROR_FORMAT,
                       "__metadata__", NULL);

  model_free (&model);
  remove (path);
}

/* Half and bfloat16 bit patterns with their exact float values. */
static const struct
{
  uint16_t bits;
  float value;
} half_cases[] = {
  { 0x0000, 0.0f },
  { 0x8000, -0.0f },
  { 0x3c00, 1.0f },
  { 0xc000, -2.0f },
  { 0x3555, 0x1.554p-2f },      /* 0.333251953125 */
  { 0x0001, 0x1p-24f },         /* smallest subnormal */
  { 0x03ff, 0x1.ff8p-15f },     /* largest subnormal */
  { 0x0400, 0x1p-14f },         /* smallest normal */
  { 0x7bff, 65504.0f },         /* largest */
  { 0xfbff, -65504.0f },
  { 0x1234, 0x1.8dp-11f },
}, bfloat_cases[] = {
  { 0x0000, 0.0f },
  { 0x8000, -0.0f },
  { 0x3f80, 1.0f },
  { 0xc040, -3.0f },
  { 0x3eab, 0x1.56p-2f },       /* 0.333984375 */
  { 0x4049, 3.140625f },
  { 0x0001, 0x1p-133f },        /* subnormal */
  { 0x7f7f, 0x1.fep127f },      /* largest */
  { 0xff7f, -0x1.fep127f },
};

static const double double_cases[] = { 1.5, -0.1, 1e-40, 3.0e38, -0.0, 0.0 };

#define COUNT_OF(array) (sizeof (array) / sizeof (array)[0])

static void
test_conversions (void)
{
  char path[4200];
  test_model model;
  ns_weights weights;
  test_tensor *tensor;
  ns_error err;
  ns_status status;
  size_t k;
  int ok;

  temp_path (path, sizeof path, "vgg19-f16.safetensors");
  model_init (&model);
  snprintf (model.metadata, sizeof model.metadata, "%s", caffe_metadata);
  add_vgg_convs (&model, 2);

  /* conv1_1 weight as F16, its bias as BF16, conv1_2's bias as F64. */
  tensor = find_test_tensor (&model, "features.0.weight");
  snprintf (tensor->dtype, sizeof tensor->dtype, "F16");
  tensor->byte_count /= 2;
  for (k = 0; k < tensor->byte_count / 2; k++)
    store_u16 (tensor->bytes + 2 * k, half_cases[k % COUNT_OF (half_cases)].bits);
  tensor = find_test_tensor (&model, "features.0.bias");
  snprintf (tensor->dtype, sizeof tensor->dtype, "BF16");
  tensor->byte_count /= 2;
  for (k = 0; k < tensor->byte_count / 2; k++)
    store_u16 (tensor->bytes + 2 * k, bfloat_cases[k % COUNT_OF (bfloat_cases)].bits);
  tensor = find_test_tensor (&model, "features.2.bias");
  snprintf (tensor->dtype, sizeof tensor->dtype, "F64");
  free (tensor->bytes);
  tensor->byte_count = 64 * 8;
  tensor->bytes = malloc (tensor->byte_count);
  if (!tensor->bytes)
    abort ();
  for (k = 0; k < 64; k++)
    {
      uint64_t bits;
      double value = double_cases[k % COUNT_OF (double_cases)];
      memcpy (&bits, &value, sizeof bits);
      store_u64 (tensor->bytes + 8 * k, bits);
    }
  write_model (&model, path, NULL);

  status = ns_weights_load (&weights, path, 2, &err);
  check (status == NS_OK, "vgg19: a file mixing F16, BF16, F64 and F32 loads %s",
         status == NS_OK ? "" : err.message);
  if (status == NS_OK)
    {
      ok = 1;
      for (k = 0; k < 64 * 3 * 9; k++)
        ok = ok && float_bits (weights.conv[0].weight[k]) ==
                       float_bits (half_cases[k % COUNT_OF (half_cases)].value);
      check (ok, "vgg19: F16 values (subnormals, extremes, -0) convert exactly");
      ok = 1;
      for (k = 0; k < 64; k++)
        ok = ok && float_bits (weights.conv[0].bias[k]) ==
                       float_bits (bfloat_cases[k % COUNT_OF (bfloat_cases)].value);
      check (ok, "vgg19: BF16 values convert exactly");
      ok = 1;
      for (k = 0; k < 64; k++)
        ok = ok && float_bits (weights.conv[1].bias[k]) ==
                       float_bits ((float) double_cases[k % COUNT_OF (double_cases)]);
      check (ok, "vgg19: F64 values round to the nearest float");
      tensor = find_test_tensor (&model, "features.2.weight");
      check (same_as_f32_bytes (weights.conv[1].weight, tensor->bytes, tensor->byte_count / 4),
             "vgg19: the F32 tensor beside them is exact");
    }
  ns_weights_clear (&weights);

  /* Non-finite values in each float format. */
  tensor = find_test_tensor (&model, "features.0.weight");
  store_u16 (tensor->bytes + 2 * 100, 0x7c00);
  write_model (&model, path, NULL);
  expect_load_failure ("an F16 infinity", path, 2, NS_ERROR_FORMAT, "features.0.weight",
                       "NaN or Inf", NULL);
  store_u16 (tensor->bytes + 2 * 100, 0x3c00);
  tensor = find_test_tensor (&model, "features.0.bias");
  store_u16 (tensor->bytes + 2 * 7, 0x7fc0);
  write_model (&model, path, NULL);
  expect_load_failure ("a BF16 NaN", path, 2, NS_ERROR_FORMAT, "features.0.bias", "NaN", NULL);
  store_u16 (tensor->bytes + 2 * 7, 0x3f80);
  tensor = find_test_tensor (&model, "features.2.bias");
  {
    double too_big = 1e39;
    uint64_t bits;
    memcpy (&bits, &too_big, sizeof bits);
    store_u64 (tensor->bytes + 8 * 3, bits);
  }
  write_model (&model, path, NULL);
  expect_load_failure ("an F64 value beyond float's range", path, 2, NS_ERROR_FORMAT,
                       "features.2.bias", "range", NULL);

  model_free (&model);
  remove (path);
}

static void
test_extra_tensors (void)
{
  char path[4200];
  test_model model;
  ns_weights weights;
  ns_error err;
  ns_status status;
  test_tensor *tensor;
  size_t k;

  temp_path (path, sizeof path, "vgg19-extra.safetensors");
  model_init (&model);
  /* Extras before, between and after the convolutions. */
  tensor = add_tensor (&model, "aaa.first", "U8", 1, (const uint64_t[]) { 5 }, 5);
  memset (tensor->bytes, 0xff, 5);
  add_vgg_convs (&model, 2);
  tensor = add_tensor (&model, "classifier.0.weight", "F32", 2, (const uint64_t[]) { 10, 20 }, 800);
  for (k = 0; k < 200; k++)
    store_u32 (tensor->bytes + 4 * k, 0x7fc00000u); /* NaN: never read */
  add_tensor (&model, "classifier.6.bias", "BF16", 1, (const uint64_t[]) { 10 }, 20);
  add_tensor (&model, "features.1.num_batches_tracked", "I64", 0, NULL, 8);
  add_tensor (&model, "features.99.weight", "F8_E4M3", 2, (const uint64_t[]) { 3, 3 }, 9);
  write_model (&model, path, NULL);

  status = ns_weights_load (&weights, path, 2, &err);
  check (status == NS_OK && convs_match_model (&weights, &model, 2) &&
             is_torchvision_convention (&weights.input),
         "vgg19: extra tensors (classifier, integers, F8) are ignored %s",
         status == NS_OK ? "" : err.message);
  ns_weights_clear (&weights);
  model_free (&model);
  remove (path);
}

static void
test_hostile_files (void)
{
  char path[4200], directory_path[4200];
  test_model model;
  write_options options;
  test_tensor *tensor;
  size_t header_text_length;
  static const char json_header[] =
      "{\"features.0.weight\":{\"dtype\":\"F32\",\"shape\":[64,3,3,3],"
      "\"data_offsets\":[0,6912]}"; /* no closing brace */
  static const char not_a_table[] = "{\"a\":{\"dtype\":\"F32\",\"a\":1}}";

  temp_path (path, sizeof path, "hostile.safetensors");
  model_init (&model);
  snprintf (model.metadata, sizeof model.metadata, "%s", caffe_metadata);
  add_vgg_convs (&model, 5);

  /* Sanity: the unmodified file loads. */
  write_model (&model, path, NULL);
  {
    ns_weights weights;
    ns_error err;
    check (ns_weights_load (&weights, path, 5, &err) == NS_OK,
           "hostile: the unmodified five-conv file loads");
    ns_weights_clear (&weights);
  }

  memset (&options, 0, sizeof options);
  options.truncate_by = 1000;
  write_model (&model, path, &options);
  expect_load_failure ("a file with truncated data", path, 5, NS_ERROR_FORMAT, "truncated", NULL);
  expect_load_failure ("a file with truncated data, loading conv 1 only", path, 1, NS_ERROR_FORMAT,
                       "truncated", NULL);

  /* Cut inside the header: keep the length field and 100 header bytes. */
  write_model (&model, path, NULL);
  if (truncate (path, 108) != 0)
    abort ();
  expect_load_failure ("a file with a truncated header", path, 5, NS_ERROR_FORMAT, "truncated", NULL);

  memset (&options, 0, sizeof options);
  options.override_header_length = 1;
  options.header_length = 99999999;
  write_model (&model, path, &options);
  expect_load_failure ("a header length larger than the file", path, 5, NS_ERROR_FORMAT,
                       "header length", "truncated", NULL);
  options.header_length = UINT64_MAX;
  write_model (&model, path, &options);
  expect_load_failure ("a header length of 2^64-1", path, 5, NS_ERROR_FORMAT, "header length",
                       "limit", NULL);
  options.header_length = 0;
  write_model (&model, path, &options);
  expect_load_failure ("a header length of 0", path, 5, NS_ERROR_FORMAT, "header length", NULL);

  write_raw (path, 0, "", 0, "abcde", 5);
  if (truncate (path, 5) != 0)
    abort ();
  expect_load_failure ("a 5-byte file", path, 5, NS_ERROR_FORMAT, "truncated", NULL);
  write_raw (path, 0, "", 0, "", 0);
  if (truncate (path, 0) != 0)
    abort ();
  expect_load_failure ("an empty file", path, 5, NS_ERROR_FORMAT, "truncated", NULL);

  header_text_length = strlen (json_header);
  write_raw (path, header_text_length, json_header, header_text_length, model.tensors[0].bytes, 6912);
  expect_load_failure ("a header of bad JSON", path, 1, NS_ERROR_FORMAT, "JSON", NULL);
  write_raw (path, strlen (not_a_table), not_a_table, strlen (not_a_table), "", 0);
  expect_load_failure ("a header that is not a tensor table", path, 1, NS_ERROR_FORMAT, "shape",
                       NULL);
  write_raw (path, 8, "[1,2,3] ", 8, "", 0);
  expect_load_failure ("a header that is an array", path, 1, NS_ERROR_FORMAT,
                       "not a safetensors file", NULL);
  write_raw (path, 16, "{\"a\":1,\"a\":2}   ", 16, "", 0);
  expect_load_failure ("a header with a duplicate key", path, 1, NS_ERROR_FORMAT, "duplicate", NULL);
  write_raw (path, 16, "{\"__metadata__\":", 16, "", 0);
  expect_load_failure ("a header cut inside its JSON", path, 1, NS_ERROR_FORMAT, "JSON", NULL);

  /* Wrong shape, with a byte size that agrees with it. */
  tensor = find_test_tensor (&model, "features.10.weight");
  tensor->shape[3] = 1;
  tensor->byte_count /= 3;
  write_model (&model, path, NULL);
  expect_load_failure ("a wrong shape", path, 5, NS_ERROR_FORMAT,
                       "features.10.weight has shape [256,128,3,1], expected "
                       "[256,128,3,3]",
                       NULL);
  tensor->shape[3] = 3;
  tensor->byte_count *= 3;
  tensor = find_test_tensor (&model, "features.10.bias");
  tensor->rank = 2;
  tensor->shape[1] = 1;
  write_model (&model, path, NULL);
  expect_load_failure ("a bias of rank 2", path, 5, NS_ERROR_FORMAT,
                       "features.10.bias has shape [256,1], expected [256]", NULL);
  tensor->rank = 1;

  /* A missing tensor. */
  write_model (&model, path, NULL);
  expect_load_failure ("a request for conv 6 of a five-conv file", path, 6, NS_ERROR_FORMAT,
                       "features.12.weight is missing", NULL);
  tensor = find_test_tensor (&model, "features.2.bias");
  {
    test_tensor saved = *tensor;
    saved.bytes = malloc (saved.byte_count);
    if (!saved.bytes)
      abort ();
    memcpy (saved.bytes, tensor->bytes, saved.byte_count);
    remove_test_tensor (&model, "features.2.bias");
    write_model (&model, path, NULL);
    expect_load_failure ("a missing bias", path, 5, NS_ERROR_FORMAT, "features.2.bias is missing",
                         NULL);
    model.tensors[model.count++] = saved;
  }

  /* NaN and Inf in F32. */
  tensor = find_test_tensor (&model, "features.0.weight");
  store_u32 (tensor->bytes + 4 * 17, 0x7fc00000u);
  write_model (&model, path, NULL);
  expect_load_failure ("a NaN weight", path, 5, NS_ERROR_FORMAT, "features.0.weight", "NaN", NULL);
  store_u32 (tensor->bytes + 4 * 17, 0);
  tensor = find_test_tensor (&model, "features.5.bias");
  store_u32 (tensor->bytes + 4 * 127, 0xff800000u);
  write_model (&model, path, NULL);
  expect_load_failure ("a -Inf bias", path, 5, NS_ERROR_FORMAT, "features.5.bias", "Inf", NULL);
  store_u32 (tensor->bytes + 4 * 127, 0);

  /* dtypes. */
  tensor = find_test_tensor (&model, "features.0.bias");
  snprintf (tensor->dtype, sizeof tensor->dtype, "Q7");
  write_model (&model, path, NULL);
  expect_load_failure ("an unknown dtype", path, 5, NS_ERROR_FORMAT, "features.0.bias",
                       "unknown dtype", "Q7", NULL);
  snprintf (tensor->dtype, sizeof tensor->dtype, "I32");
  write_model (&model, path, NULL);
  expect_load_failure ("an integer bias", path, 5, NS_ERROR_FORMAT, "features.0.bias", "I32", NULL);
  snprintf (tensor->dtype, sizeof tensor->dtype, "F32");

  /* Offsets. */
  tensor->override_offsets = 1;
  tensor->offsets[0] = 6912;
  tensor->offsets[1] = 1000000000000u;
  write_model (&model, path, NULL);
  expect_load_failure ("offsets out of range", path, 5, NS_ERROR_FORMAT, "data_offsets",
                       "out of range", NULL);
  tensor->offsets[0] = 7168;
  tensor->offsets[1] = 6912;
  write_model (&model, path, NULL);
  expect_load_failure ("offsets that end before they begin", path, 5, NS_ERROR_FORMAT,
                       "data_offsets", "before", NULL);
  tensor->offsets[0] = 6912;
  tensor->offsets[1] = 7164;
  write_model (&model, path, NULL);
  expect_load_failure ("a byte size that disagrees with the shape", path, 5, NS_ERROR_FORMAT,
                       "features.0.bias", "252 bytes", "needs 256 bytes", NULL);
  tensor->offsets[0] = 0;
  tensor->offsets[1] = 256;
  write_model (&model, path, NULL);
  expect_load_failure ("overlapping tensors", path, 5, NS_ERROR_FORMAT, "overlap", NULL);
  tensor->override_offsets = 0;

  memset (&options, 0, sizeof options);
  options.trailing = "junk";
  write_model (&model, path, &options);
  expect_load_failure ("bytes after the last tensor", path, 5, NS_ERROR_FORMAT, "not described",
                       NULL);

  tensor = add_tensor (&model, "huge", "F32", 3, (const uint64_t[]) { 1ull << 32, 1ull << 32, 2 }, 0);
  write_model (&model, path, NULL);
  expect_load_failure ("a shape whose size overflows", path, 5, NS_ERROR_FORMAT, "huge",
                       "overflows", NULL);
  remove_test_tensor (&model, "huge");
  remove (path);

  expect_load_failure ("a nonexistent path", path, 5, NS_ERROR_IO, "hostile.safetensors",
                       "cannot open", NULL);
  snprintf (directory_path, sizeof directory_path, "%s", temp_dir);
  expect_load_failure ("a directory", directory_path, 5, NS_ERROR_IO, "not a regular file", NULL);
  expect_load_failure ("an empty path", "", 5, NS_ERROR_ARGUMENT, "", NULL);

  model_free (&model);
}

/* ---- the real weights ---- */

static void
test_real_weights (void)
{
  const char *path = getenv ("NEURAL_STYLE_TEST_WEIGHTS");
  ns_weights weights;
  ns_error err;
  ns_status status;
  int i, finite = 1, shapes = 1;

  if (!path || !*path || access (path, R_OK) != 0)
    {
      tap_skip ("real weights (NEURAL_STYLE_TEST_WEIGHTS %s%s)",
                path && *path ? "names a missing file: " : "is not set", path && *path ? path : "");
      return;
    }
  status = ns_weights_load (&weights, path, NS_VGG19_CONV_COUNT, &err);
  check (status == NS_OK && weights.conv_count == NS_VGG19_CONV_COUNT,
         "real weights: all 16 convolutions of %s load %s", path, status == NS_OK ? "" : err.message);
  if (status != NS_OK)
    return;
  check (is_caffe_convention (&weights.input),
         "real weights: BGR, range 255, means 103.939,116.779,123.68, std 1");
  for (i = 0; i < NS_VGG19_CONV_COUNT; i++)
    {
      const ns_conv_weights *conv = &weights.conv[i];
      size_t n = (size_t) conv->out_channels * (size_t) conv->in_channels * 9;
      size_t k;

      shapes = shapes && conv->in_channels == ns_vgg19_conv_in_channels (i) &&
               conv->out_channels == ns_vgg19_conv_out_channels (i);
      for (k = 0; k < n; k++)
        finite = finite && isfinite (conv->weight[k]);
      for (k = 0; k < (size_t) conv->out_channels; k++)
        finite = finite && isfinite (conv->bias[k]);
    }
  check (shapes, "real weights: channel counts are VGG19's");
  check (finite, "real weights: every weight and bias is finite");
  ns_weights_clear (&weights);
}

int
main (void)
{
  const char *tmp = getenv ("TMPDIR");

  snprintf (temp_dir, sizeof temp_dir, "%s/test-weights-loader-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp (temp_dir))
    {
      perror ("mkdtemp");
      return 1;
    }

  test_json_headers ();
  test_header_integers ();
  test_metadata_numbers ();
  test_safetensors_reader ();
  test_valid_f32 ();
  test_conventions ();
  test_conversions ();
  test_extra_tensors ();
  test_hostile_files ();
  test_real_weights ();

  if (rmdir (temp_dir) != 0)
    check (0, "the temporary directory %s is left empty", temp_dir);
  return tap_done ();
}
