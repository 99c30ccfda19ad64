/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "image_io.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

static ns_status
check_pixels (const char *path, size_t width, size_t height, size_t max_pixels, ns_error *err)
{
  if (width * height > max_pixels)
    return ns_error_set (err, NS_ERROR_FORMAT, "%s: %zux%zu pixels is more than the %zu this reads",
                         path, width, height, max_pixels);
  return NS_OK;
}

static ns_status
load_png (FILE *file, const char *path, size_t max_pixels, ns_image *image, ns_error *err)
{
  png_image png;
  memset (&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_stdio (&png, file))
    return ns_error_set (err, NS_ERROR_FORMAT, "%s: not a readable PNG (%s)", path, png.message);
  ns_status status = check_pixels (path, png.width, png.height, max_pixels, err);
  if (status != NS_OK)
    {
      png_image_free (&png);
      return status;
    }
  const int has_alpha = (png.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  /* linear 16-bit output would undo the sRGB encoding the network expects: read 8 or 16-bit sRGB */
  png.format = has_alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  const int channels = has_alpha ? 4 : 3;
  status = ns_image_alloc (image, (int) png.width, (int) png.height, channels, err);
  if (status != NS_OK)
    {
      png_image_free (&png);
      return status;
    }
  const size_t count = (size_t) png.width * png.height * channels;
  unsigned char *bytes = malloc (count);
  if (!bytes)
    {
      png_image_free (&png);
      ns_image_clear (image);
      return ns_error_set (err, NS_ERROR_NOMEM, "%s: out of memory", path);
    }
  if (!png_image_finish_read (&png, NULL, bytes, 0, NULL))
    {
      free (bytes);
      ns_image_clear (image);
      return ns_error_set (err, NS_ERROR_FORMAT,
                           "%s: not a readable PNG, cut short or corrupt (%s)", path, png.message);
    }
  for (size_t i = 0; i < count; i++)
    image->data[i] = bytes[i] / 255.0f;
  free (bytes);
  return NS_OK;
}

typedef struct
{
  struct jpeg_error_mgr base;
  jmp_buf escape;
  char message[JMSG_LENGTH_MAX];
} jpeg_error_escape;

static void
jpeg_error_exit (j_common_ptr info)
{
  jpeg_error_escape *e = (jpeg_error_escape *) info->err;
  (*info->err->format_message) (info, e->message);
  longjmp (e->escape, 1);
}

/* libjpeg's warnings where image data is lost (it would paint the rest
 * grey and go on) end the read as errors; the others (extraneous bytes
 * between markers, as many cameras write) and its traces are not printed. */
static void
jpeg_message (j_common_ptr info, int level)
{
  if (level >= 0)
    return;
  switch (info->err->msg_code)
    {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_MUST_RESYNC:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_BOGUS_PROGRESSION:
      jpeg_error_exit (info);
      break;
    default:
      info->err->num_warnings++;
    }
}

static ns_status
load_jpeg (FILE *file, const char *path, size_t max_pixels, ns_image *image, ns_error *err)
{
  struct jpeg_decompress_struct info;
  jpeg_error_escape error;
  unsigned char *row = NULL;
  image->data = NULL;

  info.err = jpeg_std_error (&error.base);
  error.base.error_exit = jpeg_error_exit;
  error.base.emit_message = jpeg_message;
  if (setjmp (error.escape))
    {
      jpeg_destroy_decompress (&info);
      free (row);
      ns_image_clear (image);
      return ns_error_set (err, NS_ERROR_FORMAT,
                           "%s: not a readable JPEG, cut short or corrupt (%s)", path, error.message);
    }
  jpeg_create_decompress (&info);
  jpeg_stdio_src (&info, file);
  jpeg_read_header (&info, TRUE);
  ns_status status = check_pixels (path, info.image_width, info.image_height, max_pixels, err);
  if (status != NS_OK)
    {
      jpeg_destroy_decompress (&info);
      return status;
    }
  info.out_color_space = JCS_RGB;
  jpeg_start_decompress (&info);
  status = ns_image_alloc (image, (int) info.output_width, (int) info.output_height, 3, err);
  if (status == NS_OK && !(row = malloc ((size_t) info.output_width * 3)))
    status = ns_error_set (err, NS_ERROR_NOMEM, "%s: out of memory", path);
  if (status != NS_OK)
    {
      jpeg_destroy_decompress (&info);
      free (row);
      ns_image_clear (image);
      return status;
    }
  while (info.output_scanline < info.output_height)
    {
      float *dst = image->data + (size_t) info.output_scanline * info.output_width * 3;
      jpeg_read_scanlines (&info, &row, 1);
      for (size_t i = 0; i < (size_t) info.output_width * 3; i++)
        dst[i] = row[i] / 255.0f;
    }
  jpeg_finish_decompress (&info);
  jpeg_destroy_decompress (&info);
  free (row);
  return NS_OK;
}

ns_status
image_load (const char *path, ns_image *image, ns_error *err)
{
  return image_load_limited (path, IMAGE_MAX_PIXELS, image, err);
}

ns_status
image_load_limited (const char *path, size_t max_pixels, ns_image *image, ns_error *err)
{
  unsigned char signature[8] = { 0 };
  FILE *file = fopen (path, "rb");
  if (!file)
    return ns_error_set (err, NS_ERROR_IO, "%s: %s", path, strerror (errno));
  size_t got = fread (signature, 1, sizeof signature, file);
  rewind (file);
  ns_status status;
  if (got == 8 && png_sig_cmp (signature, 0, 8) == 0)
    status = load_png (file, path, max_pixels, image, err);
  else if (got >= 3 && signature[0] == 0xFF && signature[1] == 0xD8 && signature[2] == 0xFF)
    status = load_jpeg (file, path, max_pixels, image, err);
  else
    status = ns_error_set (err, NS_ERROR_FORMAT, "%s: neither a PNG nor a JPEG file", path);
  fclose (file);
  return status;
}

ns_status
image_load_mask (const char *path, ns_image *mask, ns_error *err)
{
  ns_image picture = { 0 };
  memset (mask, 0, sizeof *mask);
  ns_status status = image_load (path, &picture, err);
  if (status == NS_OK)
    status = ns_image_alloc (mask, picture.width, picture.height, 1, err);
  if (status == NS_OK)
    for (size_t i = 0; i < (size_t) picture.width * picture.height; i++)
      {
        const float *p = picture.data + i * picture.channels;
        const float luma = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
        mask->data[i] = picture.channels == 4 ? luma * p[3] : luma;
      }
  ns_image_clear (&picture);
  return status;
}

ns_status
image_save_png (const char *path, const ns_image *image, ns_error *err)
{
  png_image png;
  memset (&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = (png_uint_32) image->width;
  png.height = (png_uint_32) image->height;
  png.format = image->channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  const size_t count = (size_t) image->width * image->height * image->channels;
  unsigned char *bytes = malloc (count);
  if (!bytes)
    return ns_error_set (err, NS_ERROR_NOMEM, "%s: out of memory", path);
  for (size_t i = 0; i < count; i++)
    {
      float v = image->data[i];
      v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
      bytes[i] = (unsigned char) (v * 255.0f + 0.5f);
    }
  int ok = png_image_write_to_file (&png, path, 0, bytes, 0, NULL);
  free (bytes);
  if (!ok)
    return ns_error_set (err, NS_ERROR_IO, "%s: cannot write PNG (%s)", path, png.message);
  return NS_OK;
}
