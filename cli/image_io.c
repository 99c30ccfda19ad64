/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "image_io.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

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
  int system_error; /* errno when the error came (a write's: disk full) */
} jpeg_error_escape;

static void
jpeg_error_exit (j_common_ptr info)
{
  jpeg_error_escape *e = (jpeg_error_escape *) info->err;
  e->system_error = errno;
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

/* A row of CMYK as RGB, without a colour profile (as (1 - C)(1 - K)):
 * Adobe's files (those with its marker: Photoshop's, ImageMagick's) store
 * each ink inverted, 255 for none; others store the ink itself. */
static void
cmyk_to_rgb (const unsigned char *row, size_t width, int adobe, float *rgb)
{
  for (size_t x = 0; x < width; x++)
    {
      const unsigned char *ink = row + 4 * x;
      float clear[4];
      for (int c = 0; c < 4; c++)
        clear[c] = (adobe ? ink[c] : 255 - ink[c]) / 255.0f;
      for (int c = 0; c < 3; c++)
        rgb[3 * x + c] = clear[c] * clear[3];
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
  /* libjpeg gives CMYK (from YCCK too), not RGB, from a four-channel file */
  const int cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
  info.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress (&info);
  status = ns_image_alloc (image, (int) info.output_width, (int) info.output_height, 3, err);
  if (status == NS_OK &&
      !(row = malloc ((size_t) info.output_width * (size_t) info.output_components)))
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
      if (cmyk)
        cmyk_to_rgb (row, info.output_width, info.saw_Adobe_marker, dst);
      else
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

/* ---- writing ---- */

typedef enum
{
  FORMAT_PNG,
  FORMAT_JPEG
} file_format;

/* JPEG for a name ending in .jpg, .jpeg or .jpe (any case), else PNG. */
static file_format
format_of (const char *path)
{
  const char *dot = strrchr (path, '.');
  if (dot && !strchr (dot, '/') &&
      (strcasecmp (dot, ".jpg") == 0 || strcasecmp (dot, ".jpeg") == 0 ||
       strcasecmp (dot, ".jpe") == 0))
    return FORMAT_JPEG;
  return FORMAT_PNG;
}

/* The image's first channels as 8-bit values; NULL when out of memory. */
static unsigned char *
image_bytes (const ns_image *image, int channels)
{
  const size_t pixels = (size_t) image->width * image->height;
  unsigned char *bytes = malloc (pixels * channels);
  if (!bytes)
    return NULL;
  for (size_t i = 0; i < pixels; i++)
    for (int c = 0; c < channels; c++)
      {
        float v = image->data[i * image->channels + c];
        v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
        bytes[i * channels + c] = (unsigned char) (v * 255.0f + 0.5f);
      }
  return bytes;
}

/* JPEG has no alpha: the colours alone, at quality 95. */
static int
write_jpeg (FILE *file, const ns_image *image)
{
  struct jpeg_compress_struct info;
  jpeg_error_escape error;
  unsigned char *volatile bytes = image_bytes (image, 3);
  if (!bytes)
    {
      errno = ENOMEM;
      return 0;
    }
  info.err = jpeg_std_error (&error.base);
  error.base.error_exit = jpeg_error_exit;
  error.system_error = 0;
  if (setjmp (error.escape))
    {
      jpeg_destroy_compress (&info);
      free (bytes);
      errno = error.system_error ? error.system_error : EIO;
      return 0;
    }
  jpeg_create_compress (&info);
  jpeg_stdio_dest (&info, file);
  info.image_width = (JDIMENSION) image->width;
  info.image_height = (JDIMENSION) image->height;
  info.input_components = 3;
  info.in_color_space = JCS_RGB;
  jpeg_set_defaults (&info);
  jpeg_set_quality (&info, 95, TRUE);
  jpeg_start_compress (&info, TRUE);
  while (info.next_scanline < info.image_height)
    {
      JSAMPROW row = bytes + (size_t) info.next_scanline * image->width * 3;
      jpeg_write_scanlines (&info, &row, 1);
    }
  jpeg_finish_compress (&info);
  jpeg_destroy_compress (&info);
  free (bytes);
  return 1;
}

static int
write_png (FILE *file, const ns_image *image)
{
  png_image png;
  memset (&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  png.width = (png_uint_32) image->width;
  png.height = (png_uint_32) image->height;
  png.format = image->channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  unsigned char *bytes = image_bytes (image, image->channels);
  if (!bytes)
    {
      errno = ENOMEM;
      return 0;
    }
  errno = 0;
  const int ok = png_image_write_to_stdio (&png, file, 0, bytes, 0, NULL);
  const int error = errno;
  free (bytes);
  errno = error ? error : EIO;
  return ok;
}

/* Writes the image to file and closes it; sync: on the disk before this
 * returns.  0, or the errno of what failed (a full disk's ENOSPC). */
static int
write_and_close (FILE *file, const ns_image *image, file_format format, int sync)
{
  int ok = format == FORMAT_JPEG ? write_jpeg (file, image) : write_png (file, image);
  ok = ok && fflush (file) == 0 && (!sync || fsync (fileno (file)) == 0);
  int error = ok ? 0 : errno ? errno : EIO;
  if (fclose (file) != 0 && !error)
    error = errno ? errno : EIO;
  return error;
}

/* The file path stands for: a symbolic link's target, whose folder the
 * temporary file must be in for the rename to replace it; else path.
 * NULL when out of memory. */
static char *
real_target (const char *path)
{
  char *real = realpath (path, NULL);
  return real ? real : strdup (path);
}

/* A new file target.tmp-XXXXXX beside target, with target's permissions
 * or else a new file's (mkstemp's own are 0600): only the rename makes it
 * the target.  -1 with errno on failure. */
static int
open_beside (const char *target, char *temporary, size_t size)
{
  struct stat info;
  mode_t mode;
  if (stat (target, &info) == 0)
    mode = info.st_mode & 07777;
  else
    {
      const mode_t mask = umask (0); /* read, then put back: the only way */
      umask (mask);
      mode = 0666 & ~mask;
    }
  if (snprintf (temporary, size, "%s.tmp-XXXXXX", target) >= (int) size)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  const int fd = mkstemp (temporary);
  if (fd >= 0 && fchmod (fd, mode) != 0)
    {
      const int error = errno;
      close (fd);
      unlink (temporary);
      errno = error;
      return -1;
    }
  return fd;
}

/* The folder of a file's path ("." for a bare name), into folder. */
static void
folder_of (const char *path, char *folder, size_t size)
{
  const char *slash = strrchr (path, '/');
  if (!slash)
    snprintf (folder, size, ".");
  else if (slash == path)
    snprintf (folder, size, "/");
  else
    snprintf (folder, size, "%.*s", (int) (slash - path), path);
}

ns_status
image_check_output (const char *path, ns_error *err)
{
  struct stat info;
  if (!*path)
    return ns_error_set (err, NS_ERROR_ARGUMENT, "the output file's name is empty");
  if (stat (path, &info) == 0 && S_ISDIR (info.st_mode))
    return ns_error_set (err, NS_ERROR_IO, "cannot write %s: it is a folder", path);
  if (stat (path, &info) == 0 && !S_ISREG (info.st_mode))
    {
      /* a device or a pipe is written as it is, at the end */
      if (access (path, W_OK) != 0)
        return ns_error_set (err, NS_ERROR_IO, "cannot write %s (%s)", path, strerror (errno));
      return NS_OK;
    }
  char *target = real_target (path);
  const size_t size = target ? strlen (target) + 16 : 0;
  char *temporary = malloc (size), *folder = malloc (size);
  ns_status status = NS_OK;
  if (!target || !temporary || !folder)
    status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory");
  else
    folder_of (target, folder, size);
  if (status == NS_OK && stat (folder, &info) != 0)
    status = errno == ENOENT ?
                 ns_error_set (err, NS_ERROR_IO, "cannot write %s: the folder %s does not exist",
                               path, folder) :
                 ns_error_set (err, NS_ERROR_IO, "cannot write %s: %s (%s)", path, folder,
                               strerror (errno));
  else if (status == NS_OK && !S_ISDIR (info.st_mode))
    status = ns_error_set (err, NS_ERROR_IO, "cannot write %s: %s is not a folder", path, folder);
  if (status == NS_OK)
    {
      /* the very step the write takes first */
      const int fd = open_beside (target, temporary, size);
      if (fd < 0)
        status = ns_error_set (err, NS_ERROR_IO, "cannot write %s: no file can be made in %s (%s)",
                               path, folder, strerror (errno));
      else
        {
          close (fd);
          unlink (temporary);
        }
    }
  free (folder);
  free (temporary);
  free (target);
  return status;
}

static ns_status
save_as (const char *path, const ns_image *image, file_format format, ns_error *err)
{
  const char *kind = format == FORMAT_JPEG ? "JPEG" : "PNG";
  struct stat info;
  if (stat (path, &info) == 0 && !S_ISREG (info.st_mode) && !S_ISDIR (info.st_mode))
    {
      FILE *file = fopen (path, "wb");
      const int error = file ? write_and_close (file, image, format, 0) : errno;
      if (error)
        return ns_error_set (err, NS_ERROR_IO, "cannot write the %s to %s (%s)", kind, path,
                             strerror (error));
      return NS_OK;
    }
  char *target = real_target (path);
  const size_t size = target ? strlen (target) + 16 : 0;
  char *temporary = malloc (size);
  ns_status status = NS_OK;
  const int fd = target && temporary ? open_beside (target, temporary, size) : -1;
  FILE *file = fd >= 0 ? fdopen (fd, "wb") : NULL;
  if (!target || !temporary)
    status = ns_error_set (err, NS_ERROR_NOMEM, "out of memory");
  else if (!file)
    {
      status = ns_error_set (err, NS_ERROR_IO, "cannot write the %s to %s (%s)", kind, path,
                             strerror (errno));
      if (fd >= 0)
        {
          close (fd);
          unlink (temporary);
        }
    }
  else
    {
      const int error = write_and_close (file, image, format, 1);
      if (error || rename (temporary, target) != 0)
        {
          status = ns_error_set (err, NS_ERROR_IO, "cannot write the %s to %s (%s)", kind, path,
                                 strerror (error ? error : errno));
          unlink (temporary);
        }
    }
  free (temporary);
  free (target);
  return status;
}

ns_status
image_save (const char *path, const ns_image *image, ns_error *err)
{
  return save_as (path, image, format_of (path), err);
}

ns_status
image_save_png (const char *path, const ns_image *image, ns_error *err)
{
  return save_as (path, image, FORMAT_PNG, err);
}

ns_status
image_save_fallback (const char *like, const ns_image *image, char *written, size_t size,
                     ns_error *err)
{
  const char *folder = getenv ("TMPDIR");
  const file_format format = format_of (like);
  const char *suffix = format == FORMAT_JPEG ? ".jpg" : ".png";
  if (!folder || !*folder)
    folder = "/tmp";
  if (snprintf (written, size, "%s/neural-style-XXXXXX%s", folder, suffix) >= (int) size)
    return ns_error_set (err, NS_ERROR_IO, "%s: the name is too long", folder);
  const int fd = mkstemps (written, 4);
  FILE *file = fd >= 0 ? fdopen (fd, "wb") : NULL;
  int error = file ? write_and_close (file, image, format, 1) : errno;
  if (!file && fd >= 0)
    close (fd);
  if (error && fd >= 0)
    unlink (written);
  if (error)
    return ns_error_set (err, NS_ERROR_IO, "nor in %s (%s)", folder, strerror (error));
  return NS_OK;
}
