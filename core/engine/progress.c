/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "progress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image_layout.h"
#include "resize.h"

ns_status
ns_progress_snapshot (const ns_progress *progress, int max_side, ns_image *image, ns_error *err)
{
  memset (image, 0, sizeof *image);
  if (!progress->planar_rgb)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "this progress report has no image");
  const int longest = progress->width > progress->height ? progress->width : progress->height;
  if (max_side <= 0 || longest <= max_side)
    {
      ns_status status = ns_image_alloc (image, progress->width, progress->height, 3, err);
      if (status == NS_OK)
        ns_image_from_planar_rgb (image, progress->planar_rgb, NULL);
      return status;
    }
  const double scale = (double) max_side / longest;
  const int width = (int) fmax (1.0, lround (progress->width * scale));
  const int height = (int) fmax (1.0, lround (progress->height * scale));
  float *shrunk = malloc (sizeof (float) * 3 * (size_t) width * height);
  if (!shrunk)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for a %dx%d preview", width, height);
  ns_status status = ns_resize_planar (progress->planar_rgb, 3, progress->width, progress->height,
                                       shrunk, width, height, err);
  if (status == NS_OK)
    status = ns_image_alloc (image, width, height, 3, err);
  if (status == NS_OK)
    ns_image_from_planar_rgb (image, shrunk, NULL);
  free (shrunk);
  return status;
}

/* A report of the run as of its last iteration, done at least as far as
 * iterations (of this scale) say. */
static ns_progress
run_report (ns_scale_run *run, double iterations)
{
  const double scale_done = iterations < run->iterations ? iterations / run->iterations : 1.0;
  const double done = run->done_before + run->share * scale_done;
  run->done = done > run->done ? done : run->done;
  return (ns_progress) {
    .scale = run->scale,
    .scales = run->scales,
    .iteration = run->iteration,
    .iterations = run->iterations,
    .tiles = run->obj->tiling.count,
    .done = run->done < 1.0 ? run->done : 1.0,
    .loss = run->loss,
    .content_loss = run->content_loss,
    .style_loss = run->style_loss,
    .temporal_loss = run->pixel_loss,
    .width = run->obj->width,
    .height = run->obj->height,
  };
}

int
ns_report_iteration (ns_scale_run *run, int it, double loss, const float *x)
{
  if (!isfinite (loss))
    {
      run->status =
          ns_error_set (run->err, NS_ERROR_ARGUMENT,
                        "the optimisation diverged at iteration %d (the loss is not a "
                        "finite number); try a lower learning rate or the other optimiser",
                        it);
      return 1;
    }
  run->iteration = it;
  run->loss = loss;
  run->content_loss = run->obj->content_loss;
  run->style_loss = run->obj->style_loss;
  run->pixel_loss = run->obj->pixel_loss;
  if (!run->progress)
    return 0;
  ns_progress report = run_report (run, it);
  report.planar_rgb = x;
  run->reply = run->progress (&report, run->user_data);
  return run->reply != NS_PROGRESS_CONTINUE;
}

int
ns_report_tile (void *user_data, int sweep, int tile)
{
  ns_scale_run *run = user_data;
  if (run->reply != NS_PROGRESS_CONTINUE)
    return 1;
  if (!run->progress)
    return 0;
  /* the gradient's sweep runs forward and backward: about twice the first */
  const double tiles = run->obj->tiling.count;
  const double evaluation = sweep == 1 ? tile / tiles / 3.0 : (1.0 + 2.0 * tile / tiles) / 3.0;
  ns_progress report = run_report (run, run->iteration + 0.99 * evaluation);
  report.tile = tile;
  report.sweep = sweep;
  run->reply = run->progress (&report, run->user_data);
  return run->reply != NS_PROGRESS_CONTINUE;
}

int
ns_run_cancelled (ns_scale_run *run)
{
  if (run->reply == NS_PROGRESS_CONTINUE && ns_vgg19_net_stopped (&run->obj->net))
    run->reply = NS_PROGRESS_CANCEL;
  return run->reply == NS_PROGRESS_CANCEL;
}
