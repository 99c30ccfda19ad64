/* libFuzzer target: any bytes as a weights file must give a clean load or a
 * clean error (under ASan/UBSan: no crash, leak or undefined behaviour). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "safetensors.h"
#include "vgg19_weights.h"

static char path[64];

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (!path[0])
    snprintf (path, sizeof path, "/tmp/fuzz-weights-%ld.safetensors", (long) getpid ());
  FILE *file = fopen (path, "wb");
  if (!file)
    return 0;
  fwrite (data, 1, size, file);
  fclose (file);

  /* the generic reader: every tensor as floats */
  safetensors_file st;
  if (safetensors_open (&st, path, NULL) == NS_OK)
    {
      for (size_t i = 0; i < st.tensor_count; i++)
        {
          const safetensors_tensor *t = &st.tensors[i];
          if (t->element_count > (1u << 20))
            continue;
          float *values = malloc (sizeof (float) * (t->element_count ? t->element_count : 1));
          if (values)
            safetensors_read_f32 (&st, t, values, t->element_count, NULL);
          free (values);
        }
      safetensors_close (&st);
    }

  /* the VGG19 loader, for the first two convolutions */
  vgg19_weights weights;
  ns_error err;
  if (vgg19_weights_load (&weights, path, 2, &err) == NS_OK)
    vgg19_weights_free (&weights);
  unlink (path);
  return 0;
}
