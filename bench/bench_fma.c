/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What one core's multiply-add instructions deliver, for the table of
 * docs/performance.md that the fast path's per-CPU choice rests on: float32
 * FMA at 256 and 512 bits, bfloat16 pair dot products into float32
 * (vdpbf16ps) and float16 FMA (vfmadd231ph), each the CPU has (cpuid), on
 * twelve independent accumulators so that throughput, not latency, is
 * timed.  Prints name=value lines: GMAC/s of each and its ratio to float32
 * at the widest width the CPU has.  A flag is not a speed: measure.
 *   bench-fma [--seconds S]   (about S per instruction, default 1) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#if defined(__x86_64__)
#include <immintrin.h>

/* Twelve accumulators, one instruction each per round. */
#define ROUND(OP)                                                                                    \
  __asm__ volatile (                                                                                 \
      OP " %[x], %[y], %[a0]\n\t" OP " %[x], %[y], %[a1]\n\t" OP " %[x], %[y], %[a2]\n\t" OP         \
         " %[x], %[y], %[a3]\n\t" OP " %[x], %[y], %[a4]\n\t" OP " %[x], %[y], %[a5]\n\t" OP         \
         " %[x], %[y], %[a6]\n\t" OP " %[x], %[y], %[a7]\n\t" OP " %[x], %[y], %[a8]\n\t" OP         \
         " %[x], %[y], %[a9]\n\t" OP " %[x], %[y], %[a10]\n\t" OP " %[x], %[y], %[a11]"              \
      : [a0] "+v"(a0), [a1] "+v"(a1), [a2] "+v"(a2), [a3] "+v"(a3), [a4] "+v"(a4), [a5] "+v"(a5),    \
        [a6] "+v"(a6), [a7] "+v"(a7), [a8] "+v"(a8), [a9] "+v"(a9), [a10] "+v"(a10), [a11] "+v"(a11) \
      : [x] "v"(x), [y] "v"(y))

#define RATE(NAME, TARGET, VEC, SET, OP, MACS)                                                    \
  __attribute__ ((target (TARGET))) static double NAME (long rounds)                              \
  {                                                                                               \
    VEC a0 = SET, a1 = SET, a2 = SET, a3 = SET, a4 = SET, a5 = SET, a6 = SET, a7 = SET, a8 = SET, \
        a9 = SET, a10 = SET, a11 = SET, x = SET, y = SET;                                         \
    const double start = now ();                                                                  \
    for (long r = 0; r < rounds; r++)                                                             \
      ROUND (OP);                                                                                 \
    const double seconds = now () - start;                                                        \
    volatile VEC keep = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;              \
    (void) keep;                                                                                  \
    return (double) rounds * 12 * (MACS) / seconds;                                               \
  }

/* Values that stay finite in every format: x * y == 0. */
RATE (rate_fp32_256, "avx2,fma", __m256, _mm256_setzero_ps (), "vfmadd231ps", 8)
RATE (rate_fp32_512, "avx512f", __m512, _mm512_setzero_ps (), "vfmadd231ps", 16)
RATE (rate_bf16_512, "avx512f,avx512bf16", __m512, _mm512_setzero_ps (), "vdpbf16ps", 32)
RATE (rate_fp16_512, "avx512f,avx512fp16", __m512, _mm512_setzero_ps (), "vfmadd231ph", 32)

typedef struct
{
  const char *name;        /* the name=value line's */
  const char *instruction; /* as the table names it */
  int available;
  double (*rate) (long rounds);
} fma_kind;

/* rounds for about seconds, scaled from the time of a short first try */
static double
measure (const fma_kind *kind, double seconds)
{
  const long first = 1 << 16;
  const double start = now ();
  kind->rate (first);
  const double elapsed = now () - start;
  const long rounds = (long) (first * (seconds / elapsed));
  return kind->rate (rounds > first ? rounds : first);
}

int
main (int argc, char **argv)
{
  double seconds = 1.0;
  if (argc == 3 && strcmp (argv[1], "--seconds") == 0)
    seconds = atof (argv[2]);
  else if (argc != 1)
    {
      fprintf (stderr, "usage: bench-fma [--seconds S]\n");
      return 2;
    }
  __builtin_cpu_init ();
  const fma_kind kinds[] = {
    { "fp32_256", "vfmadd231ps ymm (float32, AVX2)",
      __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"), rate_fp32_256 },
    { "fp32_512", "vfmadd231ps zmm (float32, AVX-512F)", __builtin_cpu_supports ("avx512f"),
      rate_fp32_512 },
    { "bf16_512", "vdpbf16ps zmm (bfloat16 pairs into float32, AVX512_BF16)",
      __builtin_cpu_supports ("avx512bf16"), rate_bf16_512 },
    { "fp16_512", "vfmadd231ph zmm (float16, AVX512_FP16)", __builtin_cpu_supports ("avx512fp16"),
      rate_fp16_512 },
  };
  const int count = (int) (sizeof kinds / sizeof kinds[0]);
  double gmacs[sizeof kinds / sizeof kinds[0]] = { 0 };
  double float32 = 0.0;
  for (int k = 0; k < count; k++)
    {
      if (!kinds[k].available)
        {
          printf ("%-60s not on this CPU\n", kinds[k].instruction);
          continue;
        }
      gmacs[k] = measure (&kinds[k], seconds) / 1e9;
      if (k < 2)
        float32 = gmacs[k];
      printf ("%-60s %7.1f GMAC/s, one core\n", kinds[k].instruction, gmacs[k]);
    }
  for (int k = 0; k < count; k++)
    if (kinds[k].available)
      printf ("%s_gmacs=%.1f\n%s_ratio=%.2f\n", kinds[k].name, gmacs[k], kinds[k].name,
              gmacs[k] / float32);
  return 0;
}
#else
int
main (void)
{
  printf ("bench-fma: measures x86-64 instructions only\n");
  return 0;
}
#endif
