#include "gram.h"

#include <cblas.h>

void
gram_forward (const float *features, int channels, size_t n, float scale, float *gram)
{
  /* ssyrk computes one triangle at half sgemm's cost; mirror it after. */
  cblas_ssyrk (CblasRowMajor, CblasUpper, CblasNoTrans, channels, (int) n,
               scale, features, (int) n, 0.0f, gram, channels);
  for (int i = 0; i < channels; i++)
    for (int j = 0; j < i; j++)
      gram[(size_t) i * channels + j] = gram[(size_t) j * channels + i];
}

void
gram_backward (const float *features, int channels, size_t n, float scale,
               const float *grad_gram, float *grad_features)
{
  cblas_ssymm (CblasRowMajor, CblasLeft, CblasUpper, channels, (int) n,
               2.0f * scale, grad_gram, channels, features, (int) n,
               1.0f, grad_features, (int) n);
}
