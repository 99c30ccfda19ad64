/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "losses.h"

#include "gram.h"

/* Fixed blocks summed in parallel, then in order: reproducible sums. */
#define SUM_BLOCKS 64

static double
sum_of_squared_differences (const float *a, const float *b, size_t count)
{
  double partial[SUM_BLOCKS];
  const size_t block = (count + SUM_BLOCKS - 1) / SUM_BLOCKS;

#pragma omp parallel for schedule(static)
  for (int k = 0; k < SUM_BLOCKS; k++)
    {
      const size_t begin = k * block < count ? k * block : count;
      const size_t end = begin + block < count ? begin + block : count;
      double s = 0.0;
      for (size_t i = begin; i < end; i++)
        {
          const double d = b ? (double) a[i] - b[i] : (double) a[i];
          s += d * d;
        }
      partial[k] = s;
    }
  double sum = 0.0;
  for (int k = 0; k < SUM_BLOCKS; k++)
    sum += partial[k];
  return sum;
}

double
ns_sum_of_squares (const float *a, size_t count)
{
  return sum_of_squared_differences (a, NULL, count);
}

double
ns_loss_normaliser (double squared_norm)
{
  return squared_norm > 0.0 ? 1.0 / squared_norm : 1.0;
}

double
ns_content_loss (const float *features, const float *target, size_t count, double normaliser,
                 double weight, float *grad)
{
  const double loss = normaliser * sum_of_squared_differences (features, target, count);
  if (grad)
    {
      const float g = (float) (2.0 * weight * normaliser);
#pragma omp parallel for schedule(static)
      for (size_t i = 0; i < count; i++)
        grad[i] += g * (features[i] - target[i]);
    }
  return loss;
}

double
ns_pixel_loss (const float *x, const float *target, const float *mask, size_t pixels, double weight,
               float *grad)
{
  double partial[SUM_BLOCKS];
  const size_t block = (pixels + SUM_BLOCKS - 1) / SUM_BLOCKS;
  const double scale = 1.0 / (3.0 * (double) pixels);
  const float g = (float) (2.0 * weight * scale);

#pragma omp parallel for schedule(static)
  for (int k = 0; k < SUM_BLOCKS; k++)
    {
      const size_t begin = k * block < pixels ? k * block : pixels;
      const size_t end = begin + block < pixels ? begin + block : pixels;
      double s = 0.0;
      for (int c = 0; c < 3; c++)
        for (size_t i = begin; i < end; i++)
          {
            const float m = mask ? mask[i] : 1.0f;
            const size_t at = (size_t) c * pixels + i;
            const float d = x[at] - target[at];
            s += (double) m * d * d;
            /* a masked-out pixel leaves its gradient as it is, bit for bit */
            if (grad && m != 0.0f)
              grad[at] += g * m * d;
          }
      partial[k] = s;
    }
  double sum = 0.0;
  for (int k = 0; k < SUM_BLOCKS; k++)
    sum += partial[k];
  return sum * scale;
}

void
ns_style_gram (const float *features, int channels, size_t n, float *gram)
{
  ns_gram_forward (features, channels, n, (float) (1.0 / ((double) channels * n)), gram);
}

double
ns_style_loss_of_gram (const float *gram, const float *target_gram, size_t entries,
                       double normaliser, float *dgram)
{
  const double loss = normaliser * sum_of_squared_differences (gram, target_gram, entries);
  if (dgram)
    {
      const float g = (float) (2.0 * normaliser);
      for (size_t i = 0; i < entries; i++)
        dgram[i] = g * (gram[i] - target_gram[i]);
    }
  return loss;
}

double
ns_style_loss (const float *features, int channels, size_t n, const float *target_gram,
               double normaliser, double weight, float *scratch, float *grad)
{
  const size_t entries = (size_t) channels * channels;

  ns_style_gram (features, channels, n, scratch);
  const double loss = normaliser * sum_of_squared_differences (scratch, target_gram, entries);
  if (grad)
    {
      /* dE/dG = 2 normaliser (G - A), kept in scratch for the backward pass */
      const float g = (float) (2.0 * normaliser);
      for (size_t i = 0; i < entries; i++)
        scratch[i] = g * (scratch[i] - target_gram[i]);
      ns_gram_backward (features, channels, n, (float) (weight / ((double) channels * n)), scratch,
                        grad);
    }
  return loss;
}
