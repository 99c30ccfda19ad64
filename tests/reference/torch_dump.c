/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine's side of the PyTorch differential test (torch_reference.py):
 *   torch-dump WEIGHTS DIR LAYER_SET WIDTH HEIGHT STYLE_WIDTH STYLE_HEIGHT
 * reads DIR/{content,style,x,target}.f32 (planar RGB float32) and
 * DIR/mask.f32 (one plane), and writes into DIR what the engine computes:
 * ReLU outputs at every tap layer for x, the Gram matrices of x there, the
 * loss terms, dLoss/dx, the same with a pixel term towards target under
 * mask (c_pixel_losses.txt, c_pixel_gradient.f32), and the images of 10 Adam
 * steps of ns_stylize from the content: after each step (c_adam_stepK.f32,
 * planar RGB) and its result (c_adam10.f32, interleaved RGB), and the ReLU
 * outputs and dLoss/dx at the image each step starts from (c_stepK_reluI.f32,
 * c_stepK_gradient.f32, K from 0): the ReLU outputs hold the engine's
 * decisions (which ReLUs pass, which value each max pool takes), which the
 * test makes its reference follow; the gradient is the one the step used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer_sets.h"
#include "losses.h"
#include "neural_style.h"
#include "ns_settings.h"
#include "objective.h"

static float *
read_floats (const char *dir, const char *name, size_t count)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen (path, "rb");
  float *data = malloc (sizeof (float) * count);
  if (!f || !data || fread (data, sizeof (float), count, f) != count)
    {
      fprintf (stderr, "torch-dump: cannot read %zu floats from %s\n", count, path);
      exit (1);
    }
  fclose (f);
  return data;
}

static void
write_floats (const char *dir, const char *name, const float *data, size_t count)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen (path, "wb");
  if (!f || fwrite (data, sizeof (float), count, f) != count || fclose (f) != 0)
    {
      fprintf (stderr, "torch-dump: cannot write %s\n", path);
      exit (1);
    }
}

/* DIR/PREFIX<i>.f32: the ReLU output of every conv of the last evaluation. */
static void
write_relus (const char *dir, const char *prefix, const ns_objective *obj)
{
  char name[64];
  for (int i = 0; i < obj->net.conv_count; i++)
    {
      snprintf (name, sizeof name, "%s%d.f32", prefix, i);
      write_floats (dir, name, obj->net.activation[i],
                    (size_t) ns_vgg19_conv_out_channels (i) * obj->net.height[i] * obj->net.width[i]);
    }
}

/* as torch_reference.py's ADAM_STEPS and PIXEL_WEIGHT */
#define ADAM_STEPS 10
#define PIXEL_WEIGHT 20.0

/* The objective with a pixel term of PIXEL_WEIGHT towards DIR/target.f32
 * under DIR/mask.f32, evaluated at x: its pixel term and total loss, and
 * its gradient. */
static void
write_pixel_term (const char *dir, const ns_weights *weights, const ns_objective_layers *layers,
                  const float *content, int w, int h, const ns_objective_style *style,
                  const ns_params *params, const ns_vgg19_net_options *net_options, const float *x)
{
  const size_t pixels = (size_t) w * h;
  float *planar = read_floats (dir, "target.f32", 3 * pixels);
  ns_image target, mask;
  ns_error err = { 0 };
  if (ns_image_alloc (&target, w, h, 3, &err) != NS_OK ||
      ns_image_alloc (&mask, w, h, 1, &err) != NS_OK)
    exit (1);
  for (size_t i = 0; i < pixels; i++)
    for (int c = 0; c < 3; c++)
      target.data[i * 3 + c] = planar[c * pixels + i];
  free (planar);
  planar = read_floats (dir, "mask.f32", pixels);
  memcpy (mask.data, planar, sizeof (float) * pixels);
  free (planar);
  const ns_pixel_term term = { PIXEL_WEIGHT, &target, &mask };
  const ns_objective_spec spec = {
    .weights = weights,
    .layers = layers,
    .content = content,
    .width = w,
    .height = h,
    .styles = style,
    .style_count = 1,
    .content_weight = params->content_weight,
    .style_weight = params->style_weight,
    .tv_weight = params->tv_weight,
    .net_options = net_options,
    .pixel = &term,
  };
  ns_objective obj;
  if (ns_objective_make (&obj, &spec, &err) != NS_OK)
    {
      fprintf (stderr, "torch-dump: %s\n", err.message);
      exit (1);
    }
  float *gradient = malloc (sizeof (float) * 3 * pixels);
  const double loss = ns_objective_evaluate (&obj, x, gradient);
  write_floats (dir, "c_pixel_gradient.f32", gradient, 3 * pixels);
  char path[4096];
  snprintf (path, sizeof path, "%s/c_pixel_losses.txt", dir);
  FILE *f = fopen (path, "w");
  fprintf (f, "%.9g %.9g\n", obj.pixel_loss, loss);
  fclose (f);
  free (gradient);
  ns_objective_clear (&obj);
  ns_image_clear (&target);
  ns_image_clear (&mask);
}

typedef struct
{
  const char *dir;
  int step;
} step_writer;

/* Writes each Adam iterate, so that the test can check every step from the
 * engine's own previous image. */
static ns_progress_reply
write_step (const ns_progress *progress, void *user_data)
{
  step_writer *writer = user_data;
  char name[64];
  snprintf (name, sizeof name, "c_adam_step%d.f32", ++writer->step);
  write_floats (writer->dir, name, progress->planar_rgb,
                3 * (size_t) progress->width * progress->height);
  return NS_PROGRESS_CONTINUE;
}

int
main (int argc, char **argv)
{
  if (argc != 8)
    {
      fprintf (
          stderr,
          "usage: torch-dump WEIGHTS DIR paper|block-last WIDTH HEIGHT STYLE_WIDTH STYLE_HEIGHT\n");
      return 2;
    }
  const char *dir = argv[2];
  const int w = atoi (argv[4]), h = atoi (argv[5]), sw = atoi (argv[6]), sh = atoi (argv[7]);
  ns_params params;
  ns_params_init (&params);
  const ns_setting_choice *layer_set = ns_setting_choice_find (ns_setting_find ("layer-set"),
                                                               argv[3]);
  params.layer_set = layer_set ? (ns_layer_set) layer_set->value : NS_LAYERS_PAPER;
  /* the differential test holds the exact path to PyTorch's rounding */
  params.precision = NS_PRECISION_EXACT;
  params.content_weight = 1.0;
  params.style_weight = 3.0;
  params.tv_weight = 0.5;
  const double layer_weights[NS_STYLE_LAYER_COUNT] = { 1.0, 0.5, 2.0, 1.5, 0.75 };
  memcpy (params.style_layer_weights, layer_weights, sizeof layer_weights);

  ns_error err = { 0 };
  ns_weights weights;
  if (ns_weights_load (&weights, argv[1], ns_conv_count_needed (&params), &err) != NS_OK)
    {
      fprintf (stderr, "torch-dump: %s\n", err.message);
      return 1;
    }
  const size_t n = 3 * (size_t) w * h;
  float *content = read_floats (dir, "content.f32", n);
  float *style = read_floats (dir, "style.f32", 3 * (size_t) sw * sh);
  float *x = read_floats (dir, "x.f32", n);

  /* the layers ns_stylize uses for these parameters */
  const ns_objective_layers layers = ns_layer_set_layers (&params);
  /* every ReLU output kept, to compare them all */
  ns_vgg19_net_options net_options;
  ns_vgg19_net_options_init (&net_options);
  ns_objective obj;
  const ns_objective_style style_image = { style, sw, sh, 1.0 };
  if (ns_objective_init (&obj, &weights, &layers, content, w, h, &style_image, 1,
                         params.content_weight, params.style_weight, params.tv_weight, &net_options,
                         &err) != NS_OK)
    {
      fprintf (stderr, "torch-dump: %s\n", err.message);
      return 1;
    }

  float *gradient = malloc (sizeof (float) * n);
  const double loss = ns_objective_evaluate (&obj, x, gradient);
  write_floats (dir, "c_gradient.f32", gradient, n);
  char name[64];
  write_relus (dir, "c_relu", &obj);
  for (int s = 0; s < NS_STYLE_LAYER_COUNT; s++)
    {
      const int layer = layers.style_layers[s], c = ns_vgg19_conv_out_channels (layer);
      float *gram = malloc (sizeof (float) * c * c);
      ns_style_gram (obj.net.activation[layer], c,
                     (size_t) obj.net.height[layer] * obj.net.width[layer], gram);
      snprintf (name, sizeof name, "c_gram%d.f32", s);
      write_floats (dir, name, gram, (size_t) c * c);
      snprintf (name, sizeof name, "c_target_gram%d.f32", s);
      write_floats (dir, name, obj.style_gram[0][s], (size_t) c * c);
      free (gram);
    }
  char path[4096];
  snprintf (path, sizeof path, "%s/c_losses.txt", dir);
  FILE *f = fopen (path, "w");
  fprintf (f, "%.9g %.9g %.9g %.9g\n", obj.content_loss, obj.style_loss, obj.tv_loss, loss);
  fclose (f);
  write_pixel_term (dir, &weights, &layers, content, w, h, &style_image, &params, &net_options, x);

  /* 10 Adam steps of the real driver, from the content, at the content's size */
  params.optimizer = NS_OPTIMIZER_ADAM;
  params.learning_rate = 0.01;
  params.iterations = ADAM_STEPS;
  params.multi_scale = 0;
  params.max_size = 0;
  ns_image content_image, result;
  if (ns_image_alloc (&content_image, w, h, 3, &err) != NS_OK)
    return 1;
  for (size_t i = 0; i < (size_t) w * h; i++)
    for (int c = 0; c < 3; c++)
      content_image.data[i * 3 + c] = content[c * (size_t) w * h + i];
  ns_image style_as_image;
  if (ns_image_alloc (&style_as_image, sw, sh, 3, &err) != NS_OK)
    return 1;
  for (size_t i = 0; i < (size_t) sw * sh; i++)
    for (int c = 0; c < 3; c++)
      style_as_image.data[i * 3 + c] = style[c * (size_t) sw * sh + i];
  const ns_style styles[1] = { { &style_as_image, 1.0, NULL } };
  step_writer writer = { dir, 0 };
  ns_request request = { .content = &content_image, .styles = styles, .style_count = 1 };
  request.params = &params;
  request.progress = write_step;
  request.user_data = &writer;
  if (ns_stylize (&weights, &request, &result, &err) != NS_OK)
    {
      fprintf (stderr, "torch-dump: %s\n", err.message);
      return 1;
    }
  write_floats (dir, "c_adam10.f32", result.data, (size_t) w * h * 3);

  /* the ReLU outputs and the gradient at the image each Adam step started
   * from: the same kernels on the same image compute what the driver's
   * evaluation did */
  for (int k = 0; k < ADAM_STEPS; k++)
    {
      float *start = content;
      if (k > 0)
        {
          snprintf (name, sizeof name, "c_adam_step%d.f32", k);
          start = read_floats (dir, name, n);
        }
      ns_objective_evaluate (&obj, start, gradient);
      snprintf (name, sizeof name, "c_step%d_relu", k);
      write_relus (dir, name, &obj);
      snprintf (name, sizeof name, "c_step%d_gradient.f32", k);
      write_floats (dir, name, gradient, n);
      if (start != content)
        free (start);
    }
  ns_objective_clear (&obj);

  ns_image_clear (&result);
  ns_image_clear (&content_image);
  ns_image_clear (&style_as_image);
  free (content);
  free (style);
  free (x);
  free (gradient);
  ns_weights_clear (&weights);
  return 0;
}
