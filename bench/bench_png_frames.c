/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tools/bench-animation's frames as PNG, so that the paintings of them are
 * written losslessly and the steadiness measured is the painting's, not a
 * JPEG encoder's.
 *
 *   bench-png-frames OUT_DIR FRAME…
 *
 * writes each FRAME as OUT_DIR/NAME.png (NAME: its file name without the
 * extension). */
#include <stdio.h>
#include <string.h>

#include "image_io.h"
#include "neural_style.h"

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      fprintf (stderr, "usage: bench-png-frames OUT_DIR FRAME...\n");
      return 2;
    }
  for (int i = 2; i < argc; i++)
    {
      const char *slash = strrchr (argv[i], '/');
      const char *name = slash ? slash + 1 : argv[i];
      const char *dot = strrchr (name, '.');
      const int length = dot ? (int) (dot - name) : (int) strlen (name);
      char path[4096];
      if (snprintf (path, sizeof path, "%s/%.*s.png", argv[1], length, name) >= (int) sizeof path)
        {
          fprintf (stderr, "bench-png-frames: %s: the path is too long\n", argv[i]);
          return 1;
        }
      ns_image frame = { 0 };
      ns_error err = { 0 };
      if (image_load (argv[i], &frame, &err) != NS_OK || image_save (path, &frame, &err) != NS_OK)
        {
          fprintf (stderr, "bench-png-frames: %s: %s\n", argv[i], err.message);
          ns_image_clear (&frame);
          return 1;
        }
      ns_image_clear (&frame);
    }
  return 0;
}
