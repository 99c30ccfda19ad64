/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "memory_budget.h"

#include <stdio.h>
#include <unistd.h>

#define DEFAULT_LIMIT_MIB 2048
/* Thread stacks, OpenBLAS's per-thread buffers, the heap's slack: the CLI's
 * peak resident memory at 20 MP exceeded the plan by about 100 MiB with the
 * weights' 80 MiB (docs/print-size.md). */
#define RUNTIME_RESERVE_MIB 64

/* MiB the system could give now without swapping, or 0 when unknown. */
static long long
available_mib (void)
{
  FILE *f = fopen ("/proc/meminfo", "r");
  long long kib = 0;
  if (f)
    {
      char line[256];
      while (fgets (line, sizeof line, f))
        if (sscanf (line, "MemAvailable: %lld kB", &kib) == 1)
          break;
      fclose (f);
    }
  if (kib > 0)
    return kib / 1024;
#ifdef _SC_AVPHYS_PAGES
  const long pages = sysconf (_SC_AVPHYS_PAGES), page = sysconf (_SC_PAGESIZE);
  if (pages > 0 && page > 0)
    return (long long) pages * page / 1048576;
#endif
  return 0;
}

int
ns_memory_default_limit (void)
{
  const long long half = available_mib () / 2;
  return half > 0 && half < DEFAULT_LIMIT_MIB ? (int) half : DEFAULT_LIMIT_MIB;
}

size_t
ns_memory_budget_bytes (const ns_params *params)
{
  const int mib = params->memory_limit > 0 ? params->memory_limit : ns_memory_default_limit ();
  return (size_t) mib << 20;
}

size_t
ns_memory_process_bytes (const ns_weights *weights)
{
  size_t floats = 0;
  for (int i = 0; i < weights->conv_count; i++)
    floats += (size_t) weights->conv[i].out_channels * (weights->conv[i].in_channels * 9 + 1);
  return sizeof (float) * floats + ((size_t) RUNTIME_RESERVE_MIB << 20);
}
