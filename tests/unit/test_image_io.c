/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CLI's image files (cli/image_io.c): CMYK and YCCK JPEGs, Adobe's
 * inverted kind and the plain one, are read as RGB; the output is a PNG or,
 * named .jpg, a JPEG; a write replaces its file whole or leaves it as it
 * was (a write cut off by a file size limit, as a full disk cuts it), with
 * the file's permissions; the output check names what is wrong; the
 * fallback writes into $TMPDIR.  Files go to a folder made in the working
 * directory, and are deleted. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>

#include "image_io.h"
#include "test_util.h"

/* Four 16x16 patches of one ink each (C, M, Y, K; 255 is full ink). */
static const unsigned char patch_ink[4][4] = {
  { 255, 0, 0, 0 }, { 0, 0, 0, 128 }, { 51, 153, 0, 26 }, { 0, 0, 204, 0 }
};

/* Writes the patches as a 32x32 JPEG stored as stored (JCS_CMYK or
 * JCS_YCCK), at quality 100; adobe: with Adobe's marker, whose convention
 * (Photoshop's) stores every ink inverted. */
static int
write_cmyk_jpeg (const char *path, J_COLOR_SPACE stored, int adobe)
{
  struct jpeg_compress_struct info;
  struct jpeg_error_mgr error;
  unsigned char row[32 * 4];
  FILE *file = fopen (path, "wb");
  if (!file)
    return 0;
  info.err = jpeg_std_error (&error);
  jpeg_create_compress (&info);
  jpeg_stdio_dest (&info, file);
  info.image_width = info.image_height = 32;
  info.input_components = 4;
  info.in_color_space = JCS_CMYK;
  jpeg_set_defaults (&info);
  jpeg_set_colorspace (&info, stored);
  info.write_Adobe_marker = adobe ? TRUE : FALSE;
  jpeg_set_quality (&info, 100, TRUE);
  jpeg_start_compress (&info, TRUE);
  while (info.next_scanline < 32)
    {
      JSAMPROW rows[1] = { row };
      for (int x = 0; x < 32; x++)
        for (int c = 0; c < 4; c++)
          {
            const unsigned char ink = patch_ink[(int) info.next_scanline / 16 * 2 + x / 16][c];
            row[4 * x + c] = adobe ? (unsigned char) (255 - ink) : ink;
          }
      jpeg_write_scanlines (&info, rows, 1);
    }
  jpeg_finish_compress (&info);
  jpeg_destroy_compress (&info);
  return fclose (file) == 0;
}

/* The largest difference at the patches' centres from (1 - C)(1 - K) and
 * so on; HUGE_VAL when the file is not read as a 32x32 RGB image. */
static double
cmyk_error (const char *path, ns_error *err)
{
  ns_image image = { 0 };
  if (image_load (path, &image, err) != NS_OK)
    return HUGE_VAL;
  double worst = image.width == 32 && image.height == 32 && image.channels == 3 ? 0.0 : HUGE_VAL;
  for (int p = 0; p < 4 && worst < HUGE_VAL; p++)
    {
      const float *rgb = image.data + ((size_t) (p / 2 * 16 + 8) * 32 + p % 2 * 16 + 8) * 3;
      for (int c = 0; c < 3; c++)
        {
          const double want = (1.0 - patch_ink[p][c] / 255.0) * (1.0 - patch_ink[p][3] / 255.0);
          worst = fmax (worst, fabs (rgb[c] - want));
        }
    }
  ns_image_clear (&image);
  return worst;
}

static int
file_starts (const char *path, const unsigned char *bytes, size_t count)
{
  unsigned char head[8] = { 0 };
  FILE *file = fopen (path, "rb");
  const size_t got = file ? fread (head, 1, count, file) : 0;
  if (file)
    fclose (file);
  return got == count && memcmp (head, bytes, count) == 0;
}

static mode_t
mode_of (const char *path)
{
  struct stat info;
  return stat (path, &info) == 0 ? info.st_mode & 07777 : (mode_t) -1;
}

int
main (void)
{
  static const unsigned char png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const unsigned char jpeg_signature[3] = { 0xff, 0xd8, 0xff };
  char folder[] = "image-io-test.XXXXXX", path[256], other[512];
  ns_error err = { 0 };
  if (!mkdtemp (folder))
    {
      printf ("Bail out! cannot make a folder here: %s\n", strerror (errno));
      return 1;
    }

  /* Quality 100 quantises by 1, each flat patch fills whole blocks (and
   * whole subsampled chroma blocks), so the centres come back within a
   * level or two per stored value; a product of two such values within
   * 4/255. */
  static const struct
  {
    const char *name;
    J_COLOR_SPACE stored;
    int adobe;
  } kinds[] = { { "CMYK, Adobe's inverted", JCS_CMYK, 1 },
                { "YCCK (Adobe's)", JCS_YCCK, 1 },
                { "CMYK without Adobe's marker (not inverted)", JCS_CMYK, 0 } };
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    {
      snprintf (path, sizeof path, "%s/cmyk-%zu.jpg", folder, k);
      if (!write_cmyk_jpeg (path, kinds[k].stored, kinds[k].adobe))
        {
          tap_check (0, "a %s JPEG is written for the test", kinds[k].name);
          continue;
        }
      const double worst = cmyk_error (path, &err);
      tap_check (worst <= 4.0 / 255.0,
                 "a %s JPEG is read as RGB, (1 - C)(1 - K) within 4/255 "
                 "(off by %.4f)%s%s",
                 kinds[k].name, worst, worst == HUGE_VAL ? ": " : "",
                 worst == HUGE_VAL ? err.message : "");
      unlink (path);
    }

  /* a smooth 24x16 RGBA picture */
  ns_image picture = { 0 }, back = { 0 };
  if (ns_image_alloc (&picture, 24, 16, 4, &err) != NS_OK)
    {
      printf ("Bail out! %s\n", err.message);
      return 1;
    }
  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 24; x++)
      {
        float *p = picture.data + ((size_t) y * 24 + x) * 4;
        p[0] = (float) x / 24.0f;
        p[1] = (float) y / 16.0f;
        p[2] = 0.5f;
        p[3] = 1.0f - (float) x / 48.0f;
      }

  umask (022);
  snprintf (path, sizeof path, "%s/out.png", folder);
  int ok = image_save (path, &picture, &err) == NS_OK && file_starts (path, png_signature, 8) &&
           image_load (path, &back, &err) == NS_OK && back.width == 24 && back.height == 16 &&
           back.channels == 4;
  double worst = 0.0;
  for (size_t i = 0; ok && i < (size_t) 24 * 16 * 4; i++)
    worst = fmax (worst, fabs (back.data[i] - picture.data[i]));
  ns_image_clear (&back);
  tap_check (ok && worst <= 0.5 / 255.0 + 1e-6,
             "OUT.png: a PNG, RGBA, its 8-bit values within half a level (%.5f)", worst);
  tap_check (mode_of (path) == 0644, "a new file has a new file's permissions (umask 022: 0%o)",
             (unsigned) mode_of (path));
  chmod (path, 0640);
  ok = image_save (path, &picture, &err) == NS_OK;
  tap_check (ok && mode_of (path) == 0640, "a file replaced keeps its permissions (0%o)",
             (unsigned) mode_of (path));

  snprintf (other, sizeof other, "%s/out.JPG", folder);
  ok = image_save (other, &picture, &err) == NS_OK && file_starts (other, jpeg_signature, 3) &&
       image_load (other, &back, &err) == NS_OK && back.width == 24 && back.height == 16 &&
       back.channels == 3;
  double total = 0.0;
  for (size_t i = 0; ok && i < (size_t) 24 * 16; i++)
    for (int c = 0; c < 3; c++)
      total += fabs (back.data[i * 3 + c] - picture.data[i * 4 + c]);
  const double mean = ok ? total / (24.0 * 16.0 * 3.0) : HUGE_VAL;
  ns_image_clear (&back);
  /* quality 95 quantises a smooth ramp's few low frequencies by 1 to 3
   * levels, and halves the chroma's resolution */
  tap_check (mean <= 3.0 / 255.0,
             "OUT.JPG: a JPEG, RGB (no alpha), its colours within 3/255 on average (%.5f)", mean);
  snprintf (other, sizeof other, "%s/named.jpg", folder);
  ok = image_save_png (other, &picture, &err) == NS_OK && file_starts (other, png_signature, 8);
  tap_check (ok, "image_save_png writes a PNG whatever the name");
  tap_check (count_leftovers (folder) == 0, "no file beside them is left (.tmp-)");

  /* A write cut off halfway: a file size limit stands for a full disk
   * (EFBIG where a disk gives ENOSPC; cli_test.sh fills a real one). */
  ns_image noise = { 0 };
  struct rlimit saved, small;
  if (ns_image_alloc (&noise, 256, 256, 3, &err) == NS_OK && getrlimit (RLIMIT_FSIZE, &saved) == 0)
    {
      unsigned state = 1;
      for (size_t i = 0; i < (size_t) 256 * 256 * 3; i++)
        {
          state = state * 1103515245u + 12345u;
          noise.data[i] = (float) (state >> 16 & 0xff) / 255.0f;
        }
      signal (SIGXFSZ, SIG_IGN);
      small = saved;
      small.rlim_cur = 65536; /* the noise's PNG takes about 197 kB */
      ok = setrlimit (RLIMIT_FSIZE, &small) == 0;
      const ns_status status = ok ? image_save (path, &noise, &err) : NS_OK;
      setrlimit (RLIMIT_FSIZE, &saved);
      ok = ok && status == NS_ERROR_IO && strstr (err.message, path) &&
           strstr (err.message, strerror (EFBIG)) && image_load (path, &back, &err) == NS_OK &&
           back.width == 24 && back.height == 16;
      ns_image_clear (&back);
      tap_check (ok && count_leftovers (folder) == 0,
                 "a write cut off at 64 kB: refused naming OUT and why, OUT left as it was, no "
                 "file beside it left (%s)",
                 err.message);
      char written[512];
      setenv ("TMPDIR", folder, 1);
      ok = image_save_fallback (path, &noise, written, sizeof written, &err) == NS_OK &&
           strncmp (written, folder, strlen (folder)) == 0 && strstr (written, "/neural-style-") &&
           image_load (written, &back, &err) == NS_OK && back.width == 256;
      tap_check (ok, "the fallback writes the picture into $TMPDIR, named (%s)", written);
      ns_image_clear (&back);
      unlink (written);
    }
  else
    tap_skip ("a write cut off (no memory or no file size limit)");
  ns_image_clear (&noise);

  /* the check before the run */
  snprintf (other, sizeof other, "%s/none/x.png", folder);
  ok = image_check_output (other, &err) == NS_ERROR_IO && strstr (err.message, other) &&
       strstr (err.message, "does not exist");
  tap_check (ok, "a missing folder: %s", err.message);
  snprintf (other, sizeof other, "%s/x.png", path);
  ok = image_check_output (other, &err) == NS_ERROR_IO && strstr (err.message, "is not a folder");
  tap_check (ok, "a file as the folder: %s", err.message);
  ok = image_check_output (folder, &err) == NS_ERROR_IO && strstr (err.message, "it is a folder");
  tap_check (ok, "a folder as the file: %s", err.message);
  snprintf (other, sizeof other, "%s/new.png", folder);
  ok = image_check_output (other, &err) == NS_OK && access (other, F_OK) != 0 &&
       count_leftovers (folder) == 0 && image_check_output (path, &err) == NS_OK &&
       image_check_output ("/dev/null", &err) == NS_OK;
  tap_check (ok, "a new file, an existing one, /dev/null: checked, nothing left behind");

  ns_image_clear (&picture);
  snprintf (other, sizeof other, "rm -rf '%s'", folder);
  if (system (other) != 0)
    tap_note ("could not remove %s", folder);
  return tap_done ();
}
