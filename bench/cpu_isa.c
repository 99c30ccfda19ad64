/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cpu-isa: prints the instruction set the engine's kernels run with here
 * (core/nn/cpu.c's choice, NEURAL_STYLE_ISA included), then the best one
 * this CPU has.  tools/cpu compiles it with cc alone, before any build. */
#include <stdio.h>

#include "cpu.h"

int
main (void)
{
  const ns_isa isa = ns_cpu_isa ();
  const ns_isa best = ns_cpu_limit_isa (NS_ISA_AVX512);
  printf ("%s %s\n", ns_cpu_isa_name (isa), ns_cpu_isa_name (best));
  return 0;
}
