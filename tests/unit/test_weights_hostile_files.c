/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_weights_load on hostile files: every broken, truncated, oversized or
 * inconsistent file is refused with NS_ERROR_FORMAT or NS_ERROR_IO, a message
 * naming what is wrong, and no weights left behind.  Reports TAP (tap.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ns_weights.h"
#include "safetensors_files.h"

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
  snprintf (model.metadata, sizeof model.metadata, "%s", CAFFE_METADATA);
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
  tensor = model_tensor (&model, "features.10.weight");
  tensor->shape[3] = 1;
  tensor->byte_count /= 3;
  write_model (&model, path, NULL);
  expect_load_failure ("a wrong shape", path, 5, NS_ERROR_FORMAT,
                       "features.10.weight has shape [256,128,3,1], expected "
                       "[256,128,3,3]",
                       NULL);
  tensor->shape[3] = 3;
  tensor->byte_count *= 3;
  tensor = model_tensor (&model, "features.10.bias");
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
  tensor = model_tensor (&model, "features.2.bias");
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
  tensor = model_tensor (&model, "features.0.weight");
  store_u32 (tensor->bytes + 4 * 17, 0x7fc00000u);
  write_model (&model, path, NULL);
  expect_load_failure ("a NaN weight", path, 5, NS_ERROR_FORMAT, "features.0.weight", "NaN", NULL);
  store_u32 (tensor->bytes + 4 * 17, 0);
  tensor = model_tensor (&model, "features.5.bias");
  store_u32 (tensor->bytes + 4 * 127, 0xff800000u);
  write_model (&model, path, NULL);
  expect_load_failure ("a -Inf bias", path, 5, NS_ERROR_FORMAT, "features.5.bias", "Inf", NULL);
  store_u32 (tensor->bytes + 4 * 127, 0);

  /* dtypes. */
  tensor = model_tensor (&model, "features.0.bias");
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

int
main (void)
{
  static void (*const tests[]) (void) = { test_hostile_files };
  return run_in_temp_dir ("test-weights-hostile-files", tests, sizeof tests / sizeof tests[0]);
}
