/* SPDX-License-Identifier: GPL-3.0-or-later */
/* neural-style: the engine from the command line, for headless use and
 * benchmarks.  neural-style --help lists the options: the settings' come
 * from the engine's settings table (include/ns_settings.h).
 * neural-style animate paints the frames of an animation (cli_animate.c).
 * neural-style convert-weights IN OUT makes the small weights file that
 * neural-style-get-weights installs. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_animate.h"
#include "cli_progress.h"
#include "cli_run.h"
#include "image_io.h"
#include "neural_style.h"

/* ---- neural-style convert-weights ---- */

static void
convert_usage (FILE *out)
{
  fprintf (out,
           "usage: neural-style convert-weights IN.safetensors OUT.safetensors [--dtype f16|f32]\n"
           "Writes the 16 convolutions of the VGG19 weights file IN (checked as a run checks\n"
           "it; a classifier is left out) to OUT, as F16 (the default: half the size of F32,\n"
           "40 MB) or F32, with the input convention IN states (torchvision's when it states\n"
           "none) written in OUT's metadata.  OUT is replaced only when all of it is written.\n");
}

/* "20024384" as "20,024,384" */
static void
format_count (char *text, size_t size, unsigned long long value)
{
  char digits[32];
  int length = snprintf (digits, sizeof digits, "%llu", value), used = 0;

  for (int k = 0; k < length && (size_t) used + 2 < size; k++)
    {
      if (k > 0 && (length - k) % 3 == 0)
        text[used++] = ',';
      text[used++] = digits[k];
    }
  text[used] = '\0';
}

static int
convert_weights_main (int argc, char **argv)
{
  static const struct option options[] = {
    { "dtype", required_argument, NULL, 'd' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  ns_weights_dtype dtype = NS_WEIGHTS_F16;
  int option;

  while ((option = getopt_long (argc, argv, "", options, NULL)) != -1)
    switch (option)
      {
      case 'd':
        if (strcmp (optarg, "f16") == 0)
          dtype = NS_WEIGHTS_F16;
        else if (strcmp (optarg, "f32") == 0)
          dtype = NS_WEIGHTS_F32;
        else
          {
            fprintf (stderr, "neural-style convert-weights: --dtype is f16 or f32, not \"%s\"\n",
                     optarg);
            return 2;
          }
        break;
      case 'h':
        convert_usage (stdout);
        return 0;
      default:
        convert_usage (stderr);
        return 2;
      }
  if (argc - optind != 2)
    {
      fprintf (stderr, "neural-style convert-weights: wants IN and OUT, got %d file name%s\n",
               argc - optind, argc - optind == 1 ? "" : "s");
      convert_usage (stderr);
      return 2;
    }
  const char *in_path = argv[optind], *out_path = argv[optind + 1];

  ns_error err = { 0 };
  if (ns_weights_convert (in_path, out_path, dtype, &err) != NS_OK)
    {
      fprintf (stderr, "neural-style convert-weights: %s\n", err.message);
      return 1;
    }
  unsigned long long parameters = 0;
  for (int i = 0; i < NS_VGG19_CONV_COUNT; i++)
    parameters += (unsigned long long) ns_vgg19_conv_out_channels (i) *
                  (9ull * (unsigned long long) ns_vgg19_conv_in_channels (i) + 1ull);
  struct stat info;
  char parameter_text[32], size_text[32];
  format_count (parameter_text, sizeof parameter_text, parameters);
  format_count (size_text, sizeof size_text,
                stat (out_path, &info) == 0 ? (unsigned long long) info.st_size : 0ull);
  printf ("%s: 16 convolutions, %s parameters, %s, %s bytes (from %s)\n", out_path, parameter_text,
          dtype == NS_WEIGHTS_F16 ? "F16" : "F32", size_text, in_path);
  return 0;
}

/* ---- neural-style: a still ---- */

static int
still_main (int argc, char **argv)
{
  cli_run run;
  char weights_path[4096];
  cli_progress state = { 0 };
  int code = cli_run_parse (argc, argv, CLI_STILL, &run);
  if (code >= 0)
    return code;
  if ((code = cli_run_find_weights (&run, weights_path, sizeof weights_path)) >= 0)
    return code;
  state.quiet = run.quiet;

  ns_error err = { 0 };
  ns_image content = { 0 }, result = { 0 };
  cli_inputs inputs = { 0 };
  code = 1;
  ns_status status = ns_params_check (&run.params, &err);
  /* what can be checked before the run, cheapest first: the output's
   * folder; the images before 80 MB of weights are read; the memory plan
   * is the engine's first step */
  if (status == NS_OK)
    status = image_check_output (run.out_path, &err);
  if (status == NS_OK)
    status = image_load (run.content_path, &content, &err);
  if (status == NS_OK)
    status = cli_inputs_load_images (&run, &inputs, &err);
  if (status == NS_OK)
    status = cli_inputs_load_weights (&run, weights_path, &inputs, &err);
  clock_gettime (CLOCK_MONOTONIC, &state.start);
  if (status == NS_OK)
    {
      cli_catch_stop_signals ();
      const ns_request request = cli_inputs_request (&run, &inputs, &content, cli_show_progress,
                                                     &state);
      status = ns_stylize (&inputs.weights, &request, &result, &err);
    }
  cli_progress_end_line (&state);
  if (status == NS_OK)
    status = cli_save_result (run.out_path, &result, &err);
  const int stop_signal = cli_stop_signal ();
  if (status == NS_OK && stop_signal)
    {
      char when[96];
      cli_progress_where (&state, when, sizeof when);
      fprintf (stderr, "neural-style: stopped by %s %s: wrote the result so far, %dx%d, to %s\n",
               stop_signal == SIGTERM ? "SIGTERM" : "SIGINT", when, result.width, result.height,
               run.out_path);
      code = 128 + stop_signal;
    }
  else if (status == NS_OK)
    {
      printf ("done: %d scales, %d iterations in %.2f s; loss %.6g -> %.6g, "
              "content %.6g -> %.6g, style %.6g -> %.6g\n",
              state.last.scales, state.evaluations, cli_seconds_since (&state.start),
              state.first.loss, state.last.loss, state.first.content_loss, state.last.content_loss,
              state.first.style_loss, state.last.style_loss);
      code = 0;
    }
  else
    fprintf (stderr, "neural-style: %s\n", err.message);

  ns_image_clear (&result);
  ns_image_clear (&content);
  cli_inputs_clear (&inputs);
  return code;
}

int
main (int argc, char **argv)
{
  if (argc > 1 && strcmp (argv[1], "convert-weights") == 0)
    return convert_weights_main (argc - 1, argv + 1);
  if (argc > 1 && strcmp (argv[1], "animate") == 0)
    return cli_animate_main (argc - 1, argv + 1);
  return still_main (argc, argv);
}
