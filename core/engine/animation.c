/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_animation (see neural_style.h): frames painted in order, each held to
 * the painted frames before it where the motion between them is known. */
#include "image_layout.h"
#include "neural_style.h"
#include "planar.h"
#include "schedule.h"

#include <stdlib.h>
#include <string.h>

/* Ruder et al.'s long-term set: frames t-1, t-2 and t-4. */
#define HISTORY 4
static const int long_term_gaps[] = { 1, 2, 4 };
#define GAPS ((int) (sizeof long_term_gaps / sizeof long_term_gaps[0]))

struct ns_animation
{
  ns_engine *engine;
  int independent;
  int frames;        /* painted so far */
  int width, height; /* the first frame's */
  /* Content and result of frames t-1 (0) to t-HISTORY, of this scene only,
   * at the working size: what the next frame is held to.  kept: how many
   * are. */
  ns_image content[HISTORY], result[HISTORY];
  int kept;
};

ns_status
ns_animation_new (ns_engine *engine, int independent, ns_animation **animation, ns_error *err)
{
  if (!engine)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "an animation needs an engine");
  *animation = calloc (1, sizeof **animation);
  if (!*animation)
    return ns_error_set (err, NS_ERROR_NOMEM, "out of memory for an animation");
  (*animation)->engine = engine;
  (*animation)->independent = independent;
  return NS_OK;
}

/* Painted frame t-gap warped to frame t by the flow from content t to
 * content t-gap, and the consistency weight of that flow against the flow
 * back. */
static ns_status
warp_from (const ns_animation *animation, int gap, const ns_image *content, ns_image *warped,
           ns_image *weight, ns_error *err)
{
  ns_flow backward = { 0 }, forward = { 0 };
  const ns_image *before = &animation->content[gap - 1];
  ns_status status = ns_flow_compute (content, before, &backward, err);
  if (status == NS_OK)
    status = ns_flow_compute (before, content, &forward, err);
  if (status == NS_OK)
    status = ns_flow_warp (&animation->result[gap - 1], &backward, warped, err);
  if (status == NS_OK)
    status = ns_flow_consistency (&backward, &forward, weight, err);
  ns_flow_clear (&backward);
  ns_flow_clear (&forward);
  return status;
}

static double
mean_of (const ns_image *weight)
{
  double sum = 0.0;
  const size_t pixels = (size_t) weight->width * (size_t) weight->height;
  for (size_t i = 0; i < pixels; i++)
    sum += weight->data[i];
  return pixels ? sum / (double) pixels : 0.0;
}

/* Adds the long-term term of an older frame to the target and mask:
 * Ruder et al. weight frame t-j only where no nearer frame is consistent,
 * c_long = max (c_j - sum of the nearer frames' c, 0).  The sum of terms
 * sum_j c_j (x - t_j)^2 has the gradient of one term C (x - T)^2 with
 * C = sum_j c_j and T = sum_j c_j t_j / C, so one pixel term carries them
 * all.  nearer: the nearer frames' c summed, updated here. */
static void
add_older (ns_image *target, ns_image *mask, ns_image *nearer, const ns_image *warped,
           const ns_image *weight)
{
  const size_t pixels = (size_t) mask->width * (size_t) mask->height;
  const int channels = target->channels;
  for (size_t i = 0; i < pixels; i++)
    {
      const float c_long = weight->data[i] - nearer->data[i];
      nearer->data[i] += weight->data[i];
      if (c_long <= 0.0f)
        continue;
      const float before = mask->data[i], total = before + c_long;
      for (int c = 0; c < channels; c++)
        {
          float *t = &target->data[i * (size_t) channels + (size_t) c];
          *t = (*t * before + warped->data[i * (size_t) channels + (size_t) c] * c_long) / total;
        }
      mask->data[i] = total;
    }
}

static ns_status
copy_image (ns_image *dst, const ns_image *src, ns_error *err)
{
  ns_status status = ns_image_alloc (dst, src->width, src->height, src->channels, err);
  if (status == NS_OK)
    memcpy (dst->data, src->data,
            (size_t) src->width * (size_t) src->height * (size_t) src->channels * sizeof (float));
  return status;
}

/* What frame t holds to: the start (painted frame t-1 warped), the pixel
 * term's target and mask (the start and its consistency weight, with the
 * older frames' where they see what frame t-1 does not, when long_term),
 * and the share of the frame consistent with frame t-1. */
static ns_status
hold_to_kept (const ns_animation *animation, const ns_image *content, int long_term,
              ns_image *start, ns_image *target, ns_image *mask, double *consistent, ns_error *err)
{
  ns_status status = warp_from (animation, 1, content, start, mask, err);
  if (status != NS_OK)
    return status;
  *consistent = mean_of (mask);
  status = copy_image (target, start, err);
  ns_image nearer = { 0 };
  if (status == NS_OK && long_term && animation->kept > 1)
    status = copy_image (&nearer, mask, err);
  for (int g = 1; status == NS_OK && long_term && g < GAPS && long_term_gaps[g] <= animation->kept;
       g++)
    {
      ns_image warped = { 0 }, weight = { 0 };
      status = warp_from (animation, long_term_gaps[g], content, &warped, &weight, err);
      if (status == NS_OK)
        add_older (target, mask, &nearer, &warped, &weight);
      ns_image_clear (&warped);
      ns_image_clear (&weight);
    }
  ns_image_clear (&nearer);
  return status;
}

/* The frame's content at the working size in small, or nothing in small
 * when that is its own size. */
static ns_status
at_working_size (const ns_request *request, ns_image *small, ns_error *err)
{
  const ns_image *content = request->content;
  int width, height;
  ns_status status = ns_working_size (content->width, content->height,
                                      ns_final_size (request->params, content->width, content->height),
                                      0, "content", &width, &height, err);
  if (status != NS_OK || (width == content->width && height == content->height))
    return status;
  return ns_image_resize (content, width, height, small, err);
}

/* The painted frame stretched to the content's size, with the content's
 * alpha, by the still's own last step (or itself when that is its size). */
static ns_status
at_frame_size (ns_image *painted, const ns_image *content, ns_image *result, ns_error *err)
{
  if (painted->width == content->width && painted->height == content->height)
    {
      *result = *painted;
      *painted = (ns_image) { 0 };
      return NS_OK;
    }
  ns_planar colour = { 0 };
  ns_status status = ns_planar_from_image_resized (painted, content->width, content->height,
                                                   &colour, err);
  if (status == NS_OK)
    status = ns_image_alloc (result, content->width, content->height, content->channels, err);
  if (status == NS_OK)
    ns_image_from_planar_rgb (result, colour.rgb, content);
  ns_planar_clear (&colour);
  return status;
}

/* Keeps frame t's content and result as t-1's, the older ones moved back
 * (a scene cut drops them: they show another scene). */
static ns_status
keep_frame (ns_animation *animation, const ns_image *content, const ns_image *result, int scene_cut,
            ns_error *err)
{
  ns_image new_content = { 0 }, new_result = { 0 };
  ns_status status = copy_image (&new_content, content, err);
  if (status == NS_OK)
    status = copy_image (&new_result, result, err);
  if (status != NS_OK)
    {
      ns_image_clear (&new_content);
      return status;
    }
  const int keep = scene_cut ? 0 : (animation->kept < HISTORY ? animation->kept : HISTORY - 1);
  for (int k = keep; k < HISTORY; k++)
    {
      ns_image_clear (&animation->content[k]);
      ns_image_clear (&animation->result[k]);
    }
  memmove (&animation->content[1], &animation->content[0], (size_t) keep * sizeof (ns_image));
  memmove (&animation->result[1], &animation->result[0], (size_t) keep * sizeof (ns_image));
  animation->content[0] = new_content;
  animation->result[0] = new_result;
  animation->kept = keep + 1;
  return NS_OK;
}

ns_status
ns_animation_paint (ns_animation *animation, const ns_request *request, ns_image *result,
                    ns_frame_report *report, ns_error *err)
{
  *report = (ns_frame_report) { animation->independent ? NS_FRAME_ALONE : NS_FRAME_FIRST, 0.0 };
  if (!request->content)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "a frame needs its content");
  if (request->start || request->pixel_term.weight != 0.0 || request->pixel_term.target ||
      request->pixel_term.mask)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "an animation sets a frame's start and pixel term itself");
  if (animation->frames > 0 &&
      (request->content->width != animation->width || request->content->height != animation->height))
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "frame %d is %dx%d, the frames before it %dx%d: an animation's frames "
                         "have one size",
                         animation->frames + 1, request->content->width, request->content->height,
                         animation->width, animation->height);

  /* Frames are painted, warped and kept at the working size, and only
   * their results stretched to the frame's: a painted frame stretched and
   * shrunk back for the next would come back blurred. */
  ns_image small = { 0 }, painted = { 0 };
  ns_status status = at_working_size (request, &small, err);
  const ns_image *content = small.data ? &small : request->content;
  ns_request frame = *request;
  frame.content = content;
  ns_params held_params = *request->params;
  ns_image start = { 0 }, target = { 0 }, mask = { 0 };
  if (status == NS_OK && !animation->independent && animation->kept > 0)
    {
      status = hold_to_kept (animation, content, request->params->long_term, &start, &target, &mask,
                             &report->consistent, err);
      if (status == NS_OK && report->consistent <= NS_SCENE_CUT_CONSISTENT)
        report->start = NS_FRAME_SCENE_CUT;
      else if (status == NS_OK)
        {
          report->start = NS_FRAME_HELD;
          /* The warped frame is already painted at the working size: the
           * coarse scales would blur it back and paint its strokes anew
           * (as a frame alone is), so it goes on at the last scale only,
           * unless detail scales (print size) make that a full-size run
           * of every layer. */
          if (held_params.detail_size == 0)
            held_params.multi_scale = 0;
          held_params.iterations = request->params->frame_iterations;
          frame.params = &held_params;
          frame.start = &start;
          frame.pixel_term = (ns_pixel_term) { .weight = request->params->temporal_weight,
                                               .target = &target,
                                               .mask = &mask };
        }
    }
  if (status == NS_OK)
    status = ns_engine_run (animation->engine, &frame, &painted, err);
  ns_image_clear (&start);
  ns_image_clear (&target);
  ns_image_clear (&mask);
  if (status == NS_OK && !animation->independent)
    status = keep_frame (animation, content, &painted, report->start == NS_FRAME_SCENE_CUT, err);
  if (status == NS_OK)
    status = at_frame_size (&painted, request->content, result, err);
  ns_image_clear (&painted);
  ns_image_clear (&small);
  if (status == NS_OK && animation->frames++ == 0)
    {
      animation->width = request->content->width;
      animation->height = request->content->height;
    }
  return status;
}

double
ns_animation_done (int frame, int frames, double frame_done)
{
  if (frames <= 0)
    return frame_done;
  return ((double) (frame - 1) + frame_done) / (double) frames;
}

void
ns_animation_free (ns_animation *animation)
{
  if (!animation)
    return;
  for (int k = 0; k < HISTORY; k++)
    {
      ns_image_clear (&animation->content[k]);
      ns_image_clear (&animation->result[k]);
    }
  free (animation);
}
