/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine's controls with synthetic weights: L-BFGS (Rosenbrock and the
 * style objective), layer sets, the multi-scale schedule, colour control,
 * style blends and scale, initialisations, TV, seeds and reproducibility,
 * stop/cancel and bad arguments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "color_transfer.h"
#include "lbfgs_minimize.h"
#include "neural_style.h"
#include "ns_settings.h"
#include "objective.h"
#include "synthetic_weights.h"
#include "tap.h"
#include "test_images.h"
#include "total_variation.h"

/* a check named by a message made at run time */
#define check(ok, what) tap_check ((ok), "%s", (what))

/* ---- L-BFGS ---- */

/* Rosenbrock's function in n dimensions, minimum 0 at (1, …, 1). */
typedef struct
{
  size_t n;
  int evaluations;
} rosenbrock;

static double
rosenbrock_evaluate (void *user_data, const float *x, float *gradient)
{
  rosenbrock *r = user_data;
  double f = 0.0;
  r->evaluations++;
  for (size_t i = 0; i < r->n; i++)
    gradient[i] = 0.0f;
  for (size_t i = 0; i + 1 < r->n; i++)
    {
      const double a = 1.0 - x[i], b = (double) x[i + 1] - (double) x[i] * x[i];
      f += a * a + 100.0 * b * b;
      gradient[i] += (float) (-2.0 * a - 400.0 * x[i] * b);
      gradient[i + 1] += (float) (200.0 * b);
    }
  return f;
}

static void
test_lbfgs_rosenbrock (void)
{
  for (size_t n = 2; n <= 10; n += 8)
    {
      rosenbrock r = { n, 0 };
      float x[10];
      for (size_t i = 0; i < n; i++)
        x[i] = i % 2 ? 1.0f : -1.2f;
      const ns_lbfgs_problem problem = {
        .max_iterations = 200, .memory = 6, .evaluate = rosenbrock_evaluate, .user_data = &r
      };
      int done;
      ns_status status = ns_lbfgs_minimize (&problem, x, n, &done, NULL);
      double worst = 0.0;
      for (size_t i = 0; i < n; i++)
        worst = fmax (worst, fabs (x[i] - 1.0));
      char what[160];
      snprintf (what, sizeof what,
                "L-BFGS finds Rosenbrock's minimum in %zu dimensions "
                "(|x-1| <= %.1e after %d iterations, %d evaluations)",
                n, worst, done, r.evaluations);
      check (status == NS_OK && worst < 1e-3 && done < 200, what);
    }
}

/* The flat-loss stop: Rosenbrock's function plus 1 (a loss that levels off
 * at 1, as a picture's does at its own), each iteration's loss recorded. */
typedef struct
{
  rosenbrock r;
  double loss[201]; /* loss[k]: after iteration k, loss[0] at the start */
  int iterations;
} recording;

static double
offset_rosenbrock_evaluate (void *user_data, const float *x, float *gradient)
{
  recording *rec = user_data;
  const double f = 1.0 + rosenbrock_evaluate (&rec->r, x, gradient);
  if (rec->r.evaluations == 1)
    rec->loss[0] = f;
  return f;
}

static int
recording_iteration (void *user_data, int iteration, double loss, const float *x)
{
  recording *rec = user_data;
  (void) x;
  rec->iterations = iteration;
  if (iteration <= 200)
    rec->loss[iteration] = loss;
  return 0;
}

/* With converged_fraction f and window w, the run ends at the first
 * iteration k >= w whose loss fell by less than f of itself since k - w,
 * and not before; with 0 it runs on to the gradient's own convergence. */
static void
test_lbfgs_converged (void)
{
  const double fraction = 1e-2;
  const int window = 10;
  int done[2];
  for (int rule = 1; rule >= 0; rule--)
    {
      recording rec = { .r = { 10, 0 } };
      float x[10];
      for (int i = 0; i < 10; i++)
        x[i] = i % 2 ? 1.0f : -1.2f;
      const ns_lbfgs_problem problem = { .max_iterations = 200,
                                         .memory = 6,
                                         .converged_fraction = rule ? fraction : 0.0,
                                         .converged_window = window,
                                         .evaluate = offset_rosenbrock_evaluate,
                                         .iteration = recording_iteration,
                                         .user_data = &rec };
      const ns_status status = ns_lbfgs_minimize (&problem, x, 10, &done[rule], NULL);
      /* the first iteration at which the rule holds, from the losses seen */
      int first = -1;
      for (int k = window; k <= rec.iterations && k <= 200 && first < 0; k++)
        if ((rec.loss[k - window] - rec.loss[k]) / rec.loss[k] < fraction)
          first = k;
      char what[200];
      if (rule)
        {
          snprintf (what, sizeof what,
                    "L-BFGS with a flat-loss stop (%.0e over %d iterations) ends at iteration %d, "
                    "the first where the loss fell less than that (%d), loss %.6f",
                    fraction, window, done[rule], first,
                    rec.loss[done[rule] <= 200 ? done[rule] : 0]);
          check (status == NS_OK && first > window && done[rule] == first &&
                     rec.loss[first] < 1.0 + 1e-2,
                 what);
        }
      else
        {
          snprintf (what, sizeof what,
                    "L-BFGS without it runs on past that point (%d iterations against %d)",
                    done[rule], done[1]);
          check (status == NS_OK && done[0] > done[1], what);
        }
    }
}

/* An evaluation that returns NAN abandons the run: x is left at the last
 * iterate reported, and nothing more is evaluated. */
typedef struct
{
  rosenbrock r;
  int abandon_at; /* evaluation */
  float last_iterate[2];
  int iterations;
} abandoning;

static double
abandoning_evaluate (void *user_data, const float *x, float *gradient)
{
  abandoning *a = user_data;
  const double f = rosenbrock_evaluate (&a->r, x, gradient);
  return a->r.evaluations >= a->abandon_at ? NAN : f;
}

static int
abandoning_iteration (void *user_data, int iteration, double loss, const float *x)
{
  abandoning *a = user_data;
  (void) loss;
  a->iterations = iteration;
  memcpy (a->last_iterate, x, sizeof a->last_iterate);
  return 0;
}

static void
test_lbfgs_abandoned (void)
{
  for (int at = 1; at <= 15; at += 14)
    {
      abandoning a = { { 2, 0 }, at, { 0 }, 0 };
      float x[2] = { -1.2f, 1.0f };
      memcpy (a.last_iterate, x, sizeof x);
      const ns_lbfgs_problem problem = { .max_iterations = 200,
                                         .memory = 6,
                                         .evaluate = abandoning_evaluate,
                                         .iteration = abandoning_iteration,
                                         .user_data = &a };
      int done;
      const ns_status status = ns_lbfgs_minimize (&problem, x, 2, &done, NULL);
      char what[200];
      snprintf (what, sizeof what,
                "L-BFGS abandoned at evaluation %d: x (%g, %g) is the last iterate reported "
                "(%d iterations), no evaluation after it (%d)",
                at, x[0], x[1], a.iterations, a.r.evaluations);
      check (status == NS_OK && x[0] == a.last_iterate[0] && x[1] == a.last_iterate[1] &&
                 a.r.evaluations == at && (at == 1 || a.iterations > 0),
             what);
    }
}

typedef struct
{
  ns_objective *obj;
  double first_loss, last_loss;
  int reports;
} objective_run;

static double
objective_run_evaluate (void *user_data, const float *x, float *gradient)
{
  objective_run *run = user_data;
  return ns_objective_evaluate (run->obj, x, gradient);
}

static int
objective_run_iteration (void *user_data, int iteration, double loss, const float *x)
{
  objective_run *run = user_data;
  (void) x;
  if (iteration == 1)
    run->first_loss = loss;
  run->last_loss = loss;
  run->reports++;
  return 0;
}

static void
test_lbfgs_on_style_objective (const ns_weights *weights)
{
  const int w = 48, h = 40;
  float *content = smooth_image (w, h, 0.0), *style = smooth_image (w, h, 2.0);
  float *x = malloc (sizeof (float) * 3 * w * h);
  memcpy (x, content, sizeof (float) * 3 * w * h);
  const ns_objective_layers layers = { .content_layer = 9,
                                       .style_layer_count = 5,
                                       .style_layers = { 0, 2, 4, 8, 12 },
                                       .style_layer_weights = { 1, 1, 1, 1, 1 } };
  const ns_objective_style target = { style, w, h, 1.0 };
  ns_objective obj;
  ns_error err;
  if (ns_objective_init (&obj, weights, &layers, content, w, h, &target, 1, 1.0, 1.0, 0.0, NULL,
                         &err) != NS_OK)
    {
      check (0, err.message);
      return;
    }
  const double start = ns_objective_evaluate (&obj, x, NULL);
  objective_run run = { &obj, 0, 0, 0 };
  const ns_lbfgs_problem problem = { .max_iterations = 20,
                                     .memory = 10,
                                     .evaluate = objective_run_evaluate,
                                     .iteration = objective_run_iteration,
                                     .user_data = &run };
  int done;
  ns_status status = ns_lbfgs_minimize (&problem, x, 3 * (size_t) w * h, &done, &err);
  const double end = ns_objective_evaluate (&obj, x, NULL);
  char what[200];
  snprintf (what, sizeof what,
            "L-BFGS on the style objective: loss %.4g -> %.4g in %d iterations "
            "(the returned image has the last reported loss)",
            start, end, done);
  check (status == NS_OK && done == 20 && run.reports == 20 && end < 0.3 * start &&
             fabs (end - run.last_loss) <= 1e-6 * fabs (end),
         what);
  ns_objective_clear (&obj);
  free (content);
  free (style);
  free (x);
}

/* ---- ns_stylize ---- */

typedef struct
{
  int reports;
  int scales_seen;
  int widths[16];
  int iterations[16];
  ns_progress first, last;
  int stop_after; /* reply STOP (or CANCEL) after this many reports */
  ns_progress_reply stop_reply;
} progress_log;

static ns_progress_reply
log_progress (const ns_progress *p, void *user_data)
{
  progress_log *log = user_data;
  if (log->reports++ == 0)
    log->first = *p;
  log->last = *p;
  if (p->scale - 1 < 16)
    {
      log->widths[p->scale - 1] = p->width > p->height ? p->width : p->height;
      log->iterations[p->scale - 1] = p->iterations;
      if (p->scale > log->scales_seen)
        log->scales_seen = p->scale;
    }
  if (log->stop_after && log->reports >= log->stop_after)
    return log->stop_reply;
  return NS_PROGRESS_CONTINUE;
}

static ns_params
quick_params (void)
{
  ns_params p;
  ns_params_init (&p);
  p.max_size = 64;
  p.min_scale_size = 40;
  p.iterations = 6;
  p.multi_scale = 0;
  return p;
}

static ns_status
stylize (const ns_weights *weights, const ns_image *content, const ns_image *style,
         const ns_params *params, progress_log *log, ns_image *result, ns_error *err)
{
  const ns_style styles[1] = { { style, 1.0, NULL } };
  ns_request request = { .content = content, .styles = styles, .style_count = 1 };
  request.params = params;
  request.progress = log ? log_progress : NULL;
  request.user_data = log;
  return ns_stylize (weights, &request, result, err);
}

static int
identical (const ns_image *a, const ns_image *b)
{
  return a->width == b->width && a->height == b->height && a->channels == b->channels &&
         memcmp (a->data, b->data, sizeof (float) * a->width * a->height * a->channels) == 0;
}

/* colors "histogram": each channel of the result holds exactly the
 * content's values (sorted, they are equal), and it is not the painting
 * as painted (painted). */
static int
compare_float_values (const void *a, const void *b)
{
  const float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

static void
test_colors_histogram (const ns_weights *weights, const ns_image *content, const ns_image *style,
                       const ns_image *painted)
{
  ns_params p = quick_params ();
  p.colors = NS_COLORS_HISTOGRAM;
  ns_image b = { 0 };
  ns_error err = { 0 };
  const ns_status status = stylize (weights, content, style, &p, NULL, &b, &err);
  const size_t pixels = (size_t) content->width * content->height;
  float *mine = malloc (sizeof (float) * pixels), *theirs = malloc (sizeof (float) * pixels);
  int equal = status == NS_OK, alpha_kept = status == NS_OK;
  double changed = 0.0;
  for (int c = 0; c < 3 && status == NS_OK; c++)
    {
      for (size_t i = 0; i < pixels; i++)
        {
          mine[i] = b.data[i * 4 + c];
          theirs[i] = content->data[i * 4 + c];
          changed = fmax (changed, fabs (b.data[i * 4 + c] - painted->data[i * 4 + c]));
        }
      qsort (mine, pixels, sizeof (float), compare_float_values);
      qsort (theirs, pixels, sizeof (float), compare_float_values);
      equal = equal && memcmp (mine, theirs, sizeof (float) * pixels) == 0;
    }
  for (size_t i = 0; alpha_kept && i < pixels; i++)
    alpha_kept = b.data[i * 4 + 3] == content->data[i * 4 + 3];
  tap_check (equal && alpha_kept && changed > 1e-3,
             "colors histogram: each channel's sorted values are the content's, alpha kept, "
             "%.3f at most from the painting as painted (%s)",
             changed, status == NS_OK ? "ran" : err.message);
  free (mine);
  free (theirs);
  ns_image_clear (&b);
}

/* colors "match-style": the same bits as painting, as painted, with the
 * style recoloured beforehand by the colour map of its full size (here
 * the style is worked at its own size, so the engine maps exactly that
 * image); and the map changed the style. */
static void
test_colors_match_style (const ns_weights *weights, const ns_image *content, const ns_image *style,
                         const ns_image *painted)
{
  ns_params p = quick_params ();
  ns_image b = { 0 }, c = { 0 }, recoloured = { 0 };
  ns_error err = { 0 };
  int sw = 0, sh = 0;
  ns_style_working_size (&p, style->width, style->height, p.max_size, &sw, &sh, NULL);
  const size_t pixels = (size_t) style->width * style->height;
  ns_color_map map;
  ns_color_map_matching (style->data, style->channels, pixels, content->data, content->channels,
                         (size_t) content->width * content->height, &map);
  float *planar = malloc (sizeof (float) * 3 * pixels);
  ns_image_alloc (&recoloured, style->width, style->height, style->channels, NULL);
  for (size_t i = 0; i < pixels; i++)
    for (int k = 0; k < 3; k++)
      planar[k * pixels + i] = style->data[i * style->channels + k];
  ns_color_map_apply (&map, planar, pixels);
  double recolouring = 0.0;
  for (size_t i = 0; i < pixels; i++)
    for (int k = 0; k < style->channels; k++)
      {
        const float v = k < 3 ? planar[k * pixels + i] : style->data[i * style->channels + k];
        recoloured.data[i * style->channels + k] = v;
        recolouring = fmax (recolouring, fabs (v - style->data[i * style->channels + k]));
      }
  p.colors = NS_COLORS_MATCH_STYLE;
  const ns_status status = stylize (weights, content, style, &p, NULL, &b, &err);
  p.colors = NS_COLORS_STYLE;
  stylize (weights, content, &recoloured, &p, NULL, &c, &err);
  tap_check (status == NS_OK && sw == style->width && sh == style->height && identical (&b, &c),
             "colors match-style: the same result as painting the style recoloured beforehand");
  tap_check (recolouring > 0.01 && !identical (&b, painted),
             "colors match-style: the map moved the style's colours by up to %.3f, and the "
             "result is not the painting as painted",
             recolouring);
  free (planar);
  ns_image_clear (&b);
  ns_image_clear (&c);
  ns_image_clear (&recoloured);
}

/* Every image Adam's run reports (the image after each step) and its loss
 * (measured before the step); STOP at the first report whose loss is above
 * the lowest so far (from the fifth on), or after limit reports. */
typedef struct
{
  int reports, limit, width, height;
  double lowest;
  float *images[64];
  double losses[64];
  double done[64];
} adam_log;

static ns_progress_reply
log_adam (const ns_progress *p, void *user_data)
{
  adam_log *log = user_data;
  const size_t count = 3 * (size_t) p->width * p->height;
  log->width = p->width;
  log->height = p->height;
  log->images[log->reports] = malloc (sizeof (float) * count);
  memcpy (log->images[log->reports], p->planar_rgb, sizeof (float) * count);
  log->losses[log->reports] = p->loss;
  log->done[log->reports] = p->done;
  const int rose = log->reports >= 4 && p->loss > log->lowest;
  if (log->reports == 0 || p->loss < log->lowest)
    log->lowest = p->loss;
  return ++log->reports >= log->limit || rose ? NS_PROGRESS_STOP : NS_PROGRESS_CONTINUE;
}

/* The largest difference between a result (interleaved RGB) and a planar
 * image of its size. */
static double
result_distance (const ns_image *result, const float *planar)
{
  const size_t pixels = (size_t) result->width * result->height;
  double worst = 0.0;
  for (size_t i = 0; i < pixels; i++)
    for (int c = 0; c < 3; c++)
      worst = fmax (worst, fabs (result->data[i * result->channels + c] - planar[c * pixels + i]));
  return worst;
}

/* Adam's loss goes up and down: a stopped run ends with the iterate of the
 * lowest loss measured, not the last step.  And the share of the work done
 * never goes back. */
static void
test_stop_keeps_best (const ns_weights *weights)
{
  ns_image content = test_image (48, 40, 3, 0.0), style = test_image (40, 40, 3, 2.0);
  ns_params p = quick_params ();
  p.optimizer = NS_OPTIMIZER_ADAM;
  p.learning_rate = 0.1; /* large: the loss goes up and down */
  p.iterations = 40;
  p.init = NS_INIT_NOISE;
  adam_log log = { .limit = 40 };
  const ns_style styles[1] = { { &style, 1.0, NULL } };
  ns_image result;
  ns_error err;
  ns_request request = { .content = &content, .styles = styles, .style_count = 1 };
  request.params = &p;
  request.progress = log_adam;
  request.user_data = &log;
  const ns_status status = ns_stylize (weights, &request, &result, &err);
  /* iteration k measured the image reported at k - 1 */
  int best = 0, rises = 0, monotone = 1;
  for (int k = 1; k < log.reports; k++)
    {
      if (log.losses[k] < log.losses[best])
        best = k;
      rises += log.losses[k] > log.losses[k - 1];
      monotone &= log.done[k] >= log.done[k - 1];
    }
  char what[256];
  if (status != NS_OK || best == 0)
    {
      snprintf (what, sizeof what, "a stopped Adam run (%.180s; best at report %d)",
                status == NS_OK ? "ok" : err.message, best + 1);
      check (0, what);
    }
  else
    {
      const double to_best = result_distance (&result, log.images[best - 1]);
      const double to_last = result_distance (&result, log.images[log.reports - 1]);
      snprintf (what, sizeof what,
                "STOP at iteration %d of an Adam run, whose loss just rose, keeps the iterate "
                "of iteration %d's lowest loss (%.2e away; the last step is %.2e away)",
                log.reports, best + 1, to_best, to_last);
      check (rises > 0 && best + 1 < log.reports && to_best <= 1.0 / 65535 && to_last > 1e-3, what);
      snprintf (what, sizeof what, "the share of the work done never goes back (%.3f after %d of 40)",
                log.done[log.reports - 1], log.reports);
      check (monotone && fabs (log.done[log.reports - 1] - log.reports / 40.0) < 1e-9, what);
    }
  for (int k = 0; k < log.reports; k++)
    free (log.images[k]);
  ns_image_clear (&result);
  ns_image_clear (&content);
  ns_image_clear (&style);
}

/* The preview: a snapshot shrunk to a side, and none of a report without
 * an image. */
static void
test_snapshot (void)
{
  const int width = 300, height = 120;
  float *rgb = malloc (sizeof (float) * 3 * width * height);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < width * height; i++)
      rgb[c * width * height + i] = 0.25f * (c + 1);
  ns_progress report = { .width = width, .height = height, .planar_rgb = rgb };
  ns_image small, full, none;
  ns_error err;
  const ns_status shrunk = ns_progress_snapshot (&report, 100, &small, &err);
  const ns_status own = ns_progress_snapshot (&report, 0, &full, &err);
  int values = shrunk == NS_OK;
  for (int i = 0; values && i < small.width * small.height; i++)
    for (int c = 0; c < 3; c++)
      values &= fabsf (small.data[i * 3 + c] - 0.25f * (c + 1)) < 1e-6f;
  char what[160];
  snprintf (what, sizeof what, "a 300x120 preview shrunk to 100 px is %dx%d, same colours",
            small.width, small.height);
  check (values && small.width == 100 && small.height == 40 && small.channels == 3, what);
  check (own == NS_OK && full.width == width && full.height == height,
         "a preview at its own size (max side 0)");
  report.planar_rgb = NULL;
  check (ns_progress_snapshot (&report, 100, &none, &err) == NS_ERROR_ARGUMENT && !none.data,
         "a report between iterations (no image) has no preview");
  ns_image_clear (&small);
  ns_image_clear (&full);
  free (rgb);
}

/* The texture scale: style_scale times the working size, never beyond the
 * style picture's own pixels. */
static void
test_style_working_size (void)
{
  static const struct
  {
    double style_scale;
    int working, width, height;
  } cases[] = {
    { 1.0, 512, 512, 410 },   /* shrunk to the working size */
    { 1.0, 6000, 1000, 800 }, /* not enlarged: its own pixels */
    { 0.5, 1000, 500, 400 },  /* finer strokes */
    { 2.0, 400, 800, 640 },   /* larger strokes */
    { 2.0, 800, 1000, 800 },  /* larger, up to its own size */
  };
  ns_params params;
  ns_params_init (&params);
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
    {
      int w = 0, h = 0;
      ns_error err;
      params.style_scale = cases[k].style_scale;
      const ns_status status = ns_style_working_size (&params, 1000, 800, cases[k].working, &w, &h,
                                                      &err);
      tap_check (status == NS_OK && w == cases[k].width && h == cases[k].height,
                 "a 1000x800 style at texture scale %.1f, working size %d: %dx%d (want %dx%d)",
                 cases[k].style_scale, cases[k].working, w, h, cases[k].width, cases[k].height);
    }
}

static void
test_schedule (void)
{
  ns_params p;
  ns_params_init (&p);
  int sizes[16], iterations[16];
  int n = ns_scale_schedule (&p, 1024, 768, sizes, iterations, 16);
  int ok = n == 3 && sizes[0] == p.min_scale_size && sizes[n - 1] == p.max_size;
  for (int k = 0; k < n; k++)
    ok = ok && iterations[k] == p.iterations && (k == 0 || sizes[k] == 2 * sizes[k - 1]);
  char what[256];
  int len = snprintf (what, sizeof what, "default schedule for 1024x768:");
  for (int k = 0; k < n && len < 200; k++)
    len += snprintf (what + len, sizeof what - len, " %d px x %d", sizes[k], iterations[k]);
  check (ok, what);

  p.multi_scale = 0;
  n = ns_scale_schedule (&p, 1024, 768, sizes, iterations, 16);
  check (n == 1 && sizes[0] == 512 && iterations[0] == p.iterations,
         "single scale runs all iterations at the working size");
  p.multi_scale = 1;
  n = ns_scale_schedule (&p, 100, 60, sizes, iterations, 16);
  check (n == 1 && sizes[0] == 100,
         "an image smaller than the coarsest scale runs at its own size");
  /* the last doubling is left out when it would land within 15% of the size */
  p.max_size = 0;
  n = ns_scale_schedule (&p, 1100, 700, sizes, iterations, 16);
  check (n == 4 && sizes[2] == 512 && sizes[3] == 1100, "1100 px: 128, 256, 512, 1100");
  n = ns_scale_schedule (&p, 580, 400, sizes, iterations, 16);
  check (n == 3 && sizes[1] == 256 && sizes[2] == 580, "580 px: 128, 256, 580");
}

static void
test_stylize_controls (const ns_weights *weights)
{
  ns_image content = test_image (72, 56, 4, 0.0), style = test_image (50, 60, 3, 2.0);
  ns_image other_style = test_image (64, 64, 3, 4.0);
  ns_image a = { 0 }, b = { 0 }, c = { 0 };
  ns_error err = { 0 };
  progress_log log = { 0 };
  ns_params p = quick_params ();

  /* result shape, alpha, inputs untouched */
  ns_image content_copy = content;
  content_copy.data = malloc (sizeof (float) * 72 * 56 * 4);
  memcpy (content_copy.data, content.data, sizeof (float) * 72 * 56 * 4);
  ns_status status = stylize (weights, &content, &style, &p, &log, &a, &err);
  check (status == NS_OK && a.width == 72 && a.height == 56 && a.channels == 4,
         "result has the content's size and channels");
  int alpha_kept = status == NS_OK;
  for (int i = 0; alpha_kept && i < 72 * 56; i++)
    alpha_kept = a.data[i * 4 + 3] == content.data[i * 4 + 3];
  check (alpha_kept, "result keeps the content's alpha");
  check (identical (&content, &content_copy), "content image unchanged");
  check (log.reports == p.iterations && log.last.scales == 1, "one report per iteration");

  /* a scale whose loss has levelled off ends before its iterations
   * (converged; this small picture still falls more than the default's
   * 0.1% over 10 iterations at 150), and runs them all with converged 0 */
  {
    ns_params many = p;
    many.iterations = 150;
    many.converged_fraction = 0.01;
    progress_log flat_log = { 0 }, all_log = { 0 };
    ns_image flat_result = { 0 }, all_result = { 0 };
    const double fraction = many.converged_fraction;
    const ns_status s1 = stylize (weights, &content, &style, &many, &flat_log, &flat_result, &err);
    many.converged_fraction = 0.0;
    const ns_status s2 = stylize (weights, &content, &style, &many, &all_log, &all_result, &err);
    char what[200];
    snprintf (what, sizeof what,
              "150 iterations: a flat-loss stop (%g over %d) ends after %d (loss %.6g), "
              "without it all %d run (loss %.6g)",
              fraction, NS_CONVERGED_WINDOW, flat_log.reports, flat_log.last.loss, all_log.reports,
              all_log.last.loss);
    check (s1 == NS_OK && s2 == NS_OK && flat_log.reports < many.iterations &&
               all_log.reports == many.iterations && all_log.last.loss <= flat_log.last.loss,
           what);
    ns_image_clear (&flat_result);
    ns_image_clear (&all_result);
  }

  /* reproducible: same inputs, same thread count, same bits */
  status = stylize (weights, &content, &style, &p, NULL, &b, &err);
  check (status == NS_OK && identical (&a, &b), "same inputs give the identical result (L-BFGS)");
  ns_image_clear (&b);

  /* Adam as well, and it differs from L-BFGS */
  p.optimizer = NS_OPTIMIZER_ADAM;
  status = stylize (weights, &content, &style, &p, NULL, &b, &err);
  stylize (weights, &content, &style, &p, NULL, &c, &err);
  check (status == NS_OK && identical (&b, &c) && !identical (&a, &b),
         "Adam is reproducible and takes another path than L-BFGS");
  ns_image_clear (&b);
  ns_image_clear (&c);
  p.optimizer = NS_OPTIMIZER_LBFGS;

  /* noise init: the seed decides */
  p.init = NS_INIT_NOISE;
  p.seed = 7;
  stylize (weights, &content, &style, &p, NULL, &b, &err);
  stylize (weights, &content, &style, &p, NULL, &c, &err);
  int same_seed = identical (&b, &c);
  ns_image_clear (&c);
  p.seed = 8;
  stylize (weights, &content, &style, &p, NULL, &c, &err);
  check (same_seed && !identical (&b, &c) && !identical (&a, &b),
         "noise init: one seed one result, another seed another");
  ns_image_clear (&b);
  ns_image_clear (&c);

  /* style init starts farther from the content than content init */
  progress_log from_content = { 0 }, from_style = { 0 };
  p.init = NS_INIT_CONTENT;
  stylize (weights, &content, &style, &p, &from_content, &b, &err);
  ns_image_clear (&b);
  p.init = NS_INIT_STYLE;
  status = stylize (weights, &content, &style, &p, &from_style, &b, &err);
  check (status == NS_OK && from_style.first.content_loss > 2 * from_content.first.content_loss,
         "style init starts far from the content, content init near it");
  ns_image_clear (&b);
  p.init = NS_INIT_CONTENT;

  /* colors "luminance": the result takes the content's chroma */
  p.colors = NS_COLORS_LUMINANCE;
  stylize (weights, &content, &style, &p, NULL, &b, &err);
  p.colors = NS_COLORS_STYLE;
  float *pa = malloc (sizeof (float) * 3 * 72 * 56), *pb = malloc (sizeof (float) * 3 * 72 * 56),
        *pc = malloc (sizeof (float) * 3 * 72 * 56);
  for (int i = 0; i < 72 * 56; i++)
    for (int k = 0; k < 3; k++)
      {
        pa[k * 72 * 56 + i] = a.data[i * 4 + k];
        pb[k * 72 * 56 + i] = b.data[i * 4 + k];
        pc[k * 72 * 56 + i] = content.data[i * 4 + k];
      }
  /* chroma distance to the content: ns_keep_content_colors of a result onto the
   * content changes it by exactly its chroma difference */
  float *chroma_a = malloc (sizeof (float) * 3 * 72 * 56),
        *chroma_b = malloc (sizeof (float) * 3 * 72 * 56);
  memcpy (chroma_a, pa, sizeof (float) * 3 * 72 * 56);
  memcpy (chroma_b, pb, sizeof (float) * 3 * 72 * 56);
  ns_keep_content_colors (chroma_a, pc, 72 * 56);
  ns_keep_content_colors (chroma_b, pc, 72 * 56);
  double moved_a = 0, moved_b = 0;
  for (int i = 0; i < 3 * 72 * 56; i++)
    {
      moved_a += fabs (chroma_a[i] - pa[i]);
      moved_b += fabs (chroma_b[i] - pb[i]);
    }
  char what[700];
  snprintf (what, sizeof what,
            "colors luminance: chroma off the content by %.2e per value (%.2e as painted)",
            moved_b / (3 * 72 * 56), moved_a / (3 * 72 * 56));
  check (moved_b < 0.1 * moved_a && moved_b / (3 * 72 * 56) < 2e-3, what);
  free (pa);
  free (pb);
  free (pc);
  free (chroma_a);
  free (chroma_b);
  ns_image_clear (&b);

  const ns_setting_former *former = NULL;
  const ns_setting *colors = ns_setting_find_former ("keep-colors", &former);
  ns_params defaults;
  ns_params_init (&defaults);
  check (colors && strcmp (colors->name, "colors") == 0 && defaults.colors == NS_COLORS_STYLE &&
             ns_setting_former_value (colors, former, 1) == NS_COLORS_LUMINANCE &&
             ns_setting_former_value (colors, former, 0) == NS_COLORS_STYLE,
         "colors: \"style\" by default; the older keep-colors true is \"luminance\", false "
         "\"style\"");
  test_colors_histogram (weights, &content, &style, &a);
  test_colors_match_style (weights, &content, &style, &a);

  /* style blends: (1, 0) is the first style alone; (0.5, 0.5) is neither */
  const ns_style first_only[2] = { { &style, 1.0, NULL }, { &other_style, 0.0, NULL } };
  const ns_style half_half[2] = { { &style, 0.5, NULL }, { &other_style, 0.5, NULL } };
  ns_request blend = { .content = &content, .styles = first_only, .style_count = 2, .params = &p };
  ns_stylize (weights, &blend, &b, &err);
  blend.styles = half_half;
  ns_stylize (weights, &blend, &c, &err);
  check (identical (&a, &b) && !identical (&a, &c),
         "style blend (1, 0) equals one style; (0.5, 0.5) differs");
  ns_image_clear (&b);
  ns_image_clear (&c);

  /* style scale changes the style statistics */
  p.style_scale = 0.6;
  stylize (weights, &content, &style, &p, NULL, &b, &err);
  check (!identical (&a, &b), "style scale 0.6 gives another result than 1");
  ns_image_clear (&b);
  p.style_scale = 1.0;

  /* TV weight smooths */
  p.tv_weight = 50.0;
  p.iterations = 12;
  stylize (weights, &content, &style, &p, NULL, &b, &err);
  p.tv_weight = 0.0;
  stylize (weights, &content, &style, &p, NULL, &c, &err);
  p.iterations = 6;
  float *pl = malloc (sizeof (float) * 3 * 72 * 56);
  double tv[2];
  for (int r = 0; r < 2; r++)
    {
      const ns_image *img = r ? &c : &b;
      for (int i = 0; i < 72 * 56; i++)
        for (int k = 0; k < 3; k++)
          pl[k * 72 * 56 + i] = img->data[i * 4 + k];
      tv[r] = ns_total_variation (pl, 3, 56, 72, 0.0, NULL);
    }
  free (pl);
  snprintf (what, sizeof what, "TV weight smooths: total variation %.3g with it, %.3g without",
            tv[0], tv[1]);
  check (tv[0] < 0.8 * tv[1], what);
  ns_image_clear (&b);
  ns_image_clear (&c);

  /* layer sets: the last ReLU of each block needs all 16 convolutions */
  p.layer_set = NS_LAYERS_BLOCK_LAST;
  check (ns_conv_count_needed (&p) == 16, "the block-last layer set needs 16 convolutions");
  status = stylize (weights, &content, &style, &p, NULL, &b, &err);
  check (status == NS_OK && !identical (&a, &b),
         "the block-last layer set runs and differs from the paper's");
  ns_image_clear (&b);
  p.layer_set = NS_LAYERS_PAPER;
  check (ns_conv_count_needed (&p) == 13,
         "the paper layer set needs 13 convolutions (cut after conv5_1)");
  ns_weights cut = *weights;
  cut.conv_count = 13;
  p.layer_set = NS_LAYERS_BLOCK_LAST;
  status = stylize (&cut, &content, &style, &p, NULL, &b, &err);
  check (status == NS_ERROR_ARGUMENT && strstr (err.message, "16"), err.message);
  p.layer_set = NS_LAYERS_PAPER;

  /* per-layer style weights matter */
  p.style_layer_weights[0] = 0.0;
  p.style_layer_weights[4] = 4.0;
  stylize (weights, &content, &style, &p, NULL, &b, &err);
  check (!identical (&a, &b), "per-layer style weights change the result");
  ns_image_clear (&b);
  for (int s = 0; s < NS_STYLE_LAYER_COUNT; s++)
    p.style_layer_weights[s] = 1.0;

  /* multi-scale: coarse to fine, reported per scale */
  p.multi_scale = 1;
  p.max_size = 96; /* larger than the content: the content's 72 px is the last scale */
  p.min_scale_size = 36;
  memset (&log, 0, sizeof log);
  status = stylize (weights, &content, &style, &p, &log, &b, &err);
  snprintf (what, sizeof what,
            "multi-scale runs %d scales (%d, %d px, %d and %d iterations) and returns the "
            "content's size",
            log.scales_seen, log.widths[0], log.widths[1], log.iterations[0], log.iterations[1]);
  check (status == NS_OK && log.scales_seen == 2 && log.widths[0] < log.widths[1] &&
             log.widths[1] == 72 && log.iterations[0] == p.iterations &&
             log.iterations[1] == p.iterations && b.width == 72 && b.height == 56,
         what);
  ns_image_clear (&b);

  /* stop keeps a result; cancel returns none */
  p.multi_scale = 0;
  p.max_size = 64;
  memset (&log, 0, sizeof log);
  log.stop_after = 2;
  log.stop_reply = NS_PROGRESS_STOP;
  status = stylize (weights, &content, &style, &p, &log, &b, &err);
  check (status == NS_OK && log.reports == 2 && b.data != NULL,
         "STOP after 2 iterations returns the result so far");
  ns_image_clear (&b);
  memset (&log, 0, sizeof log);
  log.stop_after = 1;
  log.stop_reply = NS_PROGRESS_CANCEL;
  status = stylize (weights, &content, &style, &p, &log, &b, &err);
  check (status == NS_ERROR_CANCELLED && log.reports == 1 && b.data == NULL,
         "CANCEL returns NS_ERROR_CANCELLED and no image");

  /* bad arguments are refused with a message */
  struct
  {
    const char *field;
    ns_params params;
  } bad[6];
  for (int i = 0; i < 6; i++)
    bad[i].params = quick_params ();
  bad[0].field = "iterations";
  bad[0].params.iterations = 0;
  bad[1].field = "learning-rate";
  bad[1].params.learning_rate = -1;
  bad[2].field = "style-scale";
  bad[2].params.style_scale = 100;
  bad[3].field = "max-size";
  bad[3].params.max_size = 100000;
  bad[4].field = "content-weight";
  bad[4].params.content_weight = NAN;
  bad[5].field = "min-scale-size";
  bad[5].params.min_scale_size = 4;
  for (int i = 0; i < 6; i++)
    {
      status = stylize (weights, &content, &style, &bad[i].params, NULL, &b, &err);
      snprintf (what, sizeof what, "a bad %s is refused: \"%s\"", bad[i].field, err.message);
      check (status == NS_ERROR_ARGUMENT && strstr (err.message, bad[i].field) && b.data == NULL,
             what);
    }
  ns_image thin = test_image (4000, 2, 3, 0.0);
  status = stylize (weights, &thin, &style, &p, NULL, &b, &err);
  snprintf (what, sizeof what, "an absurdly thin image is refused: \"%s\"", err.message);
  check (status == NS_ERROR_ARGUMENT && strstr (err.message, "narrow"), what);
  ns_image_clear (&thin);
  /* at its own size, an image wider than the largest working size */
  ns_image wide = test_image (NS_MAX_WORKING_SIZE + 2, 40, 3, 0.0);
  ns_params own = p;
  own.max_size = 0;
  status = stylize (weights, &wide, &style, &own, NULL, &b, &err);
  snprintf (what, sizeof what, "an image wider than %d px at its own size is refused: \"%s\"",
            NS_MAX_WORKING_SIZE, err.message);
  check (status == NS_ERROR_ARGUMENT && strstr (err.message, "largest working size") &&
             !strstr (err.message, "narrow"),
         what);
  ns_image_clear (&wide);

  free (content_copy.data);
  ns_image_clear (&a);
  ns_image_clear (&content);
  ns_image_clear (&style);
  ns_image_clear (&other_style);
}

/* A style per region and a region to keep, as the API takes them: a
 * region of the whole image paints as no region does; masks that are not
 * one channel of numbers are refused. */
static void
test_regions_api (const ns_weights *weights)
{
  ns_image content = test_image (72, 56, 3, 0.0), style = test_image (50, 60, 3, 2.0);
  ns_image plain = { 0 }, guided = { 0 }, mask = { 0 }, colour = test_image (20, 10, 3, 1.0);
  ns_error err = { 0 };
  ns_params p = quick_params ();
  ns_image_alloc (&mask, 9, 7, 1, &err);
  for (int i = 0; i < 9 * 7; i++)
    mask.data[i] = 1.0f;
  const ns_style alone[1] = { { &style, 1.0, NULL } };
  const ns_style everywhere[1] = { { &style, 1.0, &mask } };
  progress_log plain_log = { 0 }, guided_log = { 0 };
  ns_request request = { .content = &content, .styles = alone, .style_count = 1, .params = &p };
  request.progress = log_progress;
  request.user_data = &plain_log;
  ns_status status = ns_stylize (weights, &request, &plain, &err);
  if (status == NS_OK)
    {
      request.styles = everywhere;
      request.user_data = &guided_log;
      status = ns_stylize (weights, &request, &guided, &err);
    }
  /* the first iteration's loss: later ones drift apart as L-BFGS amplifies
   * rounding */
  const double difference = status == NS_OK ? fabs (guided_log.first.loss - plain_log.first.loss) /
                                                  plain_log.first.loss :
                                              INFINITY;
  char what[300];
  snprintf (what, sizeof what,
            "a style whose region is all of the image has the loss it has without one "
            "(%.9g and %.9g at the first iteration)",
            plain_log.first.loss, guided_log.first.loss);
  check (difference < 1e-6, what);
  ns_image_clear (&guided);

  const ns_style coloured[1] = { { &style, 1.0, &colour } };
  request.styles = coloured;
  request.progress = NULL;
  status = ns_stylize (weights, &request, &guided, &err);
  check (status == NS_ERROR_ARGUMENT && strstr (err.message, "more than one channel") && !guided.data,
         "a style region of three channels is refused, naming it");
  mask.data[5] = NAN;
  request.styles = alone;
  request.keep = &mask;
  status = ns_stylize (weights, &request, &guided, &err);
  check (status == NS_ERROR_ARGUMENT && strstr (err.message, "region to keep") &&
             strstr (err.message, "not a number"),
         "a region to keep holding NaN is refused, naming it");
  mask.data[5] = 0.0f;
  status = ns_stylize (weights, &request, &guided, &err);
  check (status == NS_OK && !identical (&plain, &guided),
         "a region to keep runs and changes the result");
  ns_image_clear (&guided);
  ns_image_clear (&plain);
  ns_image_clear (&mask);
  ns_image_clear (&colour);
  ns_image_clear (&content);
  ns_image_clear (&style);
}

int
main (void)
{
  ns_weights weights;
  if (!tap_check (synthetic_weights_make (&weights, NS_VGG19_CONV_COUNT, 5),
                  "synthetic weights made"))
    return tap_done ();
  test_lbfgs_rosenbrock ();
  test_lbfgs_abandoned ();
  test_lbfgs_converged ();
  test_snapshot ();
  test_stop_keeps_best (&weights);
  test_lbfgs_on_style_objective (&weights);
  test_schedule ();
  test_style_working_size ();
  test_stylize_controls (&weights);
  test_regions_api (&weights);
  ns_weights_clear (&weights);
  return tap_done ();
}
