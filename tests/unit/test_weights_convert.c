/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of ns_weights_convert (what `neural-style convert-weights` and
 * neural-style-get-weights run) and its parts: ns_float_to_half against
 * IEEE's rounding, exhaustively; the conversion of synthetic weights through
 * the API and through the CLI (F32 bit for bit, F16 as rounded, the input
 * convention in the metadata, no classifier, the style-transfer gradient of
 * F16 weights against F32's); and the refusals, which leave OUT as it was.
 *   test-weights-convert [NEURAL_STYLE_CLI]   synthetic weights
 *   test-weights-convert --real               $NEURAL_STYLE_TEST_WEIGHTS to F16
 * Files go to a folder made in the working directory (the build's) and are
 * deleted.  Reports TAP (tap.h). */
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layer_sets.h"
#include "objective.h"
#include "safetensors.h"
#include "synthetic_weights.h"
#include "test_util.h"

static char temp_dir[256];

static void
temp_path (char *path, size_t size, const char *name)
{
  snprintf (path, size, "%s/%s", temp_dir, name);
}

static float
float_of_bits (uint32_t bits)
{
  float value;
  memcpy (&value, &bits, sizeof value);
  return value;
}

/* An F16's value, from IEEE's definition (not the loader's code). */
static float
half_value (uint16_t half)
{
  const int exponent = (half >> 10) & 31, mantissa = half & 0x3ff;
  double value;

  if (exponent == 0)
    value = ldexp (mantissa, -24);
  else if (exponent == 31)
    value = mantissa ? NAN : INFINITY;
  else
    value = ldexp (1024 + mantissa, exponent - 25);
  return (float) ((half & 0x8000) ? -value : value);
}

/* ---- ns_float_to_half ---- */

static void
test_float_to_half (void)
{
  static const struct
  {
    const char *what;
    float value;
    uint16_t bits;
    int result;
  } cases[] = {
    { "0", 0.0f, 0x0000, 0 },
    { "-0", -0.0f, 0x8000, 0 },
    { "1", 1.0f, 0x3c00, 0 },
    { "-2", -2.0f, 0xc000, 0 },
    { "65504, the largest F16", 65504.0f, 0x7bff, 0 },
    { "65519 (below the midpoint to 65536)", 65519.0f, 0x7bff, 0 },
    { "65520 (the midpoint: to even, which is infinity)", 65520.0f, 0x7c00, -1 },
    { "1e6", 1e6f, 0x7c00, -1 },
    { "-1e6", -1e6f, 0xfc00, -1 },
    { "2^-24, the smallest subnormal", 0x1p-24f, 0x0001, 0 },
    { "2^-14, the smallest normal", 0x1p-14f, 0x0400, 0 },
    { "2^-25 (halfway to 2^-24: to even, 0)", 0x1p-25f, 0x0000, 0 },
    { "3 * 2^-25 (halfway between 1 and 2 subnormal steps: to 2)", 0x3p-25f, 0x0002, 0 },
    { "-2^-30 (rounds to -0)", -0x1p-30f, 0x8000, 0 },
    { "1 + 2^-11 (halfway between 1 and the next: to even, 1)", 1.0f + 0x1p-11f, 0x3c00, 0 },
    { "1 + 3 * 2^-11 (halfway: to even, up)", 1.0f + 0x3p-11f, 0x3c02, 0 },
    { "1 + 2^-11 + 2^-20 (just above halfway: up)", 1.0f + 0x1p-11f + 0x1p-20f, 0x3c01, 0 },
    { "infinity", INFINITY, 0x7c00, 0 },
    { "-infinity", -INFINITY, 0xfc00, 0 },
  };
  int all = 1;
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
    {
      uint16_t half = 0x1234;
      const int result = ns_float_to_half (cases[k].value, &half);
      const int ok = half == cases[k].bits && result == cases[k].result;
      if (!ok)
        tap_note ("%s: got 0x%04x (result %d), want 0x%04x (result %d)", cases[k].what, half,
                  result, cases[k].bits, cases[k].result);
      all &= ok;
    }
  tap_check (all,
             "ns_float_to_half: %zu exact cases (zeros, 1, 65504, overflow, subnormals, "
             "ties to even, infinities)",
             sizeof cases / sizeof cases[0]);

  /* NaNs stay NaNs, also one whose payload lies only in bits F16 drops */
  uint16_t half;
  const float quiet = NAN, low_payload = float_of_bits (0x7f800001u);
  const int quiet_ok = ns_float_to_half (quiet, &half) == 0 && (half & 0x7c00) == 0x7c00 &&
                       (half & 0x3ff) != 0;
  const int low_ok = ns_float_to_half (low_payload, &half) == 0 && (half & 0x7c00) == 0x7c00 &&
                     (half & 0x3ff) != 0;
  tap_check (quiet_ok && low_ok, "ns_float_to_half: NaN stays NaN (also with a low payload)");

  /* Every finite F16 converts back to itself; the midpoint between every
   * two neighbours goes to the even one, a float step either side of it to
   * the nearer one. */
  long wrong_exact = 0, wrong_ties = 0, ties = 0;
  for (uint32_t h = 0; h < 0x10000; h++)
    {
      if ((h & 0x7c00) == 0x7c00)
        continue;
      if (ns_float_to_half (half_value ((uint16_t) h), &half) != 0 || half != h)
        wrong_exact++;
      const uint32_t next = h + 1;
      if ((h & 0x7fff) == 0x7bff) /* the largest: its upper neighbour is infinity */
        continue;
      const float low = half_value ((uint16_t) h), high = half_value ((uint16_t) next);
      const float middle = (float) (((double) low + (double) high) / 2.0);
      const uint16_t even = (h & 1) ? (uint16_t) next : (uint16_t) h;
      uint16_t at, below, above;
      const int results = ns_float_to_half (middle, &at) |
                          ns_float_to_half (nextafterf (middle, low), &below) |
                          ns_float_to_half (nextafterf (middle, high), &above);
      ties++;
      if (results != 0 || at != even || below != h || above != next)
        wrong_ties++;
    }
  tap_check (wrong_exact == 0,
             "ns_float_to_half: all 63488 finite F16 values round-trip (%ld wrong)", wrong_exact);
  tap_check (wrong_ties == 0 && ties > 60000,
             "ns_float_to_half: %ld midpoints go to the even neighbour, a float step off them to "
             "the nearer one (%ld wrong)",
             ties, wrong_ties);
}

/* ---- files ---- */

static unsigned char *
read_whole (const char *path, size_t *size)
{
  FILE *stream = fopen (path, "rb");
  unsigned char *bytes = NULL;
  long length;

  *size = 0;
  if (!stream)
    return NULL;
  if (fseek (stream, 0, SEEK_END) == 0 && (length = ftell (stream)) >= 0 &&
      fseek (stream, 0, SEEK_SET) == 0 && (bytes = malloc ((size_t) length + 1)) &&
      fread (bytes, 1, (size_t) length, stream) == (size_t) length)
    *size = (size_t) length;
  else
    {
      free (bytes);
      bytes = NULL;
    }
  fclose (stream);
  return bytes;
}

static const char known_bytes[] = "an older OUT that a failed conversion must leave alone\n";

static void
write_known (const char *path)
{
  FILE *stream = fopen (path, "wb");
  if (!stream || fwrite (known_bytes, 1, sizeof known_bytes - 1, stream) != sizeof known_bytes - 1 ||
      fclose (stream) != 0)
    abort ();
}

static int
still_known (const char *path)
{
  size_t size;
  unsigned char *bytes = read_whole (path, &size);
  const int same = bytes && size == sizeof known_bytes - 1 && memcmp (bytes, known_bytes, size) == 0;
  free (bytes);
  return same;
}

static unsigned long long
vgg19_parameters (void)
{
  unsigned long long count = 0;
  for (int i = 0; i < NS_VGG19_CONV_COUNT; i++)
    count += (unsigned long long) ns_vgg19_conv_out_channels (i) *
             (9ull * (unsigned long long) ns_vgg19_conv_in_channels (i) + 1ull);
  return count;
}

/* Writes weights as an F32 safetensors file with metadata (NULL, 0: none)
 * and, when classifier, a classifier's two tensors too. */
static void
write_weights (const char *path, const ns_weights *weights,
               const ns_safetensors_metadata_entry *metadata, size_t metadata_count, int classifier)
{
  ns_safetensors_output_tensor tensors[2 * NS_VGG19_CONV_COUNT + 2];
  char names[2 * NS_VGG19_CONV_COUNT][32];
  static float classifier_weight[10 * 20], classifier_bias[10];
  size_t count = 0;
  ns_error err;

  memset (tensors, 0, sizeof tensors);
  for (int k = 0; k < 10 * 20; k++)
    classifier_weight[k] = (float) k / 100.0f;
  if (classifier)
    {
      /* first, so that the convolutions are not simply the file's start */
      tensors[count++] = (ns_safetensors_output_tensor) {
        "classifier.0.weight", SAFETENSORS_F32, 2, { 10, 20 }, classifier_weight
      };
      tensors[count++] = (ns_safetensors_output_tensor) {
        "classifier.0.bias", SAFETENSORS_F32, 1, { 10 }, classifier_bias
      };
    }
  for (int i = 0; i < NS_VGG19_CONV_COUNT; i++)
    {
      const ns_conv_weights *conv = &weights->conv[i];
      snprintf (names[2 * i], sizeof names[0], "features.%d.weight", ns_vgg19_conv_tensor_index (i));
      snprintf (names[2 * i + 1], sizeof names[0], "features.%d.bias",
                ns_vgg19_conv_tensor_index (i));
      tensors[count++] = (ns_safetensors_output_tensor) { names[2 * i],
                                                          SAFETENSORS_F32,
                                                          4,
                                                          { (uint64_t) conv->out_channels,
                                                            (uint64_t) conv->in_channels, 3, 3 },
                                                          conv->weight };
      tensors[count++] = (ns_safetensors_output_tensor) {
        names[2 * i + 1], SAFETENSORS_F32, 1, { (uint64_t) conv->out_channels }, conv->bias
      };
    }
  if (ns_safetensors_write (path, tensors, count, metadata, metadata_count, &err) != NS_OK)
    {
      tap_note ("writing a test file: %s", err.message);
      abort ();
    }
}

/* The tensors of path: how many, how many of dtype, whether any is not a
 * convolution's; and its data section's size. */
static int
file_holds (const char *path, ns_safetensors_dtype dtype, size_t *tensors, size_t *of_dtype,
            int *others, unsigned long long *data_bytes)
{
  ns_safetensors_file file;
  ns_error err;

  if (ns_safetensors_open (&file, path, &err) != NS_OK)
    {
      tap_note ("%s", err.message);
      return 0;
    }
  *tensors = file.tensor_count;
  *of_dtype = 0;
  *others = 0;
  for (size_t k = 0; k < file.tensor_count; k++)
    {
      *of_dtype += file.tensors[k].dtype == dtype;
      *others += strncmp (file.tensors[k].name, "features.", 9) != 0;
    }
  *data_bytes = file.file_size - file.data_start;
  ns_safetensors_close (&file);
  return 1;
}

/* The four convention keys of path's metadata equal values. */
static int
metadata_states (const char *path, const char *const values[4])
{
  static const char *const keys[4] = { "input_channel_order", "input_range", "input_mean",
                                       "input_std" };
  ns_safetensors_file file;
  ns_error err;
  int same = 1;

  if (ns_safetensors_open (&file, path, &err) != NS_OK)
    return 0;
  for (int k = 0; k < 4; k++)
    {
      const char *value = ns_safetensors_metadata (&file, keys[k]);
      same &= value && strcmp (value, values[k]) == 0;
    }
  ns_safetensors_close (&file);
  return same;
}

static int
same_convention (const ns_input_convention *a, const ns_input_convention *b)
{
  int same = a->range == b->range;
  for (int k = 0; k < 3; k++)
    same &= a->rgb_index[k] == b->rgb_index[k] && a->mean[k] == b->mean[k] && a->std[k] == b->std[k];
  return same;
}

/* Bit for bit (exact: 1) or as F16 rounds a's values (exact: 0). */
static int
weights_match (const ns_weights *a, const ns_weights *b, int exact)
{
  for (int i = 0; i < NS_VGG19_CONV_COUNT; i++)
    {
      const ns_conv_weights *x = &a->conv[i], *y = &b->conv[i];
      const size_t weights = (size_t) x->out_channels * (size_t) x->in_channels * 9;
      if (x->in_channels != y->in_channels || x->out_channels != y->out_channels)
        return 0;
      for (size_t k = 0; k < weights + (size_t) x->out_channels; k++)
        {
          const float from = k < weights ? x->weight[k] : x->bias[k - weights];
          const float to = k < weights ? y->weight[k] : y->bias[k - weights];
          uint16_t half;
          float want = from;
          if (!exact)
            {
              ns_float_to_half (from, &half);
              want = half_value (half);
            }
          if (memcmp (&want, &to, sizeof want) != 0)
            return 0;
        }
    }
  return 1;
}

/* ---- the gradient of a small style transfer ---- */

static float *
test_picture (int width, int height, double phase, ns_random *rng)
{
  float *rgb = malloc (sizeof (float) * 3 * (size_t) width * (size_t) height);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < height; y++)
      for (int x = 0; x < width; x++)
        {
          double v = 0.5 + 0.3 * sin (0.21 * x + phase * (c + 1)) * cos (0.17 * y - phase);
          v += 0.1 * (2.0 * ns_random_uniform (rng) - 1.0);
          rgb[((size_t) c * height + y) * width + x] = (float) v;
        }
  return rgb;
}

/* The gradient at the same point of the paper's objective (default
 * settings, size x size) with weights a and b: |g_a - g_b| / |g_a|, and
 * the losses.  0 when an objective cannot be built. */
static int
gradient_difference (const ns_weights *a, const ns_weights *b, int size, double *relative,
                     double *loss_a, double *loss_b)
{
  ns_params params;
  ns_params_init (&params);
  const ns_objective_layers layers = ns_layer_set_layers (&params);
  const size_t n = 3 * (size_t) size * size;
  ns_random rng;
  ns_random_seed (&rng, 21);
  float *content = test_picture (size, size, 0.3, &rng);
  float *style = test_picture (size, size, 1.9, &rng);
  float *x = test_picture (size, size, 0.8, &rng);
  float *g_a = malloc (sizeof (float) * n), *g_b = malloc (sizeof (float) * n);
  const ns_objective_style style_image = { style, size, size, 1.0 };
  ns_objective obj_a, obj_b;
  ns_error err;
  int ok = 0;

  for (size_t k = 0; k < n; k++)
    x[k] = 0.5f * (x[k] + content[k]);
  if (ns_objective_init (&obj_a, a, &layers, content, size, size, &style_image, 1, 1.0, 3.0, 0.0,
                         NULL, &err) != NS_OK)
    tap_note ("%s", err.message);
  else
    {
      if (ns_objective_init (&obj_b, b, &layers, content, size, size, &style_image, 1, 1.0, 3.0,
                             0.0, NULL, &err) != NS_OK)
        tap_note ("%s", err.message);
      else
        {
          *loss_a = ns_objective_evaluate (&obj_a, x, g_a);
          *loss_b = ns_objective_evaluate (&obj_b, x, g_b);
          double difference = 0.0, norm = 0.0;
          for (size_t k = 0; k < n; k++)
            {
              difference += ((double) g_a[k] - g_b[k]) * ((double) g_a[k] - g_b[k]);
              norm += (double) g_a[k] * g_a[k];
            }
          *relative = sqrt (difference / norm);
          ok = norm > 0.0 && isfinite (*relative);
          ns_objective_clear (&obj_b);
        }
      ns_objective_clear (&obj_a);
    }
  free (content);
  free (style);
  free (x);
  free (g_a);
  free (g_b);
  return ok;
}

/* F16 keeps 11 significant bits: each weight moves by up to 2^-12 of
 * itself, the loss by about as much, and the gradient by more, since ReLUs
 * and max-pools whose inputs lie that close to a tie switch sides (the
 * untrained synthetic network more often).  What the F16 file promises its
 * users (weights/README.md): the real weights' loss within LOSS_TOLERANCE
 * and gradient within REAL_GRADIENT_TOLERANCE of the F32 file's (relative).
 * The synthetic network's ties switch more: its gradient's bound is twice
 * what was measured.  A wrong rounding or a mixed-up tensor moves the
 * gradient by far more. */
#define LOSS_TOLERANCE 1e-3
#define SYNTHETIC_GRADIENT_TOLERANCE 6e-2
#define REAL_GRADIENT_TOLERANCE 2e-2

static void
compare_gradients (const char *what, const ns_weights *w32, const ns_weights *w16,
                   double gradient_tolerance)
{
  double relative = 0.0, loss32 = 0.0, loss16 = 0.0;
  if (!gradient_difference (w32, w16, 64, &relative, &loss32, &loss16))
    {
      tap_check (0, "%s: style-transfer objective with both files", what);
      return;
    }
  const double loss_relative = fabs (loss16 - loss32) / loss32;
  tap_note ("%s, 64x64, paper layers: loss %.9g (F32), %.9g (F16), relative difference %.3g; "
            "gradient |g16 - g32| / |g32| = %.3g",
            what, loss32, loss16, loss_relative, relative);
  tap_check (loss_relative <= LOSS_TOLERANCE,
             "%s: style-transfer loss with F16 weights within %g of F32's (relative: %.3g)", what,
             LOSS_TOLERANCE, loss_relative);
  tap_check (relative <= gradient_tolerance,
             "%s: style-transfer gradient with F16 weights within %g of F32's (relative L2: %.3g)",
             what, gradient_tolerance, relative);
}

/* ---- the CLI ---- */

/* Runs `cli convert-weights ARGS` through the shell, its output in output;
 * returns its exit status (-1 when it did not exit). */
static int
run_cli (const char *cli, const char *arguments, char *output, size_t size)
{
  char command[16384];
  snprintf (command, sizeof command, "'%s' convert-weights %s 2>&1", cli, arguments);
  FILE *pipe = popen (command, "r");
  size_t used = 0;
  if (!pipe)
    return -1;
  while (used + 1 < size && fgets (output + used, (int) (size - used), pipe))
    used += strlen (output + used);
  output[used] = '\0';
  const int status = pclose (pipe);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static int
same_files (const char *a, const char *b)
{
  size_t size_a, size_b;
  unsigned char *x = read_whole (a, &size_a), *y = read_whole (b, &size_b);
  const int same = x && y && size_a == size_b && memcmp (x, y, size_a) == 0;
  free (x);
  free (y);
  return same;
}

/* ---- synthetic weights ---- */

static const ns_safetensors_metadata_entry caffe_metadata[] = {
  { "format", "pt" },         { "input_channel_order", "BGR" },
  { "input_range", "0-255" }, { "input_mean", "103.939,116.779,123.68" },
  { "input_std", "1,1,1" },
};
static const char *const caffe_values[4] = { "BGR", "0-255", "103.939,116.779,123.68", "1,1,1" };
static const char *const torchvision_values[4] = { "RGB", "0-1", "0.485,0.456,0.406",
                                                   "0.229,0.224,0.225" };

static void
expect_refusal (const char *what, const char *in, const char *out, ns_weights_dtype dtype,
                ns_status expected, const char *word, const char *second_word)
{
  ns_error err = { 0 };
  write_known (out);
  const ns_status status = ns_weights_convert (in, out, dtype, &err);
  tap_check (status == expected && strstr (err.message, word) &&
                 (!second_word || strstr (err.message, second_word)) && still_known (out) &&
                 count_leftovers (temp_dir) == 0,
             "%s: refused (status %d), naming %s%s%s, OUT unchanged, no temporary file: %s", what,
             (int) status, word, second_word ? " and " : "", second_word ? second_word : "",
             err.message);
}

static void
test_synthetic (const char *cli)
{
  char in_caffe[4096], in_torch[4096], in_big[4096], in_cut[4096], out16[4096], out32[4096],
      out_torch[4096], out[4096], missing[4096], no_folder[4096];
  temp_path (in_caffe, sizeof in_caffe, "caffe.safetensors");
  temp_path (in_torch, sizeof in_torch, "torchvision-with-classifier.safetensors");
  temp_path (in_big, sizeof in_big, "beyond-f16.safetensors");
  temp_path (in_cut, sizeof in_cut, "truncated.safetensors");
  temp_path (out16, sizeof out16, "out-f16.safetensors");
  temp_path (out32, sizeof out32, "out-f32.safetensors");
  temp_path (out_torch, sizeof out_torch, "out-torchvision-f16.safetensors");
  temp_path (out, sizeof out, "out.safetensors");
  temp_path (missing, sizeof missing, "missing.safetensors");
  temp_path (no_folder, sizeof no_folder, "no-such-folder/out.safetensors");

  ns_weights source;
  if (!synthetic_weights_make (&source, NS_VGG19_CONV_COUNT, 77))
    abort ();
  write_weights (in_caffe, &source, caffe_metadata, 5, 0);
  write_weights (in_torch, &source, NULL, 0, 1);

  ns_error err = { 0 };
  ns_status status = ns_weights_convert (in_caffe, out32, NS_WEIGHTS_F32, &err);
  tap_check (status == NS_OK, "F32 -> F32 converts %s", err.message);
  status = ns_weights_convert (in_caffe, out16, NS_WEIGHTS_F16, &err);
  tap_check (status == NS_OK, "F32 -> F16 converts %s", err.message);
  status = ns_weights_convert (in_torch, out_torch, NS_WEIGHTS_F16, &err);
  tap_check (status == NS_OK, "a file with a classifier and no metadata converts %s", err.message);

  ns_weights w32, w16, w_torch, w_in_torch;
  const int loaded = ns_weights_load (&w32, out32, NS_VGG19_CONV_COUNT, &err) == NS_OK &&
                     ns_weights_load (&w16, out16, NS_VGG19_CONV_COUNT, &err) == NS_OK &&
                     ns_weights_load (&w_torch, out_torch, NS_VGG19_CONV_COUNT, &err) == NS_OK &&
                     ns_weights_load (&w_in_torch, in_torch, NS_VGG19_CONV_COUNT, &err) == NS_OK;
  if (!tap_check (loaded, "the converted files load %s", loaded ? "" : err.message))
    return;
  tap_check (weights_match (&source, &w32, 1), "the F32 file loads bit for bit as its input");
  tap_check (weights_match (&source, &w16, 0),
             "the F16 file loads as its input rounded to nearest F16, every value");
  tap_check (same_convention (&w32.input, &source.input) &&
                 same_convention (&w16.input, &source.input),
             "both keep the input's (Caffe) convention");
  tap_check (same_convention (&w_torch.input, &w_in_torch.input) &&
                 metadata_states (out_torch, torchvision_values),
             "a file without metadata: torchvision's convention, written out in the metadata");

  size_t tensors = 0, of_dtype = 0;
  int others = 0;
  unsigned long long data_bytes = 0;
  const unsigned long long parameters = vgg19_parameters ();
  int held = file_holds (out16, SAFETENSORS_F16, &tensors, &of_dtype, &others, &data_bytes);
  tap_check (held && tensors == 32 && of_dtype == 32 && others == 0 && data_bytes == 2 * parameters,
             "the F16 file holds the 32 convolution tensors as F16 (%llu bytes of data for %llu "
             "parameters)",
             data_bytes, parameters);
  tap_check (metadata_states (out16, caffe_values) && metadata_states (out32, caffe_values),
             "the F16 and F32 files' metadata states the input's convention");
  ns_safetensors_file carried;
  if (ns_safetensors_open (&carried, out16, &err) == NS_OK)
    {
      const char *format = ns_safetensors_metadata (&carried, "format");
      tap_check (carried.metadata_count == 5 && format && strcmp (format, "pt") == 0,
                 "the input's other metadata is carried over (%zu entries)", carried.metadata_count);
      ns_safetensors_close (&carried);
    }
  else
    tap_check (0, "%s", err.message);
  tap_check (file_holds (out32, SAFETENSORS_F32, &tensors, &of_dtype, &others, &data_bytes) &&
                 tensors == 32 && of_dtype == 32 && others == 0 && data_bytes == 4 * parameters,
             "the F32 file holds the 32 convolution tensors as F32");
  size_t tensors_in = 0;
  int others_in = 0;
  held = file_holds (in_torch, SAFETENSORS_F32, &tensors_in, &of_dtype, &others_in, &data_bytes) &&
         file_holds (out_torch, SAFETENSORS_F16, &tensors, &of_dtype, &others, &data_bytes);
  tap_check (held && others_in == 2 && tensors == 32 && others == 0,
             "the classifier is left out (%zu tensors in, %zu out)", tensors_in, tensors);

  compare_gradients ("synthetic weights", &w32, &w16, SYNTHETIC_GRADIENT_TOLERANCE);

  /* refusals */
  expect_refusal ("a missing IN", missing, out, NS_WEIGHTS_F16, NS_ERROR_IO, "missing.safetensors",
                  NULL);
  size_t size;
  unsigned char *bytes = read_whole (in_caffe, &size);
  FILE *stream = fopen (in_cut, "wb");
  if (!bytes || !stream || fwrite (bytes, 1, size - 1000, stream) != size - 1000 ||
      fclose (stream) != 0)
    abort ();
  free (bytes);
  expect_refusal ("a truncated IN", in_cut, out, NS_WEIGHTS_F16, NS_ERROR_FORMAT,
                  "truncated.safetensors", "truncated");
  source.conv[3].weight[5] = 1e6f;
  write_weights (in_big, &source, caffe_metadata, 5, 0);
  expect_refusal ("a weight of 1e6 to F16", in_big, out, NS_WEIGHTS_F16, NS_ERROR_ARGUMENT,
                  "features.7.weight", "F16");
  status = ns_weights_convert (in_big, out, NS_WEIGHTS_F32, &err);
  tap_check (status == NS_OK, "the same file converts to F32 %s", err.message);
  ns_error folder_err = { 0 };
  status = ns_weights_convert (in_caffe, no_folder, NS_WEIGHTS_F16, &folder_err);
  tap_check (status == NS_ERROR_IO && strstr (folder_err.message, "no-such-folder/out.safetensors"),
             "OUT in a folder that does not exist: refused naming OUT: %s", folder_err.message);
  /* A full disk, as a file size limit: writes past 1 MB fail (EFBIG). */
  struct rlimit saved_limit, small_limit;
  if (getrlimit (RLIMIT_FSIZE, &saved_limit) == 0)
    {
      ns_error full_err = { 0 };
      write_known (out);
      signal (SIGXFSZ, SIG_IGN);
      small_limit = saved_limit;
      small_limit.rlim_cur = 1 << 20;
      const int limited = setrlimit (RLIMIT_FSIZE, &small_limit) == 0;
      status = ns_weights_convert (in_caffe, out, NS_WEIGHTS_F16, &full_err);
      setrlimit (RLIMIT_FSIZE, &saved_limit);
      tap_check (limited && status == NS_ERROR_IO && strstr (full_err.message, "out.safetensors") &&
                     strstr (full_err.message, "write error") && still_known (out),
                 "a write that fails halfway (a 1 MB file size limit): refused naming OUT, OUT "
                 "unchanged: %s",
                 full_err.message);
    }
  else
    tap_skip ("a write that fails halfway (no file size limit to set)");
  tap_check (count_leftovers (temp_dir) == 0, "no temporary file is left in the folder");

  /* the CLI: the same files, byte for byte */
  if (cli)
    {
      char output[8192], arguments[12288], cli16[4096], cli32[4096], parameter_text[32];
      temp_path (cli16, sizeof cli16, "cli-f16.safetensors");
      temp_path (cli32, sizeof cli32, "cli-f32.safetensors");
      snprintf (arguments, sizeof arguments, "'%s' '%s'", in_caffe, cli16);
      int code = run_cli (cli, arguments, output, sizeof output);
      snprintf (parameter_text, sizeof parameter_text, "%llu,%03llu,%03llu", parameters / 1000000,
                parameters / 1000 % 1000, parameters % 1000);
      tap_check (code == 0 && same_files (cli16, out16) && strstr (output, parameter_text) &&
                     strstr (output, "F16"),
                 "neural-style convert-weights IN OUT writes the API's F16 file, byte for byte, "
                 "and reports %s parameters (exit %d): %s",
                 parameter_text, code, output);
      snprintf (arguments, sizeof arguments, "--dtype f32 '%s' '%s'", in_caffe, cli32);
      code = run_cli (cli, arguments, output, sizeof output);
      tap_check (code == 0 && same_files (cli32, out32),
                 "neural-style convert-weights --dtype f32 writes the API's F32 file (exit %d): %s",
                 code, output);
      write_known (out);
      snprintf (arguments, sizeof arguments, "'%s' '%s' --dtype f16", in_big, out);
      code = run_cli (cli, arguments, output, sizeof output);
      tap_check (code == 1 && strstr (output, "features.7.weight") && still_known (out),
                 "neural-style convert-weights refuses a value beyond F16 (exit %d), naming the "
                 "tensor, OUT unchanged: %s",
                 code, output);
      snprintf (arguments, sizeof arguments, "'%s' '%s'", missing, out);
      code = run_cli (cli, arguments, output, sizeof output);
      tap_check (code == 1 && strstr (output, "missing.safetensors") && still_known (out),
                 "neural-style convert-weights refuses a missing IN (exit %d), naming it: %s", code,
                 output);
      remove (cli16);
      remove (cli32);
    }
  else
    tap_skip ("neural-style convert-weights (no CLI in this build)");

  ns_weights_clear (&w32);
  ns_weights_clear (&w16);
  ns_weights_clear (&w_torch);
  ns_weights_clear (&w_in_torch);
  ns_weights_clear (&source);
  const char *files[] = { in_caffe, in_torch, in_big, in_cut, out16, out32, out_torch, out };
  for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
    remove (files[k]);
}

/* ---- the real weights ---- */

static int
test_real (void)
{
  const char *path = getenv ("NEURAL_STYLE_TEST_WEIGHTS");
  if (!path || !*path || access (path, R_OK) != 0)
    return tap_skip_all ("no real weights at %s",
                         path && *path ? path : "(NEURAL_STYLE_TEST_WEIGHTS unset)");
  char out16[4096];
  temp_path (out16, sizeof out16, "vgg19-conv-f16.safetensors");
  ns_error err = { 0 };
  ns_weights w32, w16;
  if (!tap_check (ns_weights_convert (path, out16, NS_WEIGHTS_F16, &err) == NS_OK,
                  "%s converts to F16 %s", path, err.message))
    return tap_done ();
  struct stat in_info, out_info;
  const unsigned long long parameters = vgg19_parameters ();
  if (stat (path, &in_info) != 0 || stat (out16, &out_info) != 0)
    abort ();
  tap_note ("%s: %lld bytes; F16: %lld bytes for %llu parameters", path,
            (long long) in_info.st_size, (long long) out_info.st_size, parameters);
  tap_check ((unsigned long long) out_info.st_size >= 2 * parameters &&
                 (unsigned long long) out_info.st_size < 2 * parameters + 16384,
             "the F16 file is 2 bytes a parameter and a header: %.1f MB", out_info.st_size / 1e6);
  if (!tap_check (ns_weights_load (&w32, path, NS_VGG19_CONV_COUNT, &err) == NS_OK &&
                      ns_weights_load (&w16, out16, NS_VGG19_CONV_COUNT, &err) == NS_OK,
                  "both load %s", err.message))
    {
      remove (out16);
      return tap_done ();
    }
  tap_check (same_convention (&w32.input, &w16.input) && weights_match (&w32, &w16, 0),
             "the F16 file holds the real weights rounded to nearest F16, same convention");
  compare_gradients ("real weights", &w32, &w16, REAL_GRADIENT_TOLERANCE);
  ns_weights_clear (&w32);
  ns_weights_clear (&w16);
  remove (out16);
  return tap_done ();
}

int
main (int argc, char **argv)
{
  const int real = argc > 1 && strcmp (argv[1], "--real") == 0;
  const char *cli = !real && argc > 1 ? argv[1] : NULL;
  int code;

  snprintf (temp_dir, sizeof temp_dir, "test-weights-convert-XXXXXX");
  if (!mkdtemp (temp_dir))
    {
      perror ("mkdtemp");
      return 1;
    }
  if (real)
    code = test_real ();
  else
    {
      test_float_to_half ();
      test_synthetic (cli);
      code = tap_done ();
    }
  if (rmdir (temp_dir) != 0)
    {
      printf ("# the temporary folder %s is not empty\n", temp_dir);
      code = 1;
    }
  return code;
}
