/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fast precision paints what the exact one paints, with the real VGG19
 * weights and photos (../shared; skipped without), on four pairs scaled to
 * 512 px, with the default settings otherwise:
 *  - at each of the run's working sizes, the objective's gradient at the
 *    start (the content, the default first image) with the fast path's
 *    arithmetic is within 1e-2 (relative L2) of the exact path's;
 *  - a whole run in each precision, then the content loss and the style
 *    loss of each final picture measured by one exact evaluation: the fast
 *    run's are each within 2% of the exact run's.  L-BFGS's path depends on
 *    the last digits of its gradients, so the two runs differ; what must
 *    not differ is how far each gets.
 *   test-fast-equivalence OUTPUT-FOLDER [CONTENT:STYLE…]
 * Writes the pictures side by side (a column per pair, exact above, fast
 * below) to OUTPUT-FOLDER/side-by-side.png.  Pairs named after the folder
 * (tubingen:the_scream) are the only ones run. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "image_io.h"
#include "image_layout.h"
#include "layer_sets.h"
#include "neural_style.h"
#include "objective.h"
#include "plan.h"
#include "planar.h"
#include "tap.h"

#define PAIRS 4
#define SIZE 512
#define GAP 8

static const char *const pair_names[PAIRS][2] = {
  { "tubingen", "starry_night" },
  { "tubingen", "the_scream" },
  { "nuthatch", "elephants" },
  { "nuthatch", "shipwreck" },
};

/* The working sizes of a run, from its progress reports. */
typedef struct
{
  int scales;
  int width[NS_MAX_SCALES], height[NS_MAX_SCALES];
  int iterations;
  double loss;
} run_log;

static void
log_iteration (run_log *log, const ns_progress *p)
{
  if (p->scale > log->scales && p->scale <= NS_MAX_SCALES)
    {
      log->scales = p->scale;
      log->width[p->scale - 1] = p->width;
      log->height[p->scale - 1] = p->height;
    }
  log->iterations++;
  log->loss = p->loss;
}

static ns_progress_reply
log_scales (const ns_progress *p, void *user_data)
{
  if (p->tile == 0)
    log_iteration (user_data, p);
  return NS_PROGRESS_CONTINUE;
}

/* path's picture with its longest side SIZE pixels. */
static ns_status
load_scaled (const char *samples, const char *name, ns_image *image, ns_error *err)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s.jpg", samples, name);
  ns_image full;
  ns_status status = image_load (path, &full, err);
  if (status != NS_OK)
    return status;
  const int landscape = full.width >= full.height;
  const int w = landscape ? SIZE : (int) lround ((double) SIZE * full.width / full.height);
  const int h = landscape ? (int) lround ((double) SIZE * full.height / full.width) : SIZE;
  status = ns_image_resize (&full, w, h, image, err);
  ns_image_clear (&full);
  return status;
}

/* The objective at width x height, in precision, of the pair's content and
 * style as a run at that working size sees them (the style at its working
 * size for it). */
static ns_status
objective_at (ns_objective *obj, const ns_weights *weights, const ns_params *params,
              const ns_image *content, const ns_image *style, int width, int height,
              ns_precision precision, ns_planar *scaled_content, ns_error *err)
{
  ns_params p = *params;
  p.precision = precision;
  const int longest = width > height ? width : height;
  int sw, sh;
  ns_planar scaled_style = { 0 };
  ns_status status = ns_style_working_size (&p, style->width, style->height, longest, &sw, &sh, err);
  if (status == NS_OK)
    status = ns_planar_from_image_resized (content, width, height, scaled_content, err);
  if (status == NS_OK)
    status = ns_planar_from_image_resized (style, sw, sh, &scaled_style, err);
  if (status == NS_OK)
    {
      const ns_objective_layers layers = ns_layer_set_layers (&p);
      /* each precision's arithmetic at every size, the coarse ones too */
      const int tile = precision == NS_PRECISION_FAST ? 4 : 2;
      const ns_vgg19_net_options options = ns_plan_net_options (tile);
      const ns_objective_style target = { scaled_style.rgb, sw, sh, 1.0 };
      status = ns_objective_init (obj, weights, &layers, scaled_content->rgb, width, height, &target,
                                  1, p.content_weight, p.style_weight, p.tv_weight, &options, err);
    }
  ns_planar_clear (&scaled_style);
  return status;
}

/* The relative L2 distance of the fast path's gradient at the content from
 * the exact path's, at width x height; -1 on an error. */
static double
start_gradient_gap (const ns_weights *weights, const ns_params *params, const ns_image *content,
                    const ns_image *style, int width, int height, ns_error *err)
{
  const size_t n = 3 * (size_t) width * height;
  float *gradient[2] = { malloc (sizeof (float) * n), malloc (sizeof (float) * n) };
  int ok = gradient[0] && gradient[1];
  for (int k = 0; ok && k < 2; k++)
    {
      ns_objective obj;
      ns_planar x = { 0 };
      ok = objective_at (&obj, weights, params, content, style, width, height,
                         k ? NS_PRECISION_FAST : NS_PRECISION_EXACT, &x, err) == NS_OK;
      if (ok)
        {
          ns_objective_evaluate (&obj, x.rgb, gradient[k]);
          ns_objective_clear (&obj);
        }
      ns_planar_clear (&x);
    }
  double d2 = 0.0, r2 = 0.0;
  for (size_t i = 0; ok && i < n; i++)
    {
      const double d = (double) gradient[1][i] - gradient[0][i];
      d2 += d * d;
      r2 += (double) gradient[0][i] * gradient[0][i];
    }
  free (gradient[0]);
  free (gradient[1]);
  return ok && r2 > 0.0 ? sqrt (d2 / r2) : -1.0;
}

/* The content and style losses of picture (the content's size), measured
 * by one exact evaluation. */
static ns_status
exact_losses (const ns_weights *weights, const ns_params *params, const ns_image *content,
              const ns_image *style, const ns_image *picture, double *content_loss,
              double *style_loss, ns_error *err)
{
  ns_objective obj;
  ns_planar scaled_content = { 0 };
  float *x = malloc (sizeof (float) * 3 * (size_t) picture->width * picture->height);
  if (!x)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a picture");
  ns_image_to_planar_rgb (picture, x);
  ns_status status = objective_at (&obj, weights, params, content, style, picture->width,
                                   picture->height, NS_PRECISION_EXACT, &scaled_content, err);
  if (status == NS_OK)
    {
      ns_objective_evaluate (&obj, x, NULL);
      *content_loss = obj.content_loss;
      *style_loss = obj.style_loss;
      ns_objective_clear (&obj);
    }
  ns_planar_clear (&scaled_content);
  free (x);
  return status;
}

/* The pictures in a grid, a column per pair, exact above and fast below,
 * on grey, written to folder/side-by-side.png. */
static ns_status
write_side_by_side (const char *folder, ns_image pictures[PAIRS][2], ns_error *err)
{
  int width = GAP, row = 0;
  for (int i = 0; i < PAIRS; i++)
    if (pictures[i][1].data)
      {
        width += pictures[i][0].width + GAP;
        if (pictures[i][0].height > row)
          row = pictures[i][0].height;
      }
  ns_image sheet;
  ns_status status = ns_image_alloc (&sheet, width, 2 * row + 3 * GAP, 3, err);
  if (status != NS_OK)
    return status;
  for (size_t i = 0; i < 3 * (size_t) sheet.width * sheet.height; i++)
    sheet.data[i] = 0.5f;
  int left = GAP;
  for (int i = 0; i < PAIRS; i++)
    if (pictures[i][1].data)
      {
        for (int k = 0; k < 2; k++)
          {
            const ns_image *p = &pictures[i][k];
            const int top = GAP + k * (row + GAP);
            for (int y = 0; y < p->height; y++)
              for (int x = 0; x < p->width; x++)
                for (int c = 0; c < 3; c++)
                  sheet.data[3 * ((size_t) (top + y) * sheet.width + left + x) + c] =
                      p->data[(size_t) p->channels * ((size_t) y * p->width + x) + c];
          }
        left += pictures[i][0].width + GAP;
      }
  char path[4096];
  snprintf (path, sizeof path, "%s/side-by-side.png", folder);
  status = image_save_png (path, &sheet, err);
  ns_image_clear (&sheet);
  return status;
}

/* mkdir -p for the output folder (its parent and itself). */
static int
make_folder (const char *folder)
{
  char parent[4096];
  snprintf (parent, sizeof parent, "%s", folder);
  char *slash = strrchr (parent, '/');
  if (slash && slash != parent)
    {
      *slash = '\0';
      if (mkdir (parent, 0777) != 0 && errno != EEXIST)
        return 0;
    }
  return mkdir (folder, 0777) == 0 || errno == EEXIST;
}

int
main (int argc, char **argv)
{
  const char *weights_path = getenv ("NEURAL_STYLE_TEST_WEIGHTS");
  const char *samples = getenv ("NEURAL_STYLE_TEST_SAMPLES");
  if (!weights_path || !*weights_path || access (weights_path, R_OK) != 0 || !samples)
    return tap_skip_all ("no real weights (NEURAL_STYLE_TEST_WEIGHTS)");
  for (int i = 0; i < PAIRS; i++)
    for (int k = 0; k < 2; k++)
      {
        char path[4096];
        snprintf (path, sizeof path, "%s/%s.jpg", samples, pair_names[i][k]);
        if (access (path, R_OK) != 0)
          return tap_skip_all ("no sample image %s (NEURAL_STYLE_TEST_SAMPLES)", path);
      }
  int chosen[PAIRS], named = 0;
  for (int i = 0; i < PAIRS; i++)
    {
      char name[100];
      snprintf (name, sizeof name, "%s:%s", pair_names[i][0], pair_names[i][1]);
      chosen[i] = argc <= 2;
      for (int j = 2; j < argc; j++)
        if (strcmp (argv[j], name) == 0)
          {
            chosen[i] = 1;
            named++;
          }
    }
  if (argc < 2 || (argc > 2 && named != argc - 2))
    {
      tap_check (0, "usage: test-fast-equivalence OUTPUT-FOLDER [CONTENT:STYLE…] (pairs: "
                    "tubingen:starry_night tubingen:the_scream nuthatch:elephants "
                    "nuthatch:shipwreck)");
      return tap_done ();
    }

  ns_params params;
  ns_params_init (&params);
  ns_error err = { 0 };
  ns_weights weights;
  if (ns_weights_load (&weights, weights_path, ns_conv_count_needed (&params), &err) != NS_OK)
    {
      tap_check (0, "%s", err.message);
      return tap_done ();
    }
  ns_image pictures[PAIRS][2] = { 0 };
  const double test_start = now ();
  int ok = 1;
  for (int i = 0; ok && i < PAIRS; i++)
    {
      if (!chosen[i])
        continue;
      const char *c_name = pair_names[i][0], *s_name = pair_names[i][1];
      ns_image content = { 0 }, style = { 0 };
      ok = load_scaled (samples, c_name, &content, &err) == NS_OK &&
           load_scaled (samples, s_name, &style, &err) == NS_OK;
      if (!ok)
        {
          tap_check (0, "%s x %s: %s", c_name, s_name, err.message);
          break;
        }
      const ns_style styles[1] = { { &style, 1.0, NULL } };
      run_log log[2] = { 0 };
      double seconds[2], content_loss[2] = { 0 }, style_loss[2] = { 0 };
      for (int k = 0; ok && k < 2; k++)
        {
          ns_params p = params;
          p.precision = k ? NS_PRECISION_FAST : NS_PRECISION_EXACT;
          const ns_request request = { .content = &content,
                                       .styles = styles,
                                       .style_count = 1,
                                       .params = &p,
                                       .progress = log_scales,
                                       .user_data = &log[k] };
          const double start = now ();
          ok = ns_stylize (&weights, &request, &pictures[i][k], &err) == NS_OK;
          seconds[k] = now () - start;
          ok = ok && exact_losses (&weights, &params, &content, &style, &pictures[i][k],
                                   &content_loss[k], &style_loss[k], &err) == NS_OK;
          if (ok)
            tap_note ("%s x %s (%dx%d, style %dx%d), precision %s: %d iterations in %.1f s, "
                      "last loss of the run %.6g; measured exactly: content loss %.6g, style "
                      "loss %.6g",
                      c_name, s_name, content.width, content.height, style.width, style.height,
                      k ? "fast" : "exact", log[k].iterations, seconds[k], log[k].loss,
                      content_loss[k], style_loss[k]);
        }
      if (!ok)
        {
          tap_check (0, "%s x %s: %s", c_name, s_name, err.message);
          break;
        }
      tap_note ("%s x %s: fast run / exact run, time %.3f", c_name, s_name, seconds[1] / seconds[0]);

      /* the gradient at the start, at each working size of the exact run */
      for (int s = 0; ok && s < log[0].scales; s++)
        {
          const double gap = start_gradient_gap (&weights, &params, &content, &style,
                                                 log[0].width[s], log[0].height[s], &err);
          ok = gap >= 0.0;
          tap_check (ok && gap <= 1e-2,
                     "%s x %s at %dx%d: the fast path's gradient at the start is the exact "
                     "one's (relative L2 %.3g, at most 1e-2)%s%s",
                     c_name, s_name, log[0].width[s], log[0].height[s], gap, ok ? "" : ": ",
                     ok ? "" : err.message);
        }

      const double content_ratio = content_loss[1] / content_loss[0];
      const double style_ratio = style_loss[1] / style_loss[0];
      tap_check (content_loss[0] > 0.0 && fabs (content_ratio - 1.0) <= 0.02,
                 "%s x %s: the fast run's final content loss %.6g is the exact run's %.6g "
                 "(ratio %.4f, within 2%%)",
                 c_name, s_name, content_loss[1], content_loss[0], content_ratio);
      tap_check (style_loss[0] > 0.0 && fabs (style_ratio - 1.0) <= 0.02,
                 "%s x %s: the fast run's final style loss %.6g is the exact run's %.6g "
                 "(ratio %.4f, within 2%%)",
                 c_name, s_name, style_loss[1], style_loss[0], style_ratio);
      ns_image_clear (&content);
      ns_image_clear (&style);
    }
  if (ok)
    {
      err.message[0] = '\0';
      if (make_folder (argv[1]) && write_side_by_side (argv[1], pictures, &err) == NS_OK)
        tap_note ("wrote %s/side-by-side.png: a column per pair, exact above, fast below", argv[1]);
      else
        tap_check (0, "write the pictures side by side to %s: %s", argv[1],
                   err.message[0] ? err.message : strerror (errno));
    }
  tap_note ("%.0f s in all", now () - test_start);
  for (int i = 0; i < PAIRS; i++)
    for (int k = 0; k < 2; k++)
      ns_image_clear (&pictures[i][k]);
  ns_weights_clear (&weights);
  return tap_done ();
}
