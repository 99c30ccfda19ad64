/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "request.h"

#include <math.h>
#include <stddef.h>

static ns_status
check_image (const ns_image *image, const char *what, ns_error *err)
{
  if (!image || !image->data || image->width < 1 || image->height < 1 || image->channels < 3 ||
      image->channels > 4)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "the %s image is empty or not RGB/RGBA", what);
  return NS_OK;
}

/* A region: one channel of numbers (clamped to [0, 1] when used). */
static ns_status
check_mask (const ns_image *mask, const char *what, ns_error *err)
{
  if (!mask->data || mask->width < 1 || mask->height < 1 || mask->channels != 1)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "%s is empty or has more than one channel", what);
  for (size_t i = 0; i < (size_t) mask->width * mask->height; i++)
    if (!isfinite (mask->data[i]))
      return ns_error_set (err, NS_ERROR_ARGUMENT, "%s holds a value that is not a number", what);
  return NS_OK;
}

/* NS_ERROR_ARGUMENT unless image (the pixel term's what) has the
 * content's size. */
static ns_status
check_content_size (const ns_image *image, const char *what, const ns_image *content, ns_error *err)
{
  if (image->width == content->width && image->height == content->height)
    return NS_OK;
  return ns_error_set (err, NS_ERROR_ARGUMENT,
                       "the pixel term's %s is %dx%d; it must have the content's size, %dx%d", what,
                       image->width, image->height, content->width, content->height);
}

/* The pixel term: a weight of 0 or above, a target of the content's size
 * (its colours numbers) wherever a mask or a weight is given, and a mask
 * of one channel of the content's size. */
static ns_status
check_pixel_term (const ns_pixel_term *p, const ns_image *content, ns_error *err)
{
  ns_status status;
  const ns_image *t = p->target;
  if (!(p->weight >= 0.0) || !isfinite (p->weight))
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the pixel term's weight must be a number of 0 or above (got %g)",
                         p->weight);
  if (!t && p->mask)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "the pixel term has a mask but no target");
  if (!t && p->weight > 0.0)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "the pixel term has a weight but no target");
  if (!t)
    return NS_OK;
  if ((status = check_image (t, "pixel term's target", err)) != NS_OK ||
      (status = check_content_size (t, "target", content, err)) != NS_OK)
    return status;
  for (size_t i = 0; i < (size_t) t->width * t->height * t->channels; i++)
    if (!isfinite (t->data[i]))
      return ns_error_set (err, NS_ERROR_ARGUMENT,
                           "the pixel term's target holds a value that is not a number");
  if (p->mask && ((status = check_mask (p->mask, "the pixel term's mask", err)) != NS_OK ||
                  (status = check_content_size (p->mask, "mask", content, err)) != NS_OK))
    return status;
  return NS_OK;
}

ns_status
ns_request_check (const ns_weights *weights, const ns_request *r, ns_error *err)
{
  ns_status status;
  if (!r->params)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "the request has no parameters");
  if ((status = ns_params_check (r->params, err)) != NS_OK ||
      (status = check_image (r->content, "content", err)) != NS_OK)
    return status;
  if (!r->styles || r->style_count < 1 || r->style_count > NS_MAX_STYLES)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "between 1 and %d style images are needed (got %d)",
                         NS_MAX_STYLES, r->style_count);
  double blend_total = 0.0;
  for (int k = 0; k < r->style_count; k++)
    {
      if ((status = check_image (r->styles[k].image, "style", err)) != NS_OK)
        return status;
      if (!(r->styles[k].blend >= NS_BLEND_MIN && r->styles[k].blend <= NS_BLEND_MAX))
        return ns_error_set (err, NS_ERROR_ARGUMENT,
                             "style blend weights must be %d to %d (style %d has %g)", NS_BLEND_MIN,
                             NS_BLEND_MAX, k + 1, r->styles[k].blend);
      blend_total += r->styles[k].blend;
    }
  if (!(blend_total > 0.0))
    return ns_error_set (err, NS_ERROR_ARGUMENT, "at least one style needs a blend weight above 0");
  for (int k = 0; k < r->style_count; k++)
    if (r->styles[k].region &&
        (status = check_mask (r->styles[k].region, "a style's region", err)) != NS_OK)
      return status;
  if (r->keep && (status = check_mask (r->keep, "the region to keep", err)) != NS_OK)
    return status;
  if (r->start && (status = check_image (r->start, "start", err)) != NS_OK)
    return status;
  if (r->start_done && !r->start)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "start_done is set without a start picture");
  if ((status = check_pixel_term (&r->pixel_term, r->content, err)) != NS_OK)
    return status;
  const int conv_count = ns_conv_count_needed (r->params);
  if (!weights || weights->conv_count < conv_count)
    return ns_error_set (err, NS_ERROR_ARGUMENT,
                         "the weights hold %d convolutions; these layers need %d",
                         weights ? weights->conv_count : 0, conv_count);
  return NS_OK;
}
