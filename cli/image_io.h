/* SPDX-License-Identifier: GPL-3.0-or-later */
/* PNG and JPEG files to and from the engine's float images, through libpng
 * and libjpeg, for the command-line front end and the tests. */
#ifndef IMAGE_IO_H
#define IMAGE_IO_H

#include "neural_style.h"

/* Loads a PNG or JPEG (chosen by its signature) as an RGB or RGBA float image;
 * grey images become RGB; 16-bit PNGs are read at 8 bits. */
ns_status image_load (const char *path, ns_image *image, ns_error *err);

/* Writes an 8-bit PNG (RGB or RGBA, as the image has). */
ns_status image_save_png (const char *path, const ns_image *image, ns_error *err);

#endif
