/* The style-transfer objective of Gatys et al. for one working size:
 *   loss(x) = alpha * L_content(x) + beta * sum_l w_l E_l(x) + tv * TV(x)
 * (see losses.h for the relative normalisation of each term), and its
 * gradient in x.  The layers are chosen by the caller. */
#ifndef OBJECTIVE_H
#define OBJECTIVE_H

#include "ns_error.h"
#include "vgg19_net.h"

#define OBJECTIVE_MAX_STYLE_LAYERS 8

typedef struct {
  int content_layer;                                   /* conv index of the content ReLU */
  int style_layer_count;
  int style_layers[OBJECTIVE_MAX_STYLE_LAYERS];        /* conv indices */
  double style_layer_weights[OBJECTIVE_MAX_STYLE_LAYERS];
} objective_layers;

/* A style image (planar RGB) and its share of the blended style targets. */
typedef struct {
  const float *rgb;
  int width, height;
  double blend;
} objective_style;

typedef struct {
  objective_layers layers;
  vgg19_net net;                      /* sized for the working image */
  float *content_target;
  double content_normaliser;
  float *style_gram[OBJECTIVE_MAX_STYLE_LAYERS];
  double style_normaliser[OBJECTIVE_MAX_STYLE_LAYERS];
  float *gram_scratch;
  double content_weight, style_weight, tv_weight;
  /* unweighted terms of the last evaluation (style: sum of w_l E_l) */
  double content_loss, style_loss, tv_loss;
} objective;

/* Convolutions needed for these layers (the network is cut after the deepest). */
int objective_conv_count (const objective_layers *layers);

/* content: planar RGB width x height, the size x will have.  The style
 * targets are the blend-weighted mean of each style's Gram matrices, each
 * computed at that style image's own size.  Computes the targets once.
 * The networks keep the ReLU outputs of the loss layers and of
 * net_options->keep, and use its Winograd tile; NULL: tile 2, keep no more. */
ns_status objective_init (objective *obj, const vgg19_weights *weights,
                          const objective_layers *layers,
                          const float *content, int width, int height,
                          const objective_style *styles, int style_count,
                          double content_weight, double style_weight, double tv_weight,
                          const vgg19_net_options *net_options, ns_error *err);
void objective_free (objective *obj);

/* Returns the weighted loss at x (planar RGB); fills gradient (same layout)
 * when it is not NULL. */
double objective_evaluate (objective *obj, const float *x, float *gradient);

#endif
