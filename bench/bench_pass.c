/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine's side of tools/bench (a benchmark, not a test):
 *   bench-pass [--weights FILE] [--size N] [--passes N] [--warmup N]
 *              [--precision exact|fast | --tile 2|4]
 * builds the objective of the paper's layer set (content relu4_2, style
 * relu1_1 … relu5_1) for an N x N image, then times forward + backward
 * passes to the input (ns_objective_evaluate with a gradient), with the
 * network of the precision's runs (the settings table's default) or of a
 * Winograd tile, and prints one
 * line of key=value pairs: seconds per pass (median, min), GFLOP/s of the
 * convolutions, peak RSS.  Without --weights (or when the file is missing)
 * the weights are random: the speed does not depend on their values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "layer_sets.h"
#include "neural_style.h"
#include "ns_settings.h"
#include "objective.h"
#include "clock.h"
#include "plan.h"
#include "random.h"
#include "synthetic_weights.h"

/* Multiply-adds of the forward convolutions, and of the backward ones (to
 * the input of each conv; conv1_1's too, since the gradient reaches the image). */
static double
conv_flops (const ns_vgg19_net *net)
{
  double macs = 0.0;
  for (int i = 0; i < net->conv_count; i++)
    macs += 9.0 * ns_vgg19_conv_in_channels (i) * ns_vgg19_conv_out_channels (i) * net->height[i] *
            net->width[i];
  return 2.0 * 2.0 * macs;
}

int
main (int argc, char **argv)
{
  const char *weights_path = NULL;
  int size = 512, passes = 5, warmup = 1, tile = 0;
  const ns_setting *precision = ns_setting_find ("precision");
  const ns_setting_choice *choice = ns_setting_choice_find (precision,
                                                            ns_setting_default_nick (precision));
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--weights") == 0 && i + 1 < argc)
        weights_path = argv[++i];
      else if (strcmp (argv[i], "--size") == 0 && i + 1 < argc)
        size = atoi (argv[++i]);
      else if (strcmp (argv[i], "--passes") == 0 && i + 1 < argc)
        passes = atoi (argv[++i]);
      else if (strcmp (argv[i], "--warmup") == 0 && i + 1 < argc)
        warmup = atoi (argv[++i]);
      else if (strcmp (argv[i], "--tile") == 0 && i + 1 < argc)
        tile = atoi (argv[++i]);
      else if (strcmp (argv[i], "--precision") == 0 && i + 1 < argc &&
               (choice = ns_setting_choice_find (precision, argv[i + 1])))
        i++;
      else
        {
          fprintf (stderr, "usage: bench-pass [--weights FILE] [--size N] [--passes N] [--warmup "
                           "N] [--precision exact|fast | --tile 2|4]\n");
          return 2;
        }
    }
  if (size < 16 || passes < 1 || passes > 1000 || warmup < 0 || (tile != 0 && tile != 2 && tile != 4))
    {
      fprintf (stderr, "bench-pass: bad arguments\n");
      return 2;
    }

  ns_params params;
  ns_params_init (&params);
  ns_setting_set (&params, precision, choice->value);
  /* the losses of bench_torch.py: content and style weight 1, equal layers, no TV */
  params.content_weight = 1.0;
  params.style_weight = 1.0;
  params.tv_weight = 0.0;
  for (int i = 0; i < NS_STYLE_LAYER_COUNT; i++)
    params.style_layer_weights[i] = 1.0;
  const ns_objective_layers layers = ns_layer_set_layers (&params);
  const int conv_count = ns_objective_conv_count (&layers);

  ns_error err = { 0 };
  ns_weights weights;
  const char *weights_kind = "random";
  if (weights_path && access (weights_path, R_OK) == 0)
    {
      if (ns_weights_load (&weights, weights_path, conv_count, &err) != NS_OK)
        {
          fprintf (stderr, "bench-pass: %s\n", err.message);
          return 1;
        }
      weights_kind = "file";
    }
  else if (!synthetic_weights_make (&weights, conv_count, 7))
    {
      fprintf (stderr, "bench-pass: out of memory for weights\n");
      return 1;
    }

  const size_t n = 3 * (size_t) size * size;
  float *content = malloc (sizeof (float) * n);
  float *style = malloc (sizeof (float) * n);
  float *x = malloc (sizeof (float) * n);
  float *gradient = malloc (sizeof (float) * n);
  if (!content || !style || !x || !gradient)
    {
      fprintf (stderr, "bench-pass: out of memory\n");
      return 1;
    }
  ns_random rng;
  ns_random_seed (&rng, 5);
  for (size_t i = 0; i < n; i++)
    {
      content[i] = (float) ns_random_uniform (&rng);
      style[i] = (float) ns_random_uniform (&rng);
      x[i] = (float) (0.8 * content[i] + 0.2 * ns_random_uniform (&rng));
    }

  /* as ns_stylize builds it: only the loss layers' outputs kept */
  const ns_vgg19_net_options net_options = ns_plan_net_options (
      tile ? tile : ns_plan_winograd_tile (&params, size));
  ns_objective obj;
  const ns_objective_style style_image = { style, size, size, 1.0 };
  const double t_init = now ();
  if (ns_objective_init (&obj, &weights, &layers, content, size, size, &style_image, 1,
                         params.content_weight, params.style_weight, params.tv_weight, &net_options,
                         &err) != NS_OK)
    {
      fprintf (stderr, "bench-pass: %s\n", err.message);
      return 1;
    }
  const double init_seconds = now () - t_init;

  double loss = 0.0;
  for (int k = 0; k < warmup; k++)
    loss = ns_objective_evaluate (&obj, x, gradient);
  double *seconds = malloc (sizeof (double) * passes);
  for (int k = 0; k < passes; k++)
    {
      const double t = now ();
      loss = ns_objective_evaluate (&obj, x, gradient);
      seconds[k] = now () - t;
    }
  qsort (seconds, passes, sizeof (double), compare_doubles);
  const double median = passes % 2 ? seconds[passes / 2] :
                                     0.5 * (seconds[passes / 2 - 1] + seconds[passes / 2]);
  const double flops = conv_flops (&obj.net);

  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  printf ("impl=ours precision=%s tile=%d size=%d weights=%s passes=%d seconds_per_pass=%.4f "
          "min_seconds=%.4f gflops=%.1f peak_rss_mb=%.1f init_seconds=%.3f loss=%.6g\n",
          tile ? "-" : choice->nick, net_options.winograd_tile, size, weights_kind, passes, median,
          seconds[0], flops / median / 1e9, usage.ru_maxrss / 1024.0, init_seconds, loss);

  free (seconds);
  ns_objective_clear (&obj);
  ns_weights_clear (&weights);
  free (content);
  free (style);
  free (x);
  free (gradient);
  return 0;
}
