#include "losses.h"

#include "gram.h"

double
content_loss (const float *features, const float *target, size_t count,
              double weight, float *grad)
{
  double sum = 0.0;

  #pragma omp parallel for reduction(+:sum) schedule(static)
  for (size_t i = 0; i < count; i++)
    {
      const double d = (double) features[i] - target[i];
      sum += d * d;
    }

  if (grad)
    {
      const float g = (float) (weight * 2.0 / (double) count);
      #pragma omp parallel for schedule(static)
      for (size_t i = 0; i < count; i++)
        grad[i] += g * (features[i] - target[i]);
    }
  return sum / (double) count;
}

void
style_gram (const float *features, int channels, size_t n, float *gram)
{
  gram_forward (features, channels, n, (float) (1.0 / ((double) channels * n)), gram);
}

double
style_loss (const float *features, int channels, size_t n,
            const float *target_gram, double weight,
            float *scratch, float *grad)
{
  const size_t entries = (size_t) channels * channels;
  double sum = 0.0;

  style_gram (features, channels, n, scratch);
  for (size_t i = 0; i < entries; i++)
    {
      const double d = (double) scratch[i] - target_gram[i];
      sum += d * d;
      /* keep dE/dG = 2 (G - A) / C^2 in scratch for the backward pass */
      scratch[i] = (float) (2.0 * d / (double) entries);
    }

  if (grad)
    gram_backward (features, channels, n,
                   (float) (weight / ((double) channels * n)), scratch, grad);
  return sum / (double) entries;
}
