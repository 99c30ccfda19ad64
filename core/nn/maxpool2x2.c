/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "maxpool2x2.h"

#include "ns_assert.h"

#include "cpu.h"

#include <stddef.h>
#include <string.h>

/* Index (0..3) of the first maximum of a 2x2 window, row-major, so that the
 * backward pass sends the gradient where the forward pass took the value. */
static int
window_argmax (const float *top, const float *bottom)
{
  int best = 0;
  float value = top[0];
  if (top[1] > value)
    {
      value = top[1];
      best = 1;
    }
  if (bottom[0] > value)
    {
      value = bottom[0];
      best = 2;
    }
  if (bottom[1] > value)
    {
      best = 3;
    }
  return best;
}

void
ns_maxpool2x2_forward (const float *in, int channels, int height, int width, float *out)
{
  NS_ASSERT (in && out && channels > 0);
  const int oh = height / 2, ow = width / 2;

#pragma omp parallel for schedule(static)
  for (int c = 0; c < channels; c++)
    for (int y = 0; y < oh; y++)
      {
        const float *top = in + ((size_t) c * height + 2 * y) * width;
        const float *bottom = top + width;
        float *o = out + ((size_t) c * oh + y) * ow;
        for (int x = 0; x < ow; x++)
          {
            const float *t = top + 2 * x, *b = bottom + 2 * x;
            float m = t[0];
            if (t[1] > m)
              m = t[1];
            if (b[0] > m)
              m = b[0];
            if (b[1] > m)
              m = b[1];
            o[x] = m;
          }
      }
}

void
ns_maxpool2x2_backward (const float *in, int channels, int height, int width, const float *grad_out,
                        float *grad_in)
{
  const int oh = height / 2, ow = width / 2;

#pragma omp parallel for schedule(static)
  for (int c = 0; c < channels; c++)
    {
      float *gplane = grad_in + (size_t) c * height * width;
      memset (gplane, 0, sizeof (float) * (size_t) height * width);
      for (int y = 0; y < oh; y++)
        {
          const float *top = in + ((size_t) c * height + 2 * y) * width;
          const float *g = grad_out + ((size_t) c * oh + y) * ow;
          float *gtop = gplane + (size_t) 2 * y * width;
          for (int x = 0; x < ow; x++)
            {
              const int k = window_argmax (top + 2 * x, top + width + 2 * x);
              gtop[(k >> 1) * width + 2 * x + (k & 1)] = g[x];
            }
        }
    }
}

void
ns_maxpool2x2_forward_mask (const float *in, int channels, int height, int width, float *out,
                            uint64_t *mask)
{
  const int oh = height / 2, ow = width / 2;
  const size_t words = ns_maxpool2x2_mask_words (width);

#pragma omp parallel for schedule(static)
  for (int c = 0; c < channels; c++)
    {
      uint64_t *m = mask + (size_t) c * height * words;
      memset (m, 0, sizeof (uint64_t) * (size_t) height * words);
      for (int y = 0; y < oh; y++)
        {
          const float *top = in + ((size_t) c * height + 2 * y) * width;
          uint64_t *mtop = m + (size_t) 2 * y * words;
          float *o = out + ((size_t) c * oh + y) * ow;
          for (int x = 0; x < ow; x++)
            {
              const float *t = top + 2 * x, *b = t + width;
              const int k = window_argmax (t, b);
              const float v = k < 2 ? t[k] : b[k - 2];
              o[x] = v;
              if (v > 0.0f)
                {
                  const size_t bit = (size_t) 2 * x + (k & 1);
                  mtop[(k >> 1) * words + bit / 64] |= (uint64_t) 1 << (bit % 64);
                }
            }
        }
    }
}

/* One row of ns_maxpool2x2_backward_mask: gi[x] = g[x / 2] where bit x of
 * the mask row m is set, else 0, for x < width (2 * half_width <= width).
 * 16-lane GCC vectors, built for AVX-512 and AVX2 too where GCC can (the
 * pass writes every value of a feature map: a twentieth of the backward
 * pass, scalar), chosen by the CPU dispatch (cpu.h). */
static inline __attribute__ ((always_inline)) void
expand_masked_row_body (const uint64_t *m, const float *g, int half_width, int width, float *gi)
{
  typedef float v16 __attribute__ ((vector_size (64)));
  typedef float v16u __attribute__ ((vector_size (64), aligned (4), may_alias));
  int x = 0;
  /* 16 outputs from 8 inputs; a 16-float load, so only while 16 inputs exist */
  for (; x + 16 <= width && x / 2 + 16 <= half_width; x += 16)
    {
      const v16 v = *(const v16u *) (g + x / 2);
      const v16 twice = __builtin_shufflevector (v, v, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7,
                                                 7);
      ns_maxpool2x2_mask_lanes on;
      ns_maxpool2x2_lanes_of_bits ((int) ((m[x / 64] >> (x % 64)) & 0xffff), &on);
      *(v16u *) (gi + x) = (v16) ((ns_maxpool2x2_mask_lanes) twice & on);
    }
  for (; x < width; x++)
    gi[x] = x / 2 < half_width && ((m[x / 64] >> (x % 64)) & 1) ? g[x / 2] : 0.0f;
}

typedef void (*expand_masked_row_fn) (const uint64_t *, const float *, int, int, float *);

#define EXPAND_MASKED_ROW_VARIANT(suffix, target)                                      \
  target static void expand_masked_row_##suffix (const uint64_t *m, const float *g,    \
                                                 int half_width, int width, float *gi) \
  {                                                                                    \
    expand_masked_row_body (m, g, half_width, width, gi);                              \
  }

#ifdef NS_CPU_X86
EXPAND_MASKED_ROW_VARIANT (avx512, NS_TARGET_AVX512)
EXPAND_MASKED_ROW_VARIANT (avx2, NS_TARGET_AVX2)
#endif
EXPAND_MASKED_ROW_VARIANT (generic, )

static expand_masked_row_fn
expand_masked_row_kernel (void)
{
  return NS_CPU_PICK (expand_masked_row_avx512, expand_masked_row_avx2, expand_masked_row_generic);
}

void
ns_maxpool2x2_backward_mask (const uint64_t *mask, int channels, int height, int width,
                             const float *grad_out, float *grad_in)
{
  const int oh = height / 2, ow = width / 2;
  const size_t words = ns_maxpool2x2_mask_words (width);
  const expand_masked_row_fn expand_masked_row = expand_masked_row_kernel ();

#pragma omp parallel for schedule(static)
  for (int c = 0; c < channels; c++)
    for (int y = 0; y < height; y++)
      {
        float *gi = grad_in + ((size_t) c * height + y) * width;
        if (y >= 2 * oh)
          memset (gi, 0, sizeof (float) * width);
        else
          expand_masked_row (mask + ((size_t) c * height + y) * words,
                             grad_out + ((size_t) c * oh + y / 2) * ow, ow, width, gi);
      }
}
