/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plan measures memory by laying buffers out through a measuring
 * budget (ns_budget.h), running the code that allocates them: what a
 * measuring pass counts must be what the allocating pass takes, for every
 * shape (layers, image size, regions, a region to keep, a pixel term with
 * or without its mask, anchor blocks). */
#include <stdlib.h>
#include <string.h>

#include "anchor.h"
#include "neural_style.h"
#include "objective.h"
#include "synthetic_weights.h"
#include "tap.h"

/* conv indices of VGG19's ReLUs named in the layer sets */
#define CONV1_1 0
#define CONV2_1 2
#define CONV3_1 4
#define CONV4_1 8
#define CONV4_2 9
#define CONV5_1 12

static ns_objective_layers
layers_of (int content_layer, int count, const int *style_layers)
{
  ns_objective_layers layers;
  memset (&layers, 0, sizeof layers);
  layers.content_layer = content_layer;
  layers.style_layer_count = count;
  for (int s = 0; s < count; s++)
    {
      layers.style_layers[s] = style_layers[s];
      layers.style_layer_weights[s] = 1.0;
    }
  return layers;
}

/* The objective's image buffers laid out measured, then allocated. */
/* ", a pixel term" and its mask, or "", for planes (ns_objective_pixel_planes) */
static const char *
pixel_words (int planes)
{
  return planes == 4 ? ", a pixel term with a mask" : planes == 3 ? ", a pixel term" : "";
}

static void
check_objective_layout (const char *what, const ns_objective_layers *layers, int width, int height,
                        int region_count, int keep, int pixel_planes)
{
  ns_budget measure = ns_budget_measuring (), allocate = ns_budget_allocating ();
  ns_objective measured, allocated;
  ns_error err = { 0 };
  memset (&measured, 0, sizeof measured);
  memset (&allocated, 0, sizeof allocated);
  const ns_status m = ns_objective_lay_out (&measured, layers, width, height, region_count, keep,
                                            pixel_planes, &measure, &err);
  const ns_status a = ns_objective_lay_out (&allocated, layers, width, height, region_count, keep,
                                            pixel_planes, &allocate, &err);
  tap_check (m == NS_OK && a == NS_OK && measure.held == allocate.held && measure.held > 0 &&
                 measure.peak == measure.held && allocate.peak == allocate.held,
             "%s, %dx%d, %d regions%s%s: measured %zu bytes, allocated %zu", what, width, height,
             region_count, keep ? ", a region to keep" : "", pixel_words (pixel_planes),
             measure.held, allocate.held);
  if (a == NS_OK)
    ns_objective_clear (&allocated);
}

/* An objective made from images: what it holds besides its tiles is what
 * the plan measures for that shape; with a pixel term of pixel_planes
 * (ns_objective_pixel_planes: 0, 3 or 4), its images at another size. */
static void
check_objective_made (const ns_weights *weights, const ns_objective_layers *layers, int width,
                      int height, int region_count, int keep, int tiles, int pixel_planes)
{
  const size_t pixels = (size_t) width * height;
  float *content = malloc (sizeof (float) * 3 * pixels);
  float *planes = malloc (sizeof (float) * (region_count + 1) * pixels);
  for (size_t i = 0; i < 3 * pixels; i++)
    content[i] = (float) ((i * 7919) % 256) / 255.0f;
  for (size_t i = 0; i < (size_t) (region_count + 1) * pixels; i++)
    planes[i] = (float) ((i / width) % 2);
  int style_region[2] = { 0, region_count > 1 ? 1 : 0 };
  const ns_objective_style styles[2] = { { content, width, height, 1.0 },
                                         { content, width, height, 1.0 } };
  const ns_objective_guides guides = {
    .region_count = region_count,
    .regions = planes,
    .style_region = style_region,
    .keep = keep ? planes + (size_t) region_count * pixels : NULL,
    .keep_strength = 2.0,
  };
  ns_objective obj, shape;
  ns_error err = { 0 };
  const ns_tile_request two_by_two = { .rows = 2, .columns = 2 };
  ns_image target = { 0 }, mask = { 0 };
  ns_image_alloc (&target, width + 5, height + 3, 4, NULL);
  ns_image_alloc (&mask, width + 5, height + 3, 1, NULL);
  const ns_pixel_term pixel = { .weight = pixel_planes ? 0.5 : 0.0,
                                .target = pixel_planes ? &target : NULL,
                                .mask = pixel_planes == 4 ? &mask : NULL };
  const ns_objective_spec spec = {
    .weights = weights,
    .layers = layers,
    .content = content,
    .width = width,
    .height = height,
    .styles = styles,
    .style_count = 2,
    .content_weight = 1.0,
    .style_weight = 1.0,
    .tiles = tiles ? &two_by_two : NULL,
    .guides = &guides,
    .pixel = &pixel,
  };
  ns_budget measure = ns_budget_measuring ();
  memset (&shape, 0, sizeof shape);
  const ns_status made = ns_objective_make (&obj, &spec, &err);
  const ns_status measured = ns_objective_lay_out (&shape, layers, width, height, region_count,
                                                   keep, ns_objective_pixel_planes (&pixel),
                                                   &measure, &err);
  tap_check (made == NS_OK && measured == NS_OK && obj.held_bytes == measure.held &&
                 ns_objective_pixel_planes (&pixel) == pixel_planes &&
                 (obj.pixel_target != NULL) == (pixel_planes > 0) &&
                 (obj.pixel_mask != NULL) == (pixel_planes == 4),
             "an objective made at %dx%d with %d regions%s%s holds %zu bytes; the plan "
             "measures %zu",
             width, height, region_count, keep ? ", a region to keep" : "",
             pixel_words (pixel_planes), made == NS_OK ? obj.held_bytes : 0, measure.held);
  if (made == NS_OK)
    {
      const ns_vgg19_net_options options = ns_objective_net_options (layers, NULL);
      const size_t crops = ns_objective_measure_tiles (layers, &options, obj.tiling.crop_height,
                                                       obj.tiling.crop_width, obj.tiling.count,
                                                       region_count > 0);
      tap_check (obj.tile_bytes == crops,
                 "its %d tiles (crops up to %dx%d) took %zu bytes; the plan measures %zu",
                 obj.tiling.count, obj.tiling.crop_width, obj.tiling.crop_height, obj.tile_bytes,
                 crops);
      ns_objective_clear (&obj);
    }
  free (content);
  free (planes);
  ns_image_clear (&target);
  ns_image_clear (&mask);
}

static void
check_network (int conv_count, int height, int width, unsigned keep, int tile)
{
  ns_vgg19_net_options options;
  ns_vgg19_net_options_init (&options);
  options.keep = keep;
  options.winograd_tile = tile;
  ns_budget measure = ns_budget_measuring (), allocate = ns_budget_allocating ();
  ns_vgg19_net measured, allocated;
  ns_error err = { 0 };
  const ns_status m = ns_vgg19_net_lay_out (&measured, conv_count, height, width, &options,
                                            &measure, &err);
  const ns_status a = ns_vgg19_net_lay_out (&allocated, conv_count, height, width, &options,
                                            &allocate, &err);
  tap_check (m == NS_OK && a == NS_OK && measure.held == allocate.held && measure.held > 0,
             "a network of %d convs at %dx%d keeping 0x%x, tile %d: measured %zu bytes, "
             "allocated %zu",
             conv_count, width, height, keep, tile, measure.held, allocate.held);
  if (a == NS_OK)
    ns_vgg19_net_clear (&allocated);
}

static void
check_anchor (int width, int height, int block)
{
  ns_budget measure = ns_budget_measuring (), allocate = ns_budget_allocating ();
  ns_anchor measured, allocated;
  ns_error err = { 0 };
  const ns_status m = ns_anchor_lay_out (&measured, width, height, block, &measure, &err);
  const ns_status a = ns_anchor_lay_out (&allocated, width, height, block, &allocate, &err);
  tap_check (m == NS_OK && a == NS_OK && measure.held == allocate.held && measure.held > 0,
             "anchor of %dx%d in %d-pixel blocks: measured %zu bytes, allocated %zu", width, height,
             block, measure.held, allocate.held);
  if (a == NS_OK)
    ns_anchor_clear (&allocated);
}

int
main (void)
{
  const int gatys[] = { CONV1_1, CONV2_1, CONV3_1, CONV4_1, CONV5_1 };
  const int fine[] = { CONV1_1, CONV2_1 };
  const ns_objective_layers whole = layers_of (CONV4_2, 5, gatys);
  const ns_objective_layers detail = layers_of (-1, 2, fine);
  const ns_objective_layers shallow = layers_of (CONV2_1, 2, fine);

  check_objective_layout ("conv4_2 and five style layers", &whole, 64, 48, 0, 0, 0);
  check_objective_layout ("conv4_2 and five style layers", &whole, 333, 517, 3, 1, 4);
  check_objective_layout ("no content layer, two style layers", &detail, 1024, 768, 0, 0, 3);
  check_objective_layout ("no content layer, two style layers", &detail, 97, 61, 2, 1, 0);
  check_objective_layout ("conv2_1 and two style layers", &shallow, 200, 150, 4, 1, 4);

  check_network (13, 48, 64, NS_VGG19_KEEP_ALL, 2);
  check_network (13, 333, 517, (1u << 0) | (1u << 2) | (1u << 4) | (1u << 8) | (1u << 12), 4);
  check_network (16, 96, 80, 1u << 9, 2);
  check_anchor (1024, 768, 32);
  check_anchor (333, 517, 7);
  check_anchor (5, 3, 16);

  ns_weights weights;
  if (!synthetic_weights_make (&weights, ns_objective_conv_count (&whole), 5))
    return tap_check (0, "set-up: synthetic weights"), tap_done ();
  check_objective_made (&weights, &shallow, 48, 40, 0, 0, 0, 0);
  check_objective_made (&weights, &shallow, 48, 40, 2, 1, 1, 3);
  check_objective_made (&weights, &whole, 64, 48, 2, 1, 0, 4);
  check_objective_made (&weights, &whole, 96, 80, 0, 0, 1, 4);
  ns_weights_clear (&weights);
  return tap_done ();
}
