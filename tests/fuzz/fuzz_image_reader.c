/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: any bytes as a PNG or JPEG file given to the CLI's
 * reader must give an image or a clean error (under ASan/UBSan: no crash,
 * leak or undefined behaviour).  Images over a megapixel are refused
 * before they are decoded, so a header may claim any size. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_file.h"
#include "image_io.h"

#define FUZZ_MAX_PIXELS ((size_t) 1 << 20)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char path[64];
  if (!fuzz_file_write (data, size, "image", path, sizeof path))
    return 0;

  ns_image image = { 0 };
  ns_error err;
  if (image_load_limited (path, FUZZ_MAX_PIXELS, &image, &err) == NS_OK)
    {
      /* the image is as large as it says: reading it all is in bounds */
      volatile float sum = 0.0f;
      for (size_t i = 0; i < (size_t) image.width * image.height * image.channels; i++)
        sum += image.data[i];
      ns_image_clear (&image);
    }
  unlink (path);
  return 0;
}
