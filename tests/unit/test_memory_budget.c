/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A run keeps its memory limit: a 1024x768 run whose untiled network and
 * optimiser would not fit 640 MiB paints in tiles, and the process's peak
 * resident memory (getrusage) grows by no more than the limit; a limit too
 * small is refused before any work, naming a working size that fits and
 * the least limit that runs it, which does run it (one MiB less does not).  The
 * progress between iterations names the tile, and stop and cancel there
 * take effect at once.  Its
 * own process, so that the peak is this run's (synthetic weights). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "layer_sets.h"
#include "neural_style.h"
#include "objective.h"
#include "synthetic_weights.h"
#include "tap.h"

#define LIMIT_MIB 640

static double
resident_mib (void)
{
  long pages = 0, resident = 0;
  FILE *f = fopen ("/proc/self/statm", "r");
  if (!f || fscanf (f, "%ld %ld", &pages, &resident) != 2)
    resident = 0;
  if (f)
    fclose (f);
  return (double) resident * sysconf (_SC_PAGESIZE) / 1048576.0;
}

static double
peak_mib (void)
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0; /* kB on Linux */
}

typedef struct
{
  int reports, tiles, width, height; /* iteration reports */
  int tile_reports, tiles_in_range, without_image, sweeps_seen, done_monotone, after_answer;
  double done;
  int answer_at_tile; /* answer with answer at this tile report (0: never) */
  ns_progress_reply answer;
} run_record;

static ns_progress_reply
record (const ns_progress *progress, void *user_data)
{
  run_record *r = user_data;
  r->done_monotone &= progress->done >= r->done;
  r->done = progress->done;
  if (r->answer_at_tile && r->tile_reports >= r->answer_at_tile)
    r->after_answer++;
  if (progress->tile > 0)
    {
      r->tile_reports++;
      r->tiles_in_range &= progress->tile <= progress->tiles && progress->tiles > 1;
      r->without_image &= progress->planar_rgb == NULL;
      r->sweeps_seen |= 1 << (progress->sweep - 1);
      if (r->tile_reports == r->answer_at_tile)
        return r->answer;
      return NS_PROGRESS_CONTINUE;
    }
  r->reports++;
  r->tiles = progress->tiles;
  r->width = progress->width;
  r->height = progress->height;
  return NS_PROGRESS_CONTINUE;
}

static run_record
new_record (int answer_at_tile, ns_progress_reply answer)
{
  return (run_record) { .tiles_in_range = 1,
                        .without_image = 1,
                        .done_monotone = 1,
                        .answer_at_tile = answer_at_tile,
                        .answer = answer };
}

static void
fill_picture (ns_image *image, double phase)
{
  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      for (int c = 0; c < image->channels; c++)
        {
          double v = 0.5 + 0.3 * ((x / 37 + y / 23 + c) % 3 - 1) +
                     0.1 * ((x * 7 + y * phase) / 50 - (int) ((x * 7 + y * phase) / 50));
          image->data[((size_t) y * image->width + x) * image->channels + c] = (float) (v < 0 ? 0 :
                                                                                        v > 1 ? 1 :
                                                                                                v);
        }
}

/* The least memory limit the refusal message names ("at least N MiB")
 * runs the run; a limit one MiB less is refused, naming the same. */
static void
check_least_limit (const ns_weights *weights, ns_params *params, const ns_image *content,
                   const ns_style *styles, const char *message, const char *what)
{
  const char *at = strstr (message, "at least ");
  int least = 0;
  const int names = at && sscanf (at, "at least %d MiB", &least) == 1 && least > 0;
  if (!tap_check (names, "%s: the refusal names the least memory limit: %s", what, message))
    return;
  ns_image result;
  ns_error err = { 0 };
  params->memory_limit = least;
  run_record r = new_record (0, NS_PROGRESS_CONTINUE);
  ns_request request = { .content = content, .styles = styles, .style_count = 1 };
  request.params = params;
  request.progress = record;
  request.user_data = &r;
  const ns_status status = ns_stylize (weights, &request, &result, &err);
  tap_check (status == NS_OK && r.reports == params->iterations,
             "%s: a run at exactly %d MiB, the least named, ran its %d iterations in %d tiles%s%s",
             what, least, r.reports, r.tiles, status == NS_OK ? "" : ": ",
             status == NS_OK ? "" : err.message);
  if (status == NS_OK)
    ns_image_clear (&result);
  params->memory_limit = least - 1;
  r = new_record (0, NS_PROGRESS_CONTINUE);
  const ns_status below = ns_stylize (weights, &request, &result, &err);
  char same[64];
  snprintf (same, sizeof same, "at least %d MiB", least);
  tap_check (below == NS_ERROR_NOMEM && r.reports == 0 && strstr (err.message, same),
             "%s: at %d MiB refused before any work, naming %d MiB: %s", what, least - 1, least,
             err.message);
  if (below == NS_OK)
    ns_image_clear (&result);
}

int
main (void)
{
  ns_params params;
  ns_params_init (&params);
  params.max_size = 0; /* the content's own size */
  params.multi_scale = 0;
  params.iterations = 2;
  params.memory_limit = LIMIT_MIB;
  ns_weights weights;
  ns_error err = { 0 };
  ns_image content, style, result;
  if (!synthetic_weights_make (&weights, ns_conv_count_needed (&params), 3) ||
      ns_image_alloc (&content, 1024, 768, 3, &err) != NS_OK ||
      ns_image_alloc (&style, 320, 240, 3, &err) != NS_OK)
    return tap_check (0, "set-up: %s", err.message), tap_done ();
  fill_picture (&content, 3.0);
  fill_picture (&style, 11.0);
  const ns_style styles[1] = { { &style, 1.0, NULL } };

  /* what an untiled run would take: the network and L-BFGS's state */
  const ns_objective_layers layers = ns_layer_set_layers (&params);
  const ns_vgg19_net_options options = ns_objective_net_options (&layers, NULL);
  const double untiled_mib = (ns_vgg19_net_measure (ns_objective_conv_count (&layers), 768, 1024,
                                                    &options) +
                              (6 + 2 * 10 + 1) * 8.0 * 3 * 1024 * 768) /
                             1048576.0;
  tap_check (untiled_mib > LIMIT_MIB, "untiled, the run would take %.0f MiB: more than %d",
             untiled_mib, LIMIT_MIB);

  const double before = resident_mib ();
  run_record r = new_record (0, NS_PROGRESS_CONTINUE);
  ns_request request = { .content = &content, .styles = styles, .style_count = 1 };
  request.params = &params;
  request.progress = record;
  request.user_data = &r;
  const ns_status status = ns_stylize (&weights, &request, &result, &err);
  const double peak = peak_mib ();
  if (!tap_check (status == NS_OK, "a %d MiB run at 1024x768", LIMIT_MIB))
    tap_note ("%s", err.message);
  tap_check (r.reports == 2 && r.tiles > 1 && r.width == 1024 && r.height == 768,
             "it painted at 1024x768 in %d tiles (%d reports)", r.tiles, r.reports);
#ifdef __SANITIZE_ADDRESS__
  /* its shadow memory, redzones and quarantine are resident too (measured:
   * 666 MiB against 470 without it) */
  tap_skip ("AddressSanitizer build: peak resident memory grew by %.0f MiB, not the run's own",
            peak - before);
#else
  tap_check (peak - before <= LIMIT_MIB,
             "peak resident memory grew by %.0f MiB (%.0f before, %.0f at the peak): within %d",
             peak - before, before, peak, LIMIT_MIB);
#endif
  tap_check (r.tile_reports > 0 && r.tiles_in_range && r.without_image && r.sweeps_seen == 3,
             "between iterations, %d reports of a tile (1 to %d) of sweep 1 and 2, without an "
             "image",
             r.tile_reports, r.tiles);
  tap_check (r.done_monotone && r.done == 1.0, "the share done never went back, and ended at %g",
             r.done);
  if (status == NS_OK)
    ns_image_clear (&result);

  /* an answer at a tile takes effect at once: cancel returns nothing; stop
   * in the first evaluation keeps the image it started from (the content) */
  r = new_record (3, NS_PROGRESS_CANCEL);
  const ns_status cancelled = ns_stylize (&weights, &request, &result, &err);
  tap_check (cancelled == NS_ERROR_CANCELLED && r.after_answer == 0 && r.reports == 0,
             "cancel at the 3rd tile: cancelled at once (%d reports after it): %s", r.after_answer,
             err.message);
  r = new_record (3, NS_PROGRESS_STOP);
  const ns_status stopped = ns_stylize (&weights, &request, &result, &err);
  double moved = 1.0;
  if (stopped == NS_OK)
    {
      moved = 0.0;
      for (size_t i = 0; i < (size_t) 3 * 1024 * 768; i++)
        moved = fmax (moved, fabs (result.data[i] - content.data[i]));
      ns_image_clear (&result);
    }
  tap_check (stopped == NS_OK && r.after_answer == 0 && moved < 1e-6,
             "stop at the 3rd tile: at once (%d reports after it), the result is the content it "
             "started from (%.1e apart)",
             r.after_answer, moved);

  /* too small: refused before the first iteration, with a size that fits
   * and the least limit that runs it */
  params.memory_limit = 320;
  r = new_record (0, NS_PROGRESS_CONTINUE);
  const ns_status refused = ns_stylize (&weights, &request, &result, &err);
  tap_check (refused == NS_ERROR_NOMEM && r.reports == 0 && strstr (err.message, "fits 320 MiB"),
             "a 320 MiB limit refused before any work: %s", err.message);
  int named = 0;
  const char *at = strstr (err.message, "at least ");
  const int names = at && sscanf (at, "at least %d MiB", &named) == 1 && named > 320;
  tap_check (names, "it names a memory limit above 320 MiB: %d MiB", named);

  /* the least limit named runs the run, one MiB less does not: where the
   * tiles at their smallest and the optimiser decide it (a small image:
   * at their smallest, tiles of 1024x768 take minutes), and at 96 pixels,
   * where the 1024x768 image's own buffers outweigh the network's */
  params.iterations = 1;
  ns_image small;
  if (ns_image_alloc (&small, 256, 192, 3, &err) != NS_OK)
    return tap_check (0, "set-up: %s", err.message), tap_done ();
  fill_picture (&small, 5.0);
  params.memory_limit = 64;
  ns_request plain = { .content = &small, .styles = styles, .style_count = 1, .params = &params };
  if (ns_stylize (&weights, &plain, &result, &err) == NS_OK)
    ns_image_clear (&result);
  check_least_limit (&weights, &params, &small, styles, err.message, "256x192");
  ns_image_clear (&small);

  params.max_size = 96;
  params.memory_limit = 64;
  plain.content = &content;
  if (ns_stylize (&weights, &plain, &result, &err) == NS_OK)
    ns_image_clear (&result);
  check_least_limit (&weights, &params, &content, styles, err.message, "1024x768 at 96 pixels");

  ns_image_clear (&content);
  ns_image_clear (&style);
  ns_weights_clear (&weights);
  return tap_done ();
}
