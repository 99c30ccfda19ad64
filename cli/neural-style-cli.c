/* neural-style: the engine from the command line, for headless use and
 * benchmarks.  neural-style --help lists the options. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image_io.h"
#include "neural_style.h"

typedef struct {
  struct timespec start;
  int quiet;
  ns_progress first, last;
} cli_progress;

static double
seconds_since (const struct timespec *start)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (double) (now.tv_sec - start->tv_sec) + 1e-9 * (double) (now.tv_nsec - start->tv_nsec);
}

static ns_progress_reply
show_progress (const ns_progress *progress, void *user_data)
{
  cli_progress *state = user_data;
  if (progress->iteration == 1)
    state->first = *progress;
  state->last = *progress;
  if (!state->quiet)
    {
      const int width = 30;
      const int done = progress->iteration * width / progress->iterations;
      const double elapsed = seconds_since (&state->start);
      fprintf (stderr, "\r[%.*s%*s] %d/%d  loss %.4g (content %.4g, style %.4g)  %.1f s",
               done, "##############################", width - done, "",
               progress->iteration, progress->iterations, progress->loss,
               progress->content_loss, progress->style_loss, elapsed);
      if (progress->iteration == progress->iterations)
        fputc ('\n', stderr);
      fflush (stderr);
    }
  return NS_PROGRESS_CONTINUE;
}

static void
usage (FILE *out, const ns_params *defaults)
{
  fprintf (out,
           "usage: neural-style --content IMAGE --style IMAGE --out OUT.png [options]\n"
           "  --weights FILE        VGG19 safetensors (default: $NEURAL_STYLE_WEIGHTS)\n"
           "  --size N              working size, longest side in pixels (default %d; 0 = the content's)\n"
           "  --iterations N        optimisation steps (default %d)\n"
           "  --content-weight A    alpha (default %g)\n"
           "  --style-weight B      beta (default %g)\n"
           "  --learning-rate R     Adam step in [0,1] image units (default %g)\n"
           "  --quiet               no progress bar\n"
           "PNG and JPEG inputs; the output is a PNG.  The last line printed on stdout\n"
           "reports the first and last losses and the time taken.\n",
           defaults->max_size, defaults->iterations, defaults->content_weight,
           defaults->style_weight, defaults->learning_rate);
}

static int
parse_number (const char *text, const char *option, double *value)
{
  char *end;
  *value = strtod (text, &end);
  if (end == text || *end != '\0')
    {
      fprintf (stderr, "neural-style: %s wants a number, not \"%s\"\n", option, text);
      return 0;
    }
  return 1;
}

int
main (int argc, char **argv)
{
  ns_params params;
  ns_params_init (&params);
  const char *content_path = NULL, *style_path = NULL, *out_path = NULL;
  const char *weights_path = getenv ("NEURAL_STYLE_WEIGHTS");
  cli_progress state = { 0 };
  enum { OPT_WEIGHTS = 256, OPT_CONTENT, OPT_STYLE, OPT_OUT, OPT_SIZE, OPT_ITERATIONS,
         OPT_CONTENT_WEIGHT, OPT_STYLE_WEIGHT, OPT_LEARNING_RATE, OPT_QUIET, OPT_HELP };
  static const struct option options[] = {
    { "weights", required_argument, NULL, OPT_WEIGHTS },
    { "content", required_argument, NULL, OPT_CONTENT },
    { "style", required_argument, NULL, OPT_STYLE },
    { "out", required_argument, NULL, OPT_OUT },
    { "size", required_argument, NULL, OPT_SIZE },
    { "iterations", required_argument, NULL, OPT_ITERATIONS },
    { "content-weight", required_argument, NULL, OPT_CONTENT_WEIGHT },
    { "style-weight", required_argument, NULL, OPT_STYLE_WEIGHT },
    { "learning-rate", required_argument, NULL, OPT_LEARNING_RATE },
    { "quiet", no_argument, NULL, OPT_QUIET },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
  };

  int option;
  double number;
  while ((option = getopt_long (argc, argv, "", options, NULL)) != -1)
    {
      switch (option)
        {
        case OPT_WEIGHTS: weights_path = optarg; break;
        case OPT_CONTENT: content_path = optarg; break;
        case OPT_STYLE: style_path = optarg; break;
        case OPT_OUT: out_path = optarg; break;
        case OPT_QUIET: state.quiet = 1; break;
        case OPT_HELP: usage (stdout, &params); return 0;
        case OPT_SIZE:
        case OPT_ITERATIONS:
        case OPT_CONTENT_WEIGHT:
        case OPT_STYLE_WEIGHT:
        case OPT_LEARNING_RATE:
          if (!parse_number (optarg, argv[optind - 1], &number))
            return 2;
          if (option == OPT_SIZE) params.max_size = (int) number;
          else if (option == OPT_ITERATIONS) params.iterations = (int) number;
          else if (option == OPT_CONTENT_WEIGHT) params.content_weight = number;
          else if (option == OPT_STYLE_WEIGHT) params.style_weight = number;
          else params.learning_rate = number;
          break;
        default:
          usage (stderr, &params);
          return 2;
        }
    }
  if (!content_path || !style_path || !out_path || optind != argc)
    {
      usage (stderr, &params);
      return 2;
    }
  if (!weights_path)
    {
      fprintf (stderr, "neural-style: no weights: give --weights FILE or set NEURAL_STYLE_WEIGHTS "
                       "(weights/get-weights downloads them)\n");
      return 2;
    }

  ns_error err = { 0 };
  vgg19_weights weights;
  ns_image content = { 0 }, style = { 0 }, result = { 0 };
  int code = 1;
  if (ns_params_check (&params, &err) != NS_OK
      || vgg19_weights_load (&weights, weights_path, ns_conv_count_needed (), &err) != NS_OK)
    goto fail;
  if (image_load (content_path, &content, &err) != NS_OK
      || image_load (style_path, &style, &err) != NS_OK)
    goto fail_weights;

  clock_gettime (CLOCK_MONOTONIC, &state.start);
  if (ns_stylize (&weights, &content, &style, &params, show_progress, &state, &result, &err) != NS_OK
      || image_save_png (out_path, &result, &err) != NS_OK)
    goto fail_images;
  printf ("done: %d iterations in %.2f s; loss %.6g -> %.6g, content %.6g -> %.6g, style %.6g -> %.6g\n",
          state.last.iteration, seconds_since (&state.start), state.first.loss, state.last.loss,
          state.first.content_loss, state.last.content_loss, state.first.style_loss,
          state.last.style_loss);
  code = 0;

fail_images:
  ns_image_free (&result);
  ns_image_free (&content);
  ns_image_free (&style);
fail_weights:
  vgg19_weights_free (&weights);
fail:
  if (code)
    fprintf (stderr, "neural-style: %s\n", err.message);
  return code;
}
