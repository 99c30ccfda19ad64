/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cpu.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* -1 until decided; racing first callers decide the same. */
static atomic_int current_isa = -1;

/* The best set this CPU runs (the build's, for clang: generic). */
static ns_isa
detected_isa (void)
{
#ifdef NS_CPU_X86
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512dq") &&
      __builtin_cpu_supports ("avx512vl") && __builtin_cpu_supports ("avx512bw"))
    return NS_ISA_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return NS_ISA_AVX2;
#endif
  return NS_ISA_GENERIC;
}

ns_isa
ns_cpu_limit_isa (ns_isa wanted)
{
  const ns_isa best = detected_isa ();
  const ns_isa isa = wanted < best ? wanted : best;
  atomic_store (&current_isa, (int) isa);
  return isa;
}

ns_isa
ns_cpu_isa (void)
{
  const int isa = atomic_load (&current_isa);
  if (isa >= 0)
    return (ns_isa) isa;
  /* NEURAL_STYLE_ISA=avx2 or generic: a lesser instruction set, for tests */
  const char *forced = getenv ("NEURAL_STYLE_ISA");
  ns_isa wanted = NS_ISA_GENERIC; /* for a value it does not know */
  if (!forced || strcmp (forced, "avx512") == 0)
    wanted = NS_ISA_AVX512;
  else if (strcmp (forced, "avx2") == 0)
    wanted = NS_ISA_AVX2;
  return ns_cpu_limit_isa (wanted);
}

const char *
ns_cpu_isa_name (ns_isa isa)
{
  switch (isa)
    {
    case NS_ISA_AVX512:
      return "avx512";
    case NS_ISA_AVX2:
      return "avx2";
    case NS_ISA_GENERIC:
      break;
    }
  return "generic";
}
