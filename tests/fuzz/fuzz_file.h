/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The readers under fuzzing take a path: each input is written to a file of
 * this process's own (one per process, so parallel fuzzers do not meet). */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/* Writes data to /tmp/fuzz-KIND-PID into path (at least 64 bytes); 0 when
 * it cannot. */
static inline int
fuzz_file_write (const uint8_t *data, size_t size, const char *kind, char *path, size_t path_size)
{
  snprintf (path, path_size, "/tmp/fuzz-%s-%ld", kind, (long) getpid ());
  FILE *file = fopen (path, "wb");
  if (!file)
    return 0;
  const size_t written = fwrite (data, 1, size, file);
  return fclose (file) == 0 && written == size;
}

#endif
