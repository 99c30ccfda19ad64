/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tiled evaluation of the objective is the untiled one: at 384x288 with
 * a budget that forces at least 4 tiles, the loss within 1e-5 and the
 * gradient within 1e-4 (relative), for both layer sets, with synthetic
 * weights and, when NEURAL_STYLE_TEST_WEIGHTS names them, the real ones;
 * with two regions, a region to keep and a pixel term with a soft mask too
 * (synthetic weights).
 * Also the tiles' geometry: inner parts cover the image once, crops are
 * aligned to the pools and hold the halo, and a budget is kept or a size
 * refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layer_sets.h"
#include "objective.h"
#include "synthetic_weights.h"
#include "test_util.h"
#include "tiling.h"

#define WIDTH 384
#define HEIGHT 288

static void
test_geometry (int height, int width, int rows, int columns, int halo)
{
  ns_tiling t;
  ns_error err;
  if (!tap_check (ns_tiling_grid (&t, height, width, halo, rows, columns, &err) == NS_OK,
                  "%dx%d tiles of %dx%d", columns, rows, width, height))
    return;
  unsigned char *covered = calloc ((size_t) height * width, 1);
  int aligned = 1, halo_held = 1, within = 1;
  for (int k = 0; k < t.count; k++)
    {
      const ns_tile *tile = &t.tiles[k];
      for (int y = tile->inner.y0; y < tile->inner.y1; y++)
        for (int x = tile->inner.x0; x < tile->inner.x1; x++)
          covered[(size_t) y * width + x]++;
      aligned &= tile->crop.y0 % NS_TILING_ALIGN == 0 && tile->crop.x0 % NS_TILING_ALIGN == 0 &&
                 tile->inner.y0 % NS_TILING_ALIGN == 0 && tile->inner.x0 % NS_TILING_ALIGN == 0;
      within &= tile->crop.y0 >= 0 && tile->crop.x0 >= 0 && tile->crop.y1 <= height &&
                tile->crop.x1 <= width && tile->crop.y1 - tile->crop.y0 <= t.crop_height &&
                tile->crop.x1 - tile->crop.x0 <= t.crop_width;
      /* the halo on every side where the image goes on */
      halo_held &= (tile->inner.y0 - tile->crop.y0 >= halo || tile->crop.y0 == 0) &&
                   (tile->inner.x0 - tile->crop.x0 >= halo || tile->crop.x0 == 0) &&
                   (tile->crop.y1 - tile->inner.y1 >= halo || tile->crop.y1 == height) &&
                   (tile->crop.x1 - tile->inner.x1 >= halo || tile->crop.x1 == width);
    }
  size_t once = 0;
  for (size_t i = 0; i < (size_t) height * width; i++)
    once += covered[i] == 1;
  tap_check (once == (size_t) height * width,
             "%dx%d in %d tiles: every pixel in exactly one inner part (%zu of %zu)", width, height,
             t.count, once, (size_t) height * width);
  tap_check (aligned && within && halo_held,
             "crops within the image, offsets multiples of %d, halo %d held", NS_TILING_ALIGN, halo);
  free (covered);
  ns_tiling_clear (&t);
}

static double
relative (double a, double b)
{
  return fabs (a - b) / (fabs (b) > 0.0 ? fabs (b) : 1.0);
}

/* A smooth picture with edges, so that features vary as in a photo. */
static float *
test_picture (int width, int height, double phase, ns_random *rng)
{
  float *rgb = malloc (sizeof (float) * 3 * width * height);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < height; y++)
      for (int x = 0; x < width; x++)
        {
          double v = 0.5 + 0.25 * sin (0.05 * x + phase * (c + 1)) * cos (0.07 * y - phase);
          if ((x / 40 + y / 56) % 3 == c)
            v += 0.2;
          v += 0.05 * (2.0 * ns_random_uniform (rng) - 1.0);
          rgb[((size_t) c * height + y) * width + x] = (float) (v < 0 ? 0 : v > 1 ? 1 : v);
        }
  return rgb;
}

/* Relative errors of a against b: largest difference over largest value,
 * and the norm of the difference over b's. */
static void
gradient_errors (const float *a, const float *b, size_t n, double *max_error, double *norm_error)
{
  double diff = 0.0, largest = 0.0, d2 = 0.0, b2 = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      const double d = (double) a[i] - b[i];
      diff = fmax (diff, fabs (d));
      largest = fmax (largest, fabs (b[i]));
      d2 += d * d;
      b2 += (double) b[i] * b[i];
    }
  *max_error = diff / largest;
  *norm_error = sqrt (d2 / b2);
}

/* What the tile callback saw, and after how many tiles it abandons. */
typedef struct
{
  int calls, in_order, abandon_after;
  int last_sweep, last_tile;
} tile_log;

static int
log_tile (void *user_data, int sweep, int tile)
{
  tile_log *log = user_data;
  const int next = log->calls == 0 ? sweep == 1 && tile == 1 :
                   tile == 1       ? sweep == log->last_sweep + 1 :
                                     sweep == log->last_sweep && tile == log->last_tile + 1;
  log->in_order &= next;
  log->last_sweep = sweep;
  log->last_tile = tile;
  return ++log->calls == log->abandon_after;
}

/* The tile callback comes after each tile of each sweep, in order, and
 * abandoning in either sweep returns NAN at once; the next evaluation is
 * whole again. */
static void
check_tile_callback (ns_objective *tiled, const float *x, float *gradient, double loss,
                     const char *what)
{
  const int count = tiled->tiling.count;
  tile_log log = { 0, 1, 0, 0, 0 };
  ns_objective_set_tile_callback (tiled, log_tile, &log);
  const double again = ns_objective_evaluate (tiled, x, gradient);
  tap_check (log.calls == 2 * count && log.in_order && log.last_sweep == 2 &&
                 log.last_tile == count && again == loss,
             "%s: the tile callback comes %d times (2 sweeps of %d tiles), in order", what,
             log.calls, count);
  int abandoned = 1;
  for (int after = 1; after <= 2 * count; after += count)
    {
      log = (tile_log) { 0, 1, after, 0, 0 };
      abandoned &= isnan (ns_objective_evaluate (tiled, x, gradient)) && log.calls == after;
    }
  log = (tile_log) { 0, 1, 0, 0, 0 };
  const double whole = ns_objective_evaluate (tiled, x, gradient);
  tap_check (abandoned && whole == loss,
             "%s: abandoned after the first tile of either sweep: NAN at once; then whole again",
             what);
  ns_objective_set_tile_callback (tiled, NULL, NULL);
}

/* The objective in tiles against the untiled one.  grid: force 2x2 tiles
 * (else a budget that only 4 tiles or more fit).  With synthetic weights
 * (real == 0) the gradient is checked in norm to 1e-2: that network's own
 * float32 gradient moves by 0.3% (norm) and 2% (largest difference) from 1
 * to 2 threads, its ReLU and pool near-ties flipping with any change of
 * rounding; the real network's moves by 1e-6. */
/* Two soft regions (left, and the rest) and a disc to keep, WIDTH x HEIGHT. */
static void
make_guides (float *regions, float *keep)
{
  const size_t plane = (size_t) WIDTH * HEIGHT;
  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      {
        const double left = 1.0 / (1.0 + exp ((x - 0.4 * WIDTH) / 12.0));
        const double r = hypot (x - 0.7 * WIDTH, y - 0.5 * HEIGHT);
        regions[(size_t) y * WIDTH + x] = (float) left;
        regions[plane + (size_t) y * WIDTH + x] = (float) (1.0 - left);
        keep[(size_t) y * WIDTH + x] = r < 50 ? 1.0f : 0.0f;
      }
}

/* guided: two regions, a region to keep, and a pixel term towards another
 * picture under a soft mask (0 on the left, 1 on the right) */
static void
test_exact (const ns_weights *weights, ns_layer_set set, int grid, int real, int guided,
            const char *what)
{
  ns_params params;
  ns_params_init (&params);
  params.layer_set = set;
  const ns_objective_layers layers = ns_layer_set_layers (&params);
  ns_random rng;
  ns_random_seed (&rng, 7);
  const size_t n = 3 * (size_t) WIDTH * HEIGHT;
  float *content = test_picture (WIDTH, HEIGHT, 0.3, &rng);
  float *x = test_picture (WIDTH, HEIGHT, 0.5, &rng);
  float *style = test_picture (200, 150, 1.7, &rng);
  float *style2 = test_picture (150, 200, 2.9, &rng);
  const ns_objective_style style_images[2] = { { style, 200, 150, 1.0 }, { style2, 150, 200, 1.0 } };
  const ns_objective_style style_image = style_images[0];
  float *regions = malloc (sizeof (float) * 2 * WIDTH * HEIGHT);
  float *keep = malloc (sizeof (float) * WIDTH * HEIGHT);
  make_guides (regions, keep);
  const int style_region[2] = { 0, 1 };
  const ns_objective_guides guides = { 2, regions, style_region, keep, 10.0 };
  float *g_whole = malloc (sizeof (float) * n), *g_tiled = malloc (sizeof (float) * n);
  ns_image target = { 0 }, mask = { 0 };
  ns_image_alloc (&target, WIDTH, HEIGHT, 3, NULL);
  ns_image_alloc (&mask, WIDTH, HEIGHT, 1, NULL);
  float *picture = test_picture (WIDTH, HEIGHT, 2.2, &rng);
  for (size_t i = 0; i < (size_t) WIDTH * HEIGHT; i++)
    {
      for (int c = 0; c < 3; c++)
        target.data[3 * i + c] = picture[c * (size_t) WIDTH * HEIGHT + i];
      mask.data[i] = (float) (1.0 / (1.0 + exp ((0.5 * WIDTH - (double) (i % WIDTH)) / 20.0)));
    }
  free (picture);
  const ns_pixel_term pixel = { guided ? 30.0 : 0.0, &target, &mask };

  /* the network ns_objective builds: the loss layers kept */
  ns_vgg19_net_options options;
  ns_vgg19_net_options_init (&options);
  options.keep = 1u << layers.content_layer;
  for (int s = 0; s < layers.style_layer_count; s++)
    options.keep |= 1u << layers.style_layers[s];
  /* what 2x2 tiles take: fewer tiles need larger crops */
  const int conv_count = ns_objective_conv_count (&layers);
  ns_tiling two_by_two;
  ns_error err;
  if (ns_tiling_grid (&two_by_two, HEIGHT, WIDTH, ns_tiling_halo (conv_count), 2, 2, &err) != NS_OK)
    abort ();
  const ns_tile_request request = {
    .budget = ns_objective_measure_tiles (&layers, &options, two_by_two.crop_height,
                                          two_by_two.crop_width, two_by_two.count, guided),
    .rows = grid ? 2 : 0,
    .columns = grid ? 2 : 0,
  };
  ns_tiling_clear (&two_by_two);

  ns_objective whole, tiled;
  ns_objective_spec spec = {
    .weights = weights,
    .layers = &layers,
    .content = content,
    .width = WIDTH,
    .height = HEIGHT,
    .styles = style_images,
    .style_count = guided ? 2 : 1,
    .content_weight = 1.0,
    .style_weight = 3.0,
    .tv_weight = 0.001,
    .guides = guided ? &guides : NULL,
    .pixel = &pixel,
  };
  const int made_whole = ns_objective_make (&whole, &spec, &err) == NS_OK;
  spec.tiles = &request;
  if (!tap_check (made_whole, "%s: untiled objective", what) ||
      !tap_check (ns_objective_make (&tiled, &spec, &err) == NS_OK, "%s: tiled objective", what))
    {
      tap_note ("%s", err.message);
      goto done;
    }
  const size_t tiled_bytes = ns_objective_measure_tiles (&layers, &options, tiled.tiling.crop_height,
                                                         tiled.tiling.crop_width,
                                                         tiled.tiling.count, guided);
  if (grid)
    tap_check (tiled.tiling.count == 4, "%s: 2x2 tiles asked, %d made (halo %d, crops %dx%d)", what,
               tiled.tiling.count, tiled.tiling.halo, tiled.tiling.crop_width,
               tiled.tiling.crop_height);
  else
    tap_check (tiled.tiling.count >= 4 && tiled_bytes <= request.budget,
               "%s: a budget of %.1f MiB cuts %d tiles (%dx%d, halo %d, crops up to %dx%d, "
               "%.1f MiB)",
               what, request.budget / 1048576.0, tiled.tiling.count, tiled.tiling.columns,
               tiled.tiling.rows, tiled.tiling.halo, tiled.tiling.crop_width,
               tiled.tiling.crop_height, tiled_bytes / 1048576.0);

  const double loss_whole = ns_objective_evaluate (&whole, x, g_whole);
  const double loss_tiled = ns_objective_evaluate (&tiled, x, g_tiled);
  double max_error, norm_error;
  gradient_errors (g_tiled, g_whole, n, &max_error, &norm_error);
  tap_note ("%s: loss %.9g tiled, %.9g untiled; gradient: largest difference %.3g of the largest "
            "value, norm %.3g",
            what, loss_tiled, loss_whole, max_error, norm_error);
  report (relative (loss_tiled, loss_whole) <= 1e-5, "tiled loss = untiled loss",
          relative (loss_tiled, loss_whole), 1e-5);
  const double terms_error = fmax (relative (tiled.content_loss, whole.content_loss),
                                   relative (tiled.style_loss, whole.style_loss));
  report (terms_error <= 1e-5, "tiled content and style terms = untiled", terms_error, 1e-5);
  if (guided)
    tap_check (tiled.pixel_loss > 0.0 && tiled.pixel_loss == whole.pixel_loss,
               "tiled pixel term = untiled, exactly (%.9g): it is taken on the whole image",
               tiled.pixel_loss);
  if (real)
    report (max_error <= 1e-4, "tiled gradient = untiled (largest difference / largest value)",
            max_error, 1e-4);
  else
    report (norm_error <= 1e-2, "tiled gradient = untiled (norm of the difference / norm)",
            norm_error, 1e-2);
  const double loss_only = ns_objective_evaluate (&tiled, x, NULL);
  report (relative (loss_only, loss_whole) <= 1e-5, "tiled loss without a gradient",
          relative (loss_only, loss_whole), 1e-5);
  check_tile_callback (&tiled, x, g_tiled, loss_tiled, what);
  ns_objective_clear (&tiled);

  /* no budget that fits: refused, saying what would */
  const ns_tile_request tiny = { .budget = 1 << 20 };
  const int refused = ns_objective_init_tiled (&tiled, weights, &layers, content, WIDTH, HEIGHT,
                                               &style_image, 1, 1.0, 3.0, 0.0, NULL, &tiny, NULL,
                                               &err) == NS_ERROR_NOMEM;
  tap_check (refused && strstr (err.message, "MiB"), "%s: a 1 MiB budget refused: %s", what,
             refused ? err.message : "(accepted)");
  ns_objective_clear (&whole);
done:
  free (content);
  free (x);
  free (style);
  free (style2);
  free (regions);
  free (keep);
  ns_image_clear (&target);
  ns_image_clear (&mask);
  free (g_whole);
  free (g_tiled);
}

int
main (void)
{
  test_geometry (288, 384, 2, 2, 96);
  test_geometry (301, 517, 3, 4, 160);
  test_geometry (3391, 6028, 7, 11, 64);
  test_geometry (40, 33, 1, 1, 0);
  tap_check (ns_tiling_halo (13) >= ns_vgg19_receptive_field (12) / 2 &&
                 ns_tiling_halo (16) >= ns_vgg19_receptive_field (15) / 2,
             "halos %d (relu5_1, field %d) and %d (relu5_4, field %d) hold the receptive radius",
             ns_tiling_halo (13), ns_vgg19_receptive_field (12), ns_tiling_halo (16),
             ns_vgg19_receptive_field (15));

  ns_weights weights;
  if (!synthetic_weights_make (&weights, NS_VGG19_CONV_COUNT, 5))
    return tap_check (0, "synthetic weights"), tap_done ();
  /* the block-last set's halo (160) leaves no 384x288 crop smaller than
   * 2x1 tiles' (352x288): its 4 tiles are asked for */
  test_exact (&weights, NS_LAYERS_PAPER, 0, 0, 0, "synthetic weights, paper layers");
  test_exact (&weights, NS_LAYERS_BLOCK_LAST, 1, 0, 0, "synthetic weights, block-last layers");
  test_exact (&weights, NS_LAYERS_PAPER, 1, 0, 1,
              "synthetic weights, paper layers, two regions, a region to keep, a pixel term");
  ns_weights_clear (&weights);

  const char *path = getenv ("NEURAL_STYLE_TEST_WEIGHTS");
  ns_error err;
  if (!path || access (path, R_OK) != 0)
    tap_skip ("real weights: none at %s",
              path && *path ? path : "(NEURAL_STYLE_TEST_WEIGHTS empty or unset)");
  else if (!tap_check (ns_weights_load (&weights, path, NS_VGG19_CONV_COUNT, &err) == NS_OK,
                       "real weights load"))
    tap_note ("%s", err.message);
  else
    {
      test_exact (&weights, NS_LAYERS_PAPER, 0, 1, 0, "real weights, paper layers");
      test_exact (&weights, NS_LAYERS_BLOCK_LAST, 1, 1, 0, "real weights, block-last layers");
      ns_weights_clear (&weights);
    }
  return tap_done ();
}
