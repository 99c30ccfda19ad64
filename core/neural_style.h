/* The engine's public entry point: optimisation-based neural style transfer
 * (Gatys, Ecker, Bethge 2016) over VGG19.  Pure C11 + OpenBLAS + OpenMP. */
#ifndef NEURAL_STYLE_H
#define NEURAL_STYLE_H

#include "ns_error.h"
#include "vgg19_weights.h"

/* An interleaved float image, values in [0,1] (R'G'B', i.e. gamma-encoded as
 * the image shows it).  channels is 3 (RGB) or 4 (RGBA); the engine reads the
 * colour channels only and gives the result the content's alpha. */
typedef struct {
  int width;
  int height;
  int channels;
  float *data;   /* width * height * channels */
} ns_image;

/* Allocates data (zeroed); returns NS_ERROR_NOMEM or NS_ERROR_ARGUMENT on failure. */
ns_status ns_image_alloc (ns_image *image, int width, int height, int channels, ns_error *err);
void ns_image_free (ns_image *image);

typedef struct {
  double content_weight;  /* alpha */
  double style_weight;    /* beta */
  double learning_rate;   /* Adam step, in image units ([0,1] per channel) */
  int iterations;
  int max_size;           /* working size: longest side in pixels; 0 = the content's size */
} ns_params;

#define NS_MAX_WORKING_SIZE 8192
#define NS_MAX_ITERATIONS 100000

void ns_params_init (ns_params *params);
/* NS_OK when every field is in range, else NS_ERROR_ARGUMENT naming the field. */
ns_status ns_params_check (const ns_params *params, ns_error *err);

typedef struct {
  int iteration;      /* 1-based, the iteration just finished */
  int iterations;
  double loss;        /* total weighted loss */
  double content_loss;/* alpha-weighted */
  double style_loss;  /* beta-weighted */
} ns_progress;

typedef enum {
  NS_PROGRESS_CONTINUE = 0,
  NS_PROGRESS_STOP = 1,    /* stop now and return the result so far */
  NS_PROGRESS_CANCEL = 2   /* stop now and return NS_ERROR_CANCELLED, no result */
} ns_progress_reply;

/* Called after every iteration, from the thread running ns_stylize. */
typedef ns_progress_reply (*ns_progress_fn) (const ns_progress *progress, void *user_data);

/* How many leading VGG19 convolutions ns_stylize needs from the weights
 * (vgg19_weights_load's conv_count). */
int ns_conv_count_needed (void);

/* Repaints content in the style of style.  result is allocated here with the
 * content's size and channel count; the content's alpha is copied through.
 * Neither input is modified.  progress may be NULL. */
ns_status ns_stylize (const vgg19_weights *weights,
                      const ns_image *content,
                      const ns_image *style,
                      const ns_params *params,
                      ns_progress_fn progress,
                      void *user_data,
                      ns_image *result,
                      ns_error *err);

#endif
