/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The safetensors reader (core/io/safetensors.c) on synthetic files written
 * here: the JSON header (parsed by jansson) and its integers, the metadata's
 * numbers in any locale, and reading tensors back.  Reports TAP (tap.h). */
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "safetensors.h"
#include "safetensors_files.h"

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

  vgg_convs_model (&model, 1, path, sizeof path, "numbers.safetensors");
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

int
main (void)
{
  static void (*const tests[]) (void) = { test_json_headers, test_header_integers,
                                          test_metadata_numbers, test_safetensors_reader };
  return run_in_temp_dir ("test-safetensors-reader", tests, sizeof tests / sizeof tests[0]);
}
