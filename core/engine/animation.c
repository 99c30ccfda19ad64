/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_animation (see neural_style.h): frames painted in order, each held to
 * the painted frame before it where the motion between them is known. */
#include "neural_style.h"

#include <stdlib.h>
#include <string.h>

struct ns_animation
{
  ns_engine *engine;
  int independent;
  int frames;        /* painted so far */
  int width, height; /* the first frame's */
  /* The last frame's content and result: what the next one is held to. */
  ns_image last_content, last_result;
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

/* What frame t holds to: painted frame t-1 warped to frame t by the flow
 * from t to t-1, and Ruder et al.'s consistency weight of that flow
 * against the flow from t-1 to t; the share of the frame consistent. */
static ns_status
hold_to_last (const ns_animation *animation, const ns_image *content, ns_image *warped,
              ns_image *weight, double *consistent, ns_error *err)
{
  ns_flow backward = { 0 }, forward = { 0 };
  ns_status status = ns_flow_compute (content, &animation->last_content, &backward, err);
  if (status == NS_OK)
    status = ns_flow_compute (&animation->last_content, content, &forward, err);
  if (status == NS_OK)
    status = ns_flow_warp (&animation->last_result, &backward, warped, err);
  if (status == NS_OK)
    status = ns_flow_consistency (&backward, &forward, weight, err);
  if (status == NS_OK)
    {
      double sum = 0.0;
      const size_t pixels = (size_t) weight->width * (size_t) weight->height;
      for (size_t i = 0; i < pixels; i++)
        sum += weight->data[i];
      *consistent = pixels ? sum / (double) pixels : 0.0;
    }
  ns_flow_clear (&backward);
  ns_flow_clear (&forward);
  return status;
}

/* A copy of src in dst (dst's old pixels freed). */
static ns_status
keep_copy (ns_image *dst, const ns_image *src, ns_error *err)
{
  ns_image copy = { 0 };
  ns_status status = ns_image_alloc (&copy, src->width, src->height, src->channels, err);
  if (status != NS_OK)
    return status;
  memcpy (copy.data, src->data,
          (size_t) src->width * (size_t) src->height * (size_t) src->channels * sizeof (float));
  ns_image_clear (dst);
  *dst = copy;
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

  ns_request frame = *request;
  ns_params held_params = *request->params;
  ns_image warped = { 0 }, weight = { 0 };
  ns_status status = NS_OK;
  if (!animation->independent && animation->frames > 0)
    {
      status = hold_to_last (animation, request->content, &warped, &weight, &report->consistent, err);
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
          frame.params = &held_params;
          frame.start = &warped;
          frame.pixel_term = (ns_pixel_term) { .weight = request->params->temporal_weight,
                                               .target = &warped,
                                               .mask = &weight };
        }
    }
  if (status == NS_OK)
    status = ns_engine_run (animation->engine, &frame, result, err);
  ns_image_clear (&warped);
  ns_image_clear (&weight);
  if (status == NS_OK && !animation->independent)
    {
      status = keep_copy (&animation->last_content, request->content, err);
      if (status == NS_OK)
        status = keep_copy (&animation->last_result, result, err);
      if (status != NS_OK)
        ns_image_clear (result);
    }
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
  ns_image_clear (&animation->last_content);
  ns_image_clear (&animation->last_result);
  free (animation);
}
