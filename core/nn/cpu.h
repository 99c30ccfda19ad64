/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one CPU dispatch of the kernels: the instruction set every kernel
 * family (Winograd, Gram, pooling and ReLU masks) runs with, decided once
 * from the CPU (cpuid) and NEURAL_STYLE_ISA, which may force a lesser one
 * ("avx512", "avx2" or "generic"), for tests.
 *
 * A kernel compiled for several sets takes each variant's vectors through
 * pointers or always-inline helpers, never by value across functions of
 * different target attributes (see core/meson.build's -Werror=psabi).
 * clang builds (the fuzzer) have the generic kernels only. */
#ifndef NS_CPU_H
#define NS_CPU_H

/* Ordered: a set runs the kernels of every lesser one. */
typedef enum
{
  NS_ISA_GENERIC = 0,
  NS_ISA_AVX2 = 1,  /* AVX2 + FMA */
  NS_ISA_AVX512 = 2 /* AVX-512 F, DQ, VL, BW */
} ns_isa;

/* Whether this build has the x86 variants (GCC on x86). */
#if defined(__GNUC__) && !defined(__clang__) && (defined(__x86_64__) || defined(__i386__))
#define NS_CPU_X86 1
#endif

/* The target attributes of a kernel's x86 variants (after NS_CPU_X86). */
#define NS_TARGET_AVX512 __attribute__ ((target ("avx512f,avx2,fma")))
#define NS_TARGET_AVX2 __attribute__ ((target ("avx2,fma")))

/* The variant of a kernel for the instruction set the kernels run with;
 * builds without NS_CPU_X86 name only the generic one. */
#ifdef NS_CPU_X86
#define NS_CPU_PICK(avx512, avx2, generic) \
  (ns_cpu_isa () == NS_ISA_AVX512 ? (avx512) : ns_cpu_isa () == NS_ISA_AVX2 ? (avx2) : (generic))
#else
#define NS_CPU_PICK(avx512, avx2, generic) (generic)
#endif

/* The instruction set the kernels run with. */
ns_isa ns_cpu_isa (void);

/* "avx512", "avx2", "generic". */
const char *ns_cpu_isa_name (ns_isa isa);

/* For tests: from now on the kernels run with the best set this CPU has
 * that is no better than wanted; returns it. */
ns_isa ns_cpu_limit_isa (ns_isa wanted);

#endif
