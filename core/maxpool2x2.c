#include "maxpool2x2.h"

#include <stddef.h>
#include <string.h>

/* Index (0..3) of the first maximum of a 2x2 window, row-major, so that the
 * backward pass sends the gradient where the forward pass took the value. */
static int
window_argmax (const float *top, const float *bottom)
{
  int best = 0;
  float value = top[0];
  if (top[1] > value) { value = top[1]; best = 1; }
  if (bottom[0] > value) { value = bottom[0]; best = 2; }
  if (bottom[1] > value) { best = 3; }
  return best;
}

void
maxpool2x2_forward (const float *in, int channels, int height, int width, float *out)
{
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
            if (t[1] > m) m = t[1];
            if (b[0] > m) m = b[0];
            if (b[1] > m) m = b[1];
            o[x] = m;
          }
      }
}

void
maxpool2x2_backward (const float *in, int channels, int height, int width,
                     const float *grad_out, float *grad_in)
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
maxpool2x2_forward_mask (const float *in, int channels, int height, int width,
                         float *out, uint64_t *mask)
{
  const int oh = height / 2, ow = width / 2;
  const size_t words = maxpool2x2_mask_words (width);

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

void
maxpool2x2_backward_mask (const uint64_t *mask, int channels, int height, int width,
                          const float *grad_out, float *grad_in)
{
  const int oh = height / 2, ow = width / 2;
  const size_t words = maxpool2x2_mask_words (width);

  #pragma omp parallel for schedule(static)
  for (int c = 0; c < channels; c++)
    for (int y = 0; y < height; y++)
      {
        float *gi = grad_in + ((size_t) c * height + y) * width;
        if (y >= 2 * oh)
          {
            memset (gi, 0, sizeof (float) * width);
            continue;
          }
        const uint64_t *m = mask + ((size_t) c * height + y) * words;
        const float *g = grad_out + ((size_t) c * oh + y / 2) * ow;
        for (size_t k = 0; k < words; k++)
          {
            const int x0 = (int) k * 64, n = width - x0 < 64 ? width - x0 : 64;
            const uint64_t bits = m[k];
            if (!bits)
              memset (gi + x0, 0, sizeof (float) * n);
            else
              for (int x = 0; x < n; x++)
                gi[x0 + x] = (bits >> x) & 1 ? g[(x0 + x) / 2] : 0.0f;
          }
      }
}
