/* The style-transfer objective of Gatys et al. for one working size:
 *   loss(x) = alpha * L_content(x) + beta * sum_l L_style,l(x)
 * with content at relu4_2 and style at relu1_1, relu2_1, relu3_1, relu4_1,
 * relu5_1 (see losses.h for the normalisation), and its gradient in x. */
#ifndef OBJECTIVE_H
#define OBJECTIVE_H

#include "ns_error.h"
#include "vgg19_net.h"

#define OBJECTIVE_STYLE_LAYER_COUNT 5

typedef struct {
  vgg19_net net;                      /* sized for the working image */
  float *content_target;              /* relu4_2 of the content */
  float *style_gram[OBJECTIVE_STYLE_LAYER_COUNT];
  float *gram_scratch;
  double content_weight, style_weight;
  double content_loss, style_loss;    /* unweighted terms of the last evaluation */
} objective;

/* Convolutions the objective runs (cut after conv5_1). */
int objective_conv_count (void);

/* content: planar RGB width x height, the size x will have; style: planar RGB
 * style_width x style_height.  Computes the targets once. */
ns_status objective_init (objective *obj, const vgg19_weights *weights,
                          const float *content, int width, int height,
                          const float *style, int style_width, int style_height,
                          double content_weight, double style_weight, ns_error *err);
void objective_free (objective *obj);

/* Returns the weighted loss at x (planar RGB); fills gradient (same layout)
 * when it is not NULL. */
double objective_evaluate (objective *obj, const float *x, float *gradient);

#endif
