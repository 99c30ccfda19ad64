/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: any bytes as a weights file must give a clean load or a
 * clean error (under ASan/UBSan: no crash, leak or undefined behaviour). */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz_file.h"
#include "safetensors.h"
#include "ns_weights.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char path[64];
  if (!fuzz_file_write (data, size, "weights", path, sizeof path))
    return 0;

  /* the generic reader: every tensor as floats */
  ns_safetensors_file st;
  if (ns_safetensors_open (&st, path, NULL) == NS_OK)
    {
      for (size_t i = 0; i < st.tensor_count; i++)
        {
          const ns_safetensors_tensor *t = &st.tensors[i];
          if (t->element_count > (1u << 20))
            continue;
          float *values = malloc (sizeof (float) * (t->element_count ? t->element_count : 1));
          if (values)
            ns_safetensors_read_f32 (&st, t, values, t->element_count, NULL);
          free (values);
        }
      ns_safetensors_close (&st);
    }

  /* the VGG19 loader, for the first two convolutions */
  ns_weights weights;
  ns_error err;
  if (ns_weights_load (&weights, path, 2, &err) == NS_OK)
    ns_weights_clear (&weights);
  unlink (path);
  return 0;
}
