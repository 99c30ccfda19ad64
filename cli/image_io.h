/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PNG and JPEG files to and from the engine's float images, through libpng
 * and libjpeg, for the command-line front end and the tests. */
#ifndef IMAGE_IO_H
#define IMAGE_IO_H

#include <stddef.h>

#include "neural_style.h"

/* The most pixels image_load reads: the engine's largest working size
 * squared. */
#define IMAGE_MAX_PIXELS ((size_t) NS_MAX_WORKING_SIZE * NS_MAX_WORKING_SIZE)

/* Loads a PNG or JPEG (chosen by its signature) as an RGB or RGBA float image;
 * grey images become RGB; 16-bit PNGs are read at 8 bits.  A file that is
 * cut short or whose data is corrupt is refused (NS_ERROR_FORMAT, naming
 * it), and so is one of more than IMAGE_MAX_PIXELS pixels. */
ns_status image_load (const char *path, ns_image *image, ns_error *err);

/* The same with another limit on the pixels. */
ns_status image_load_limited (const char *path, size_t max_pixels, ns_image *image, ns_error *err);

/* Loads a PNG or JPEG as a mask (one channel): its brightness (Rec. 601
 * luma), times its alpha when it has one; white is inside. */
ns_status image_load_mask (const char *path, ns_image *mask, ns_error *err);

/* Checks that image_save can write path, before a long run: that it is not
 * a folder, that its folder exists and that a file can be made there (one
 * is made and removed); a device or a pipe must be writable.  The message
 * names path and what is wrong. */
ns_status image_check_output (const char *path, ns_error *err);

/* Writes the image as an 8-bit JPEG (quality 95, without alpha) when path
 * ends in .jpg, .jpeg or .jpe, else as an 8-bit PNG (RGB or RGBA, as the
 * image has).  A file is written beside path (path.tmp-XXXXXX), flushed to
 * the disk and renamed over it: path is left as it was when the write
 * fails (a full disk), never half written.  A device or a pipe
 * (/dev/stdout) is written directly. */
ns_status image_save (const char *path, const ns_image *image, ns_error *err);

/* The same as a PNG, whatever path's name. */
ns_status image_save_png (const char *path, const ns_image *image, ns_error *err);

/* Writes the image to a new file neural-style-XXXXXX.png (or .jpg, as
 * image_save would write like) in $TMPDIR, else /tmp, named in written:
 * where a picture goes that could not be written where it was to go.
 * The message starts "nor in FOLDER". */
ns_status image_save_fallback (const char *like, const ns_image *image, char *written, size_t size,
                               ns_error *err);

#endif
