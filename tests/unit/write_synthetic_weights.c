/* SPDX-License-Identifier: GPL-3.0-or-later */
/* write-synthetic-weights OUT: random VGG19 weights (synthetic_weights.h)
 * as a safetensors file, F16, for the tests that run the CLI without the
 * real weights. */
#include <stdio.h>
#include <string.h>

#include "safetensors.h"
#include "synthetic_weights.h"

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: write-synthetic-weights OUT.safetensors\n");
      return 2;
    }
  ns_weights weights;
  memset (&weights, 0, sizeof weights);
  ns_safetensors_output_tensor tensors[2 * NS_VGG19_CONV_COUNT];
  char names[2 * NS_VGG19_CONV_COUNT][32];
  ns_error err;
  int ok = synthetic_weights_make (&weights, NS_VGG19_CONV_COUNT, 7);
  for (int i = 0; ok && i < NS_VGG19_CONV_COUNT; i++)
    {
      const ns_conv_weights *conv = &weights.conv[i];
      const int index = ns_vgg19_conv_tensor_index (i);
      snprintf (names[2 * i], sizeof names[0], "features.%d.weight", index);
      snprintf (names[2 * i + 1], sizeof names[0], "features.%d.bias", index);
      tensors[2 * i] = (ns_safetensors_output_tensor) { names[2 * i],
                                                        SAFETENSORS_F16,
                                                        4,
                                                        { (uint64_t) conv->out_channels,
                                                          (uint64_t) conv->in_channels, 3, 3 },
                                                        conv->weight };
      tensors[2 * i + 1] = (ns_safetensors_output_tensor) {
        names[2 * i + 1], SAFETENSORS_F16, 1, { (uint64_t) conv->out_channels }, conv->bias
      };
    }
  if (!ok)
    fprintf (stderr, "write-synthetic-weights: out of memory\n");
  else if (ns_safetensors_write (argv[1], tensors, 2 * NS_VGG19_CONV_COUNT, NULL, 0, &err) != NS_OK)
    {
      fprintf (stderr, "write-synthetic-weights: %s\n", err.message);
      ok = 0;
    }
  ns_weights_clear (&weights);
  return ok ? 0 : 1;
}
