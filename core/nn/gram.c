/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "gram.h"

#include "ns_assert.h"

#include <cblas.h>
#include <omp.h>
#include <string.h>

#include "cpu.h"

/* Gram matrices and their gradient with our own vector kernels, faster
 * than OpenBLAS's ssyrk and ssymm where it runs AVX2 kernels on AVX-512
 * CPUs (docs/performance.md).
 * The kernels are written once for 16-lane GCC vectors and compiled for
 * AVX-512, AVX2 and the baseline, chosen by the CPU at run time. */

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast")
#endif

typedef float gram_vf __attribute__ ((vector_size (64)));
typedef float gram_vfu __attribute__ ((vector_size (64), aligned (4), may_alias));
#define GRAM_VL 16
#define GRAM_LOAD(p) (*(const gram_vfu *) (p))
#define GRAM_STORE(p, v) (*(gram_vfu *) (p) = (v))

/* Floats of all rows taken at a time in the forward pass: the chunk
 * (2 MiB) stays in the cache while every block pair goes through it;
 * shorter chunks spend more on their horizontal sums. */
#define GRAM_CHUNK_FLOATS ((size_t) 512 << 10)
/* Above this many channels ssyrk was as fast as gram_forward_body (whose
 * horizontal sums per chunk then weigh). */
#define GRAM_OWN_FORWARD_CHANNELS 256
/* Output rows and tile vectors of the backward kernel's register block. */
#define GRAM_ROWS 8
#define GRAM_VECTORS 3

/* Through a pointer and always inlined: a 64-byte vector passed by value
 * between a target("avx512f") caller and a baseline callee (as at -O0,
 * where nothing else is inlined) is passed differently by the two sides. */
static inline __attribute__ ((always_inline)) float
gram_sum (const gram_vf *v)
{
  float s = 0.0f;
  for (int l = 0; l < GRAM_VL; l++)
    s += (*v)[l];
  return s;
}

/* gram[i][j] += sum over p in [0, n) of F[i][p] F[j][p], for the 4 x 4
 * blocks (i, j) of pairs [pair0, pair1) of the upper triangle's blocks
 * (row by row); channels a multiple of 4.  Pixels go in chunks, each chunk
 * through all the pairs, and are summed per chunk, then into gram. */
static inline __attribute__ ((always_inline)) void
gram_forward_body (const float *f, int channels, size_t n, int pair0, int pair1, float *gram)
{
  const int blocks = channels / 4;
  const size_t chunk = GRAM_CHUNK_FLOATS / channels / GRAM_VL * GRAM_VL;
  for (size_t c0 = 0; c0 < n; c0 += chunk)
    {
      const size_t c1 = c0 + chunk < n ? c0 + chunk : n;
      const size_t vec_end = c0 + (c1 - c0) / GRAM_VL * GRAM_VL;
      int bi = 0, bj = 0, pair = 0;
      /* the block pair numbered pair0 */
      while (pair + (blocks - bi) <= pair0)
        pair += blocks - bi++;
      bj = bi + (pair0 - pair);
      for (pair = pair0; pair < pair1; pair++)
        {
          gram_vf acc[4][4];
          for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
              acc[a][b] = (gram_vf) { 0 };
          const float *fi = f + (size_t) 4 * bi * n, *fj = f + (size_t) 4 * bj * n;
          for (size_t p = c0; p < vec_end; p += GRAM_VL)
            {
              gram_vf x[4], y[4];
              for (int a = 0; a < 4; a++)
                {
                  x[a] = GRAM_LOAD (fi + (size_t) a * n + p);
                  y[a] = GRAM_LOAD (fj + (size_t) a * n + p);
                }
              for (int a = 0; a < 4; a++)
                for (int b = 0; b < 4; b++)
                  acc[a][b] += x[a] * y[b];
            }
          for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
              {
                float s = gram_sum (&acc[a][b]);
                for (size_t p = vec_end; p < c1; p++)
                  s += fi[(size_t) a * n + p] * fj[(size_t) b * n + p];
                gram[(size_t) (4 * bi + a) * channels + 4 * bj + b] += s;
              }
          if (++bj == blocks)
            bj = ++bi;
        }
    }
}

/* grad[i][p] += scale * sum_j h[i][j] F[j][p] for p in [p0, p1). */
static inline __attribute__ ((always_inline)) void
gram_backward_body (const float *f, int channels, size_t n, const float *h, float scale,
                    float *grad, size_t p0, size_t p1)
{
  const size_t span = GRAM_VECTORS * GRAM_VL;
  const size_t vec_end = p0 + (p1 - p0) / span * span;
  /* pixels outer: a span of F's columns stays in the level-1 cache while
   * every block of output rows reads it */
  for (size_t p = p0; p < vec_end; p += span)
    for (int i0 = 0; i0 < channels; i0 += GRAM_ROWS)
      {
        const int rows = channels - i0 < GRAM_ROWS ? channels - i0 : GRAM_ROWS;
        gram_vf acc[GRAM_ROWS][GRAM_VECTORS];
        for (int r = 0; r < GRAM_ROWS; r++)
          for (int u = 0; u < GRAM_VECTORS; u++)
            acc[r][u] = (gram_vf) { 0 };
        for (int j = 0; j < channels; j++)
          {
            gram_vf x[GRAM_VECTORS];
            for (int u = 0; u < GRAM_VECTORS; u++)
              x[u] = GRAM_LOAD (f + (size_t) j * n + p + u * GRAM_VL);
            for (int r = 0; r < GRAM_ROWS; r++)
              {
                /* rows past the last compute row i0's again, unstored */
                const float s = h[(size_t) (i0 + (r < rows ? r : 0)) * channels + j];
                for (int u = 0; u < GRAM_VECTORS; u++)
                  acc[r][u] += s * x[u];
              }
          }
        for (int r = 0; r < rows; r++)
          for (int u = 0; u < GRAM_VECTORS; u++)
            {
              float *g = grad + (size_t) (i0 + r) * n + p + u * GRAM_VL;
              GRAM_STORE (g, GRAM_LOAD (g) + scale * acc[r][u]);
            }
      }
  for (int i = 0; i < channels; i++)
    for (size_t p = vec_end; p < p1; p++)
      {
        float s = 0.0f;
        for (int j = 0; j < channels; j++)
          s += h[(size_t) i * channels + j] * f[(size_t) j * n + p];
        grad[(size_t) i * n + p] += scale * s;
      }
}

typedef void (*gram_forward_fn) (const float *, int, size_t, int, int, float *);
typedef void (*gram_backward_fn) (const float *, int, size_t, const float *, float, float *, size_t,
                                  size_t);

#define GRAM_VARIANTS(suffix, target)                                                                \
  target static void gram_forward_##suffix (const float *f, int channels, size_t n, int pair0,       \
                                            int pair1, float *gram)                                  \
  {                                                                                                  \
    gram_forward_body (f, channels, n, pair0, pair1, gram);                                          \
  }                                                                                                  \
  target static void gram_backward_##suffix (const float *f, int channels, size_t n, const float *h, \
                                             float scale, float *grad, size_t p0, size_t p1)         \
  {                                                                                                  \
    gram_backward_body (f, channels, n, h, scale, grad, p0, p1);                                     \
  }

#ifdef NS_CPU_X86
GRAM_VARIANTS (avx512, NS_TARGET_AVX512)
GRAM_VARIANTS (avx2, NS_TARGET_AVX2)
#endif
GRAM_VARIANTS (generic, )

/* The instruction set of the one CPU dispatch (cpu.h). */
static void
gram_kernels (gram_forward_fn *forward, gram_backward_fn *backward)
{
  *forward = NS_CPU_PICK (gram_forward_avx512, gram_forward_avx2, gram_forward_generic);
  *backward = NS_CPU_PICK (gram_backward_avx512, gram_backward_avx2, gram_backward_generic);
}

/* Splits [0, n) into `parts` ranges, each a multiple of `unit` but the last. */
static void
gram_range (size_t n, int parts, int part, size_t unit, size_t *p0, size_t *p1)
{
  const size_t units = (n + unit - 1) / unit;
  const size_t begin = units * part / parts * unit, end = units * (part + 1) / parts * unit;
  *p0 = begin < n ? begin : n;
  *p1 = end < n ? end : n;
}

void
ns_gram_forward (const float *features, int channels, size_t n, float scale, float *gram)
{
  NS_ASSERT (features && gram && channels > 0);
  if (channels % 4 != 0 || channels > GRAM_OWN_FORWARD_CHANNELS)
    {
      cblas_ssyrk (CblasRowMajor, CblasUpper, CblasNoTrans, channels, (int) n, scale, features,
                   (int) n, 0.0f, gram, channels);
      for (int i = 0; i < channels; i++)
        for (int j = 0; j < i; j++)
          gram[(size_t) i * channels + j] = gram[(size_t) j * channels + i];
      return;
    }
  gram_forward_fn forward;
  gram_backward_fn backward;
  gram_kernels (&forward, &backward);
  const int blocks = channels / 4, pairs = blocks * (blocks + 1) / 2;
  memset (gram, 0, sizeof (float) * channels * channels);
/* each entry is summed by one thread in one order: the same result for
 * any thread count */
#pragma omp parallel
  {
    const int parts = omp_get_num_threads (), t = omp_get_thread_num ();
    forward (features, channels, n, (int) ((long) pairs * t / parts),
             (int) ((long) pairs * (t + 1) / parts), gram);
  }
  for (int i = 0; i < channels; i++)
    for (int j = i; j < channels; j++)
      gram[(size_t) i * channels + j] = gram[(size_t) j * channels + i] =
          scale * gram[(size_t) i * channels + j];
}

void
ns_gram_backward (const float *features, int channels, size_t n, float scale,
                  const float *grad_gram, float *grad_features)
{
  NS_ASSERT (features && grad_gram && grad_features && channels > 0);
  gram_forward_fn forward;
  gram_backward_fn backward;
  gram_kernels (&forward, &backward);
#pragma omp parallel
  {
    size_t p0, p1;
    gram_range (n, omp_get_num_threads (), omp_get_thread_num (), GRAM_VECTORS * GRAM_VL, &p0, &p1);
    backward (features, channels, n, grad_gram, 2.0f * scale, grad_features, p0, p1);
  }
}
