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
  int evaluations;
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
  if (state->evaluations++ == 0)
    state->first = *progress;
  state->last = *progress;
  if (!state->quiet)
    {
      const int width = 30;
      const int done = progress->iteration * width / progress->iterations;
      fprintf (stderr, "\rscale %d/%d (%dx%d) [%.*s%*s] %d/%d  loss %.4g (content %.4g, style %.4g)  %.1f s",
               progress->scale, progress->scales, progress->width, progress->height,
               done, "##############################", width - done, "",
               progress->iteration, progress->iterations, progress->loss,
               progress->content_loss, progress->style_loss, seconds_since (&state->start));
      if (progress->iteration == progress->iterations)
        fputc ('\n', stderr);
      fflush (stderr);
    }
  return NS_PROGRESS_CONTINUE;
}

static void
usage (FILE *out, const ns_params *d)
{
  fprintf (out,
           "usage: neural-style --content IMAGE --style IMAGE [--style IMAGE…] --out OUT.png [options]\n"
           "  --weights FILE            VGG19 safetensors (default: $NEURAL_STYLE_WEIGHTS)\n"
           "  --size N                  working size, longest side in pixels (default %d; 0 = the content's)\n"
           "  --iterations N            iterations at the first scale (default %d)\n"
           "  --optimizer lbfgs|adam    (default %s)\n"
           "  --learning-rate R         Adam's step in [0,1] image units (default %g)\n"
           "  --content-weight A        alpha (default %g)\n"
           "  --style-weight B          beta (default %g)\n"
           "  --tv-weight T             total variation weight (default %g)\n"
           "  --layers paper|seed       layer set (default paper)\n"
           "  --style-layer-weights W1,W2,W3,W4,W5   per style layer, shallow to deep (default 1,1,1,1,1)\n"
           "  --style-blend B1,B2,…     relative weights of several --style images (default equal)\n"
           "  --style-scale S           style size relative to the working size (default %g)\n"
           "  --single-scale            no coarse-to-fine schedule\n"
           "  --min-scale N             longest side of the coarsest scale (default %d)\n"
           "  --keep-colors             keep the content's colours (luminance-only transfer)\n"
           "  --init content|noise|style  starting image (default content)\n"
           "  --seed N                  noise seed (default %u)\n"
           "  --quiet                   no progress bar\n"
           "PNG and JPEG inputs; the output is a PNG.  The last line on stdout reports\n"
           "the first and last losses and the time taken.\n",
           d->max_size, d->iterations, d->optimizer == NS_OPTIMIZER_ADAM ? "adam" : "lbfgs",
           d->learning_rate, d->content_weight, d->style_weight, d->tv_weight, d->style_scale,
           d->min_scale_size, d->seed);
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

/* "a,b,c" into at most max numbers; returns how many, or -1 on a bad entry. */
static int
parse_list (const char *text, const char *option, double *values, int max)
{
  int count = 0;
  const char *p = text;
  while (*p)
    {
      char *end;
      if (count == max)
        {
          fprintf (stderr, "neural-style: %s takes at most %d numbers\n", option, max);
          return -1;
        }
      values[count] = strtod (p, &end);
      if (end == p || (*end != ',' && *end != '\0'))
        {
          fprintf (stderr, "neural-style: %s wants numbers separated by commas, not \"%s\"\n",
                   option, text);
          return -1;
        }
      count++;
      p = *end == ',' ? end + 1 : end;
    }
  return count;
}

static int
parse_choice (const char *text, const char *option, const char *const *names, int count, int *value)
{
  for (int i = 0; i < count; i++)
    if (strcmp (text, names[i]) == 0)
      {
        *value = i;
        return 1;
      }
  fprintf (stderr, "neural-style: %s does not know \"%s\"\n", option, text);
  return 0;
}

int
main (int argc, char **argv)
{
  ns_params params;
  ns_params_init (&params);
  const char *content_path = NULL, *out_path = NULL;
  const char *style_paths[NS_MAX_STYLES];
  double blend[NS_MAX_STYLES];
  int style_count = 0, blend_count = 0;
  const char *weights_path = getenv ("NEURAL_STYLE_WEIGHTS");
  cli_progress state = { 0 };
  enum { OPT_WEIGHTS = 256, OPT_CONTENT, OPT_STYLE, OPT_OUT, OPT_SIZE, OPT_ITERATIONS,
         OPT_OPTIMIZER, OPT_LEARNING_RATE, OPT_CONTENT_WEIGHT, OPT_STYLE_WEIGHT, OPT_TV_WEIGHT,
         OPT_LAYERS, OPT_LAYER_WEIGHTS, OPT_BLEND, OPT_STYLE_SCALE, OPT_SINGLE_SCALE,
         OPT_MIN_SCALE, OPT_KEEP_COLORS, OPT_INIT, OPT_SEED, OPT_QUIET, OPT_HELP };
  static const struct option options[] = {
    { "weights", required_argument, NULL, OPT_WEIGHTS },
    { "content", required_argument, NULL, OPT_CONTENT },
    { "style", required_argument, NULL, OPT_STYLE },
    { "out", required_argument, NULL, OPT_OUT },
    { "size", required_argument, NULL, OPT_SIZE },
    { "iterations", required_argument, NULL, OPT_ITERATIONS },
    { "optimizer", required_argument, NULL, OPT_OPTIMIZER },
    { "learning-rate", required_argument, NULL, OPT_LEARNING_RATE },
    { "content-weight", required_argument, NULL, OPT_CONTENT_WEIGHT },
    { "style-weight", required_argument, NULL, OPT_STYLE_WEIGHT },
    { "tv-weight", required_argument, NULL, OPT_TV_WEIGHT },
    { "layers", required_argument, NULL, OPT_LAYERS },
    { "style-layer-weights", required_argument, NULL, OPT_LAYER_WEIGHTS },
    { "style-blend", required_argument, NULL, OPT_BLEND },
    { "style-scale", required_argument, NULL, OPT_STYLE_SCALE },
    { "single-scale", no_argument, NULL, OPT_SINGLE_SCALE },
    { "min-scale", required_argument, NULL, OPT_MIN_SCALE },
    { "keep-colors", no_argument, NULL, OPT_KEEP_COLORS },
    { "init", required_argument, NULL, OPT_INIT },
    { "seed", required_argument, NULL, OPT_SEED },
    { "quiet", no_argument, NULL, OPT_QUIET },
    { "help", no_argument, NULL, OPT_HELP },
    { NULL, 0, NULL, 0 },
  };
  static const char *const optimizer_names[] = { "lbfgs", "adam" };
  static const char *const layer_names[] = { "paper", "seed" };
  static const char *const init_names[] = { "content", "noise", "style" };

  int option, choice, index = 0;
  double number;
  while ((option = getopt_long (argc, argv, "", options, &index)) != -1)
    {
      char name[48];
      snprintf (name, sizeof name, "--%s", options[index].name);
      switch (option)
        {
        case OPT_WEIGHTS: weights_path = optarg; break;
        case OPT_CONTENT: content_path = optarg; break;
        case OPT_OUT: out_path = optarg; break;
        case OPT_QUIET: state.quiet = 1; break;
        case OPT_SINGLE_SCALE: params.multi_scale = 0; break;
        case OPT_KEEP_COLORS: params.keep_colors = 1; break;
        case OPT_HELP: usage (stdout, &params); return 0;
        case OPT_STYLE:
          if (style_count == NS_MAX_STYLES)
            {
              fprintf (stderr, "neural-style: at most %d styles\n", NS_MAX_STYLES);
              return 2;
            }
          style_paths[style_count++] = optarg;
          break;
        case OPT_OPTIMIZER:
          if (!parse_choice (optarg, name, optimizer_names, 2, &choice))
            return 2;
          params.optimizer = choice ? NS_OPTIMIZER_ADAM : NS_OPTIMIZER_LBFGS;
          break;
        case OPT_LAYERS:
          if (!parse_choice (optarg, name, layer_names, 2, &choice))
            return 2;
          params.layer_set = choice ? NS_LAYERS_SEED : NS_LAYERS_PAPER;
          break;
        case OPT_INIT:
          if (!parse_choice (optarg, name, init_names, 3, &choice))
            return 2;
          params.init = (ns_init) choice;
          break;
        case OPT_LAYER_WEIGHTS:
          if (parse_list (optarg, name, params.style_layer_weights, NS_STYLE_LAYER_COUNT)
              != NS_STYLE_LAYER_COUNT)
            {
              fprintf (stderr, "neural-style: %s wants %d numbers\n", name, NS_STYLE_LAYER_COUNT);
              return 2;
            }
          break;
        case OPT_BLEND:
          if ((blend_count = parse_list (optarg, name, blend, NS_MAX_STYLES)) < 0)
            return 2;
          break;
        case OPT_SIZE:
        case OPT_ITERATIONS:
        case OPT_LEARNING_RATE:
        case OPT_CONTENT_WEIGHT:
        case OPT_STYLE_WEIGHT:
        case OPT_TV_WEIGHT:
        case OPT_STYLE_SCALE:
        case OPT_MIN_SCALE:
        case OPT_SEED:
          if (!parse_number (optarg, name, &number))
            return 2;
          if (option == OPT_SIZE) params.max_size = (int) number;
          else if (option == OPT_ITERATIONS) params.iterations = (int) number;
          else if (option == OPT_LEARNING_RATE) params.learning_rate = number;
          else if (option == OPT_CONTENT_WEIGHT) params.content_weight = number;
          else if (option == OPT_STYLE_WEIGHT) params.style_weight = number;
          else if (option == OPT_TV_WEIGHT) params.tv_weight = number;
          else if (option == OPT_STYLE_SCALE) params.style_scale = number;
          else if (option == OPT_MIN_SCALE) params.min_scale_size = (int) number;
          else params.seed = (unsigned) number;
          break;
        default:
          usage (stderr, &params);
          return 2;
        }
    }
  if (!content_path || style_count == 0 || !out_path || optind != argc)
    {
      usage (stderr, &params);
      return 2;
    }
  if (blend_count && blend_count != style_count)
    {
      fprintf (stderr, "neural-style: --style-blend has %d weights for %d styles\n", blend_count,
               style_count);
      return 2;
    }
  if (!weights_path)
    {
      fprintf (stderr, "neural-style: no weights: give --weights FILE or set NEURAL_STYLE_WEIGHTS "
                       "(weights/get-weights downloads them)\n");
      return 2;
    }

  ns_error err = { 0 };
  ns_weights weights = { 0 };
  ns_image content = { 0 }, result = { 0 }, style_images[NS_MAX_STYLES] = { { 0 } };
  ns_style styles[NS_MAX_STYLES];
  int code = 1;
  ns_status status = ns_params_check (&params, &err);
  if (status == NS_OK)
    status = ns_weights_load (&weights, weights_path, ns_conv_count_needed (&params), &err);
  if (status == NS_OK)
    status = image_load (content_path, &content, &err);
  for (int k = 0; k < style_count && status == NS_OK; k++)
    {
      status = image_load (style_paths[k], &style_images[k], &err);
      styles[k] = (ns_style) { &style_images[k], blend_count ? blend[k] : 1.0 };
    }
  clock_gettime (CLOCK_MONOTONIC, &state.start);
  if (status == NS_OK)
    status = ns_stylize (&weights, &content, styles, style_count, &params, show_progress, &state,
                         &result, &err);
  if (status == NS_OK)
    status = image_save_png (out_path, &result, &err);
  if (status == NS_OK)
    {
      printf ("done: %d scales, %d iterations in %.2f s; loss %.6g -> %.6g, "
              "content %.6g -> %.6g, style %.6g -> %.6g\n",
              state.last.scales, state.evaluations, seconds_since (&state.start),
              state.first.loss, state.last.loss, state.first.content_loss,
              state.last.content_loss, state.first.style_loss, state.last.style_loss);
      code = 0;
    }
  else
    fprintf (stderr, "neural-style: %s\n", err.message);

  ns_image_clear (&result);
  ns_image_clear (&content);
  for (int k = 0; k < style_count; k++)
    ns_image_clear (&style_images[k]);
  ns_weights_clear (&weights);
  return code;
}
