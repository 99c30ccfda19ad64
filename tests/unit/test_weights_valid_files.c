/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_weights_load on valid VGG19 files: F32 bit for bit, the input
 * conventions from the metadata (and its refusals), F16, BF16 and F64
 * converted exactly, extra tensors ignored; and the real weights file when
 * NEURAL_STYLE_TEST_WEIGHTS names one.  Reports TAP (tap.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns_weights.h"
#include "safetensors_files.h"

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
  snprintf (model.metadata, sizeof model.metadata, "%s", CAFFE_METADATA);
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

/* Input metadata the loader refuses, with what its message names. */
static const struct
{
  const char *what, *metadata, *needle, *second_needle;
} refused[] = {
  { "a zero input_std",
    "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\","
    "\"input_mean\":\"1,2,3\",\"input_std\":\"1,0,1\"}",
    "input_std", "positive" },
  { "a negative input_std",
    "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\","
    "\"input_mean\":\"1,2,3\",\"input_std\":\"1,-1,1\"}",
    "positive", NULL },
  { "an input_mean of two numbers",
    "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\","
    "\"input_mean\":\"1,2\",\"input_std\":\"1,1,1\"}",
    "input_mean", NULL },
  { "an input_mean of four numbers",
    "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\","
    "\"input_mean\":\"1,2,3,4\",\"input_std\":\"1,1,1\"}",
    "input_mean", NULL },
  { "an input_mean that is not numbers",
    "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-255\","
    "\"input_mean\":\"1,x,3\",\"input_std\":\"1,1,1\"}",
    "input_mean", NULL },
  { "input_channel_order GBR",
    "{\"input_channel_order\":\"GBR\",\"input_range\":\"0-255\","
    "\"input_mean\":\"1,2,3\",\"input_std\":\"1,1,1\"}",
    "input_channel_order", "GBR" },
  { "input_range 0-100",
    "{\"input_channel_order\":\"BGR\",\"input_range\":\"0-100\","
    "\"input_mean\":\"1,2,3\",\"input_std\":\"1,1,1\"}",
    "input_range", NULL },
  { "partial input metadata", "{\"input_channel_order\":\"BGR\"}", "input_range", NULL },
  { "a metadata value that is not a string", "{\"input_channel_order\":3}", "__metadata__", NULL },
};

static void
test_conventions (void)
{
  char path[4200];
  test_model model;
  ns_weights weights;
  ns_error err;
  ns_status status;
  size_t i;

  vgg_convs_model (&model, 2, path, sizeof path, "vgg19-convention.safetensors");

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

  for (i = 0; i < sizeof refused / sizeof refused[0]; i++)
    {
      snprintf (model.metadata, sizeof model.metadata, "%s", refused[i].metadata);
      write_model (&model, path, NULL);
      expect_load_failure (refused[i].what, path, 2, NS_ERROR_FORMAT, refused[i].needle,
                           refused[i].second_needle, NULL);
    }

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
  snprintf (model.metadata, sizeof model.metadata, "%s", CAFFE_METADATA);
  add_vgg_convs (&model, 2);

  /* conv1_1 weight as F16, its bias as BF16, conv1_2's bias as F64. */
  tensor = model_tensor (&model, "features.0.weight");
  snprintf (tensor->dtype, sizeof tensor->dtype, "F16");
  tensor->byte_count /= 2;
  for (k = 0; k < tensor->byte_count / 2; k++)
    store_u16 (tensor->bytes + 2 * k, half_cases[k % COUNT_OF (half_cases)].bits);
  tensor = model_tensor (&model, "features.0.bias");
  snprintf (tensor->dtype, sizeof tensor->dtype, "BF16");
  tensor->byte_count /= 2;
  for (k = 0; k < tensor->byte_count / 2; k++)
    store_u16 (tensor->bytes + 2 * k, bfloat_cases[k % COUNT_OF (bfloat_cases)].bits);
  tensor = model_tensor (&model, "features.2.bias");
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
      tensor = model_tensor (&model, "features.2.weight");
      check (same_as_f32_bytes (weights.conv[1].weight, tensor->bytes, tensor->byte_count / 4),
             "vgg19: the F32 tensor beside them is exact");
    }
  ns_weights_clear (&weights);

  /* Non-finite values in each float format. */
  tensor = model_tensor (&model, "features.0.weight");
  store_u16 (tensor->bytes + 2 * 100, 0x7c00);
  write_model (&model, path, NULL);
  expect_load_failure ("an F16 infinity", path, 2, NS_ERROR_FORMAT, "features.0.weight",
                       "NaN or Inf", NULL);
  store_u16 (tensor->bytes + 2 * 100, 0x3c00);
  tensor = model_tensor (&model, "features.0.bias");
  store_u16 (tensor->bytes + 2 * 7, 0x7fc0);
  write_model (&model, path, NULL);
  expect_load_failure ("a BF16 NaN", path, 2, NS_ERROR_FORMAT, "features.0.bias", "NaN", NULL);
  store_u16 (tensor->bytes + 2 * 7, 0x3f80);
  tensor = model_tensor (&model, "features.2.bias");
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
  static void (*const tests[]) (void) = { test_valid_f32, test_conventions, test_conversions,
                                          test_extra_tensors, test_real_weights };
  return run_in_temp_dir ("test-weights-valid-files", tests, sizeof tests / sizeof tests[0]);
}
