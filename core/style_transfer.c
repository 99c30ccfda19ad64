/* ns_stylize: Gatys et al.'s optimisation of an image's pixels so that its
 * VGG19 features match the content image's at relu4_2 and its Gram matrices
 * match the style image's at relu1_1 … relu5_1. */
#include "neural_style.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "ns_image_layout.h"
#include "resize.h"
#include "objective.h"

/* Below this the deepest layers shrink to a pixel or two and lose all meaning. */
#define MIN_WORKING_SIDE 32

/* The size an image is worked at: its longest side scaled to longest (only
 * ever shrunk when only_shrink is set; 0 keeps the image's own size), then
 * grown if need be so its shortest side is at least MIN_WORKING_SIDE. */
static ns_status
plan_working_size (int width, int height, int longest_wanted, int only_shrink, const char *what,
                   int *out_width, int *out_height, ns_error *err)
{
  const int longest = width > height ? width : height;
  double scale = longest_wanted > 0 ? (double) longest_wanted / longest : 1.0;
  if (only_shrink && scale > 1.0)
    scale = 1.0;
  const int shortest = width < height ? width : height;
  if (shortest * scale < MIN_WORKING_SIDE)
    scale = (double) MIN_WORKING_SIDE / shortest;
  const double w = ceil (width * scale - 0.5), h = ceil (height * scale - 0.5);
  if (w > NS_MAX_WORKING_SIZE || h > NS_MAX_WORKING_SIZE)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the %s image (%dx%d) is too narrow: its short side would need "
                         "%d pixels, making the long side larger than %d",
                         what, width, height, MIN_WORKING_SIDE, NS_MAX_WORKING_SIZE);
  *out_width = w < MIN_WORKING_SIDE ? MIN_WORKING_SIDE : (int) w;
  *out_height = h < MIN_WORKING_SIDE ? MIN_WORKING_SIDE : (int) h;
  return NS_OK;
}

/* The image's colour as a planar RGB tensor of the given size. */
static ns_status
planar_rgb_at_size (const ns_image *image, int width, int height, float **out, ns_error *err)
{
  const size_t own = (size_t) image->width * image->height;
  float *planar = malloc (sizeof (float) * 3 * own);
  float *sized = malloc (sizeof (float) * 3 * (size_t) width * height);
  if (!planar || !sized)
    {
      free (planar);
      free (sized);
      return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d image", width, height);
    }
  ns_image_to_planar_rgb (image, planar);
  ns_status status = resize_planar (planar, 3, image->width, image->height, sized, width, height, err);
  free (planar);
  if (status != NS_OK)
    {
      free (sized);
      return status;
    }
  *out = sized;
  return NS_OK;
}

static ns_status
check_image (const ns_image *image, const char *what, ns_error *err)
{
  if (!image || !image->data || image->width < 1 || image->height < 1
      || image->channels < 3 || image->channels > 4)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "the %s image is empty or not RGB/RGBA", what);
  return NS_OK;
}

/* The paper's layers: content relu4_2; style relu1_1, relu2_1, relu3_1, relu4_1, relu5_1. */
static const objective_layers paper_layers = {
  .content_layer = 9,
  .style_layer_count = 5,
  .style_layers = { 0, 2, 4, 8, 12 },
  .style_layer_weights = { 1, 1, 1, 1, 1 },
};

int
ns_conv_count_needed (void)
{
  return objective_conv_count (&paper_layers);
}

ns_status
ns_stylize (const vgg19_weights *weights, const ns_image *content, const ns_image *style,
            const ns_params *params, ns_progress_fn progress, void *user_data,
            ns_image *result, ns_error *err)
{
  ns_status status;
  memset (result, 0, sizeof *result);
  if ((status = ns_params_check (params, err)) != NS_OK
      || (status = check_image (content, "content", err)) != NS_OK
      || (status = check_image (style, "style", err)) != NS_OK)
    return status;
  if (!weights || weights->conv_count < ns_conv_count_needed ())
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the weights hold %d convolutions; style transfer needs %d (up to conv5_1)",
                         weights ? weights->conv_count : 0, ns_conv_count_needed ());

  int width, height, style_width, style_height;
  if ((status = plan_working_size (content->width, content->height, params->max_size, 1,
                                   "content", &width, &height, err)) != NS_OK
      || (status = plan_working_size (style->width, style->height,
                                      width > height ? width : height, 0,
                                      "style", &style_width, &style_height, err)) != NS_OK)
    return status;

  const size_t values = 3 * (size_t) width * height;
  float *x = NULL, *style_rgb = NULL, *grad = NULL, *final_rgb = NULL;
  objective obj = { 0 };
  adam_state adam = { 0 };

  status = planar_rgb_at_size (content, width, height, &x, err);
  if (status == NS_OK)
    status = planar_rgb_at_size (style, style_width, style_height, &style_rgb, err);
  if (status == NS_OK)
    {
      const objective_style style_image = { style_rgb, style_width, style_height, 1.0 };
      status = objective_init (&obj, weights, &paper_layers, x, width, height, &style_image, 1,
                               params->content_weight, params->style_weight, 0.0, err);
    }
  free (style_rgb);
  if (status == NS_OK)
    status = adam_init (&adam, values, err);
  if (status == NS_OK && !(grad = malloc (sizeof (float) * values)))
    status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d working image",
                           width, height);

  /* x starts as the content image (the paper's variant that converges fastest) */
  int stopped = 0;
  for (int it = 1; status == NS_OK && it <= params->iterations && !stopped; it++)
    {
      const double loss = objective_evaluate (&obj, x, grad);
      ns_progress report = {
        .iteration = it,
        .iterations = params->iterations,
        .loss = loss,
        .content_loss = params->content_weight * obj.content_loss,
        .style_loss = params->style_weight * obj.style_loss,
      };
      if (!isfinite (loss))
        {
          status = ns_error_set (err, NS_ERROR_ARGUMENT,
                                 "the optimisation diverged at iteration %d (the loss is not a "
                                 "finite number); try a lower learning rate", it);
          break;
        }
      adam_step (&adam, x, grad, params->learning_rate);
      /* stay within displayable colours: the network never sees out-of-gamut values */
      for (size_t i = 0; i < values; i++)
        x[i] = x[i] < 0.0f ? 0.0f : x[i] > 1.0f ? 1.0f : x[i];

      if (progress)
        switch (progress (&report, user_data))
          {
          case NS_PROGRESS_CONTINUE:
            break;
          case NS_PROGRESS_STOP:
            stopped = 1;
            break;
          default:
            status = ns_error_set (err, NS_ERROR_CANCELLED, "cancelled at iteration %d", it);
            break;
          }
    }

  if (status == NS_OK)
    {
      final_rgb = malloc (sizeof (float) * 3 * (size_t) content->width * content->height);
      if (!final_rgb)
        status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory for the %dx%d result",
                               content->width, content->height);
      else
        status = resize_planar (x, 3, width, height, final_rgb, content->width, content->height, err);
    }
  if (status == NS_OK)
    status = ns_image_alloc (result, content->width, content->height, content->channels, err);
  if (status == NS_OK)
    ns_image_from_planar_rgb (result, final_rgb, content);

  free (final_rgb);
  free (x);
  free (grad);
  adam_free (&adam);
  objective_free (&obj);
  return status;
}
