/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "winograd.h"

#include "ns_assert.h"

#include "cpu.h"

#include <omp.h>
#include <stdint.h>
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

/* Preferred transformed input + output of a block, in floats: large enough
 * that the transformed weights are streamed a few times per layer only. */
#define WINOGRAD_BLOCK_BUDGET_FLOATS ((size_t) 3 << 20)

typedef struct
{
  const float *in, *gate; /* n_in x H x W; gate (or NULL): ReLU output gating in */
  int n_in, n_out, height, width;
  const float *u; /* P x (forward) out x in, in panels (winograd_panel_index) */
  const float *bias;
  int relu, reversed; /* reversed: the input gradient of the forward conv */
  float *out;         /* n_out x H x W, or NULL */
  float *pooled;      /* or NULL: n_out x H/2 x W/2, the 2x2 max pool of out */
  uint64_t *mask;     /* or NULL: a bit per value of out (see ns_winograd_conv_forward_masked) */
  float *scratch;
  int block_rows, threads;
} winograd_job;

/* The transformed weights U_xi (rows: the forward convolution's output
 * channels, columns: its input channels) are stored in panels of
 * WINOGRAD_PANEL rows, each column by column (the rows rounded up to whole
 * panels with zeros): the forward GEMM's micro-kernel reads them in that
 * order, one stream, and the backward GEMM, which needs U_xi transposed,
 * reads a panel's WINOGRAD_PANEL x WINOGRAD_PANEL blocks, contiguous too.
 * (With U row-major, the backward GEMM read a cache line per value pair at
 * the stride of a row.) */
#define WINOGRAD_PANEL 8

/* The micro-kernel sums the channels in runs of this many (a multiple of
 * WINOGRAD_PANEL) and adds the runs' sums: one running sum over 256 or 512
 * channels lost twice PyTorch's accuracy by conv5_4 (docs/performance.md). */
#define WINOGRAD_SUM_RUN 64

static inline size_t
winograd_panel_index (int columns, int row, int column)
{
  return (size_t) (row / WINOGRAD_PANEL) * WINOGRAD_PANEL * columns +
         (size_t) column * WINOGRAD_PANEL + row % WINOGRAD_PANEL;
}

static inline int
winograd_panel_rows (int rows)
{
  return (rows + WINOGRAD_PANEL - 1) / WINOGRAD_PANEL * WINOGRAD_PANEL;
}

/* Floats of one row of a block's transformed tiles (tile count, rounded up
 * to whole vectors, plus one vector of slack for the last row's spill). */
static size_t
winograd_block_stride (int block_rows, int tiles_x)
{
  return ((size_t) block_rows * tiles_x + 15) / 16 * 16 + 16;
}

/* Floats between the matrices of a block: at least `floats`, and 448 bytes
 * past a multiple of 4 KiB, so that the streams of stores of a transform
 * spread over the cache sets instead of evicting one another. */
static size_t
winograd_plane_stride (size_t floats)
{
  return floats + (112 + 1024 - floats % 1024) % 1024;
}

/* Floats of one phase of a phase-split input row. */
static int
winograd_phase_row (int tiles_x)
{
  return (tiles_x + 15) / 16 * 16 + 32;
}

/* The x86 variants need GCC's `#pragma GCC target`; clang (the fuzzing
 * build) gets the generic vector width only. */
#ifdef NS_CPU_X86
#define WINOGRAD_X86 1
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")
#pragma GCC optimize("fp-contract=fast")
#define WG_VL 16
#define WG_R 8
#define WG_SUFFIX _avx512
#include "winograd_isa.h"
#undef WG_VL
#undef WG_R
#undef WG_SUFFIX
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,fma")
#pragma GCC optimize("fp-contract=fast")
#define WG_VL 8
#define WG_R 4
#define WG_SUFFIX _avx2
#include "winograd_isa.h"
#undef WG_VL
#undef WG_R
#undef WG_SUFFIX
#pragma GCC pop_options
#endif

#define WG_VL 4
#define WG_R 4
#define WG_SUFFIX _generic
#include "winograd_isa.h"
#undef WG_VL
#undef WG_R
#undef WG_SUFFIX

typedef void (*winograd_conv_fn) (const winograd_job *job);
typedef void (*winograd_weights_fn) (const float *weight, int out_channels, int in_channels,
                                     float *u);

typedef struct
{
  const char *name;
  winograd_conv_fn conv[2]; /* tile 2, tile 4 */
  winograd_weights_fn weights[2];
} winograd_kernel_set;

static const winograd_kernel_set *
winograd_kernels (void)
{
#ifdef WINOGRAD_X86
  static const winograd_kernel_set avx512 = { "avx512",
                                              { conv_avx512_m2, conv_avx512_m4 },
                                              { transform_weights_avx512_m2,
                                                transform_weights_avx512_m4 } };
  static const winograd_kernel_set avx2 = {
    "avx2", { conv_avx2_m2, conv_avx2_m4 }, { transform_weights_avx2_m2, transform_weights_avx2_m4 }
  };
#endif
  static const winograd_kernel_set generic = { "generic",
                                               { conv_generic_m2, conv_generic_m4 },
                                               { transform_weights_generic_m2,
                                                 transform_weights_generic_m4 } };
  switch (ns_cpu_isa ())
    {
#ifdef WINOGRAD_X86
    case NS_ISA_AVX512:
      return &avx512;
    case NS_ISA_AVX2:
      return &avx2;
#endif
    default:
      return &generic;
    }
}

size_t
ns_winograd_weight_floats (int tile, int in_channels, int out_channels)
{
  return (size_t) (tile + 2) * (tile + 2) * in_channels * winograd_panel_rows (out_channels);
}

void
ns_winograd_transform_weights (int tile, const float *weight, int out_channels, int in_channels,
                               float *u)
{
  winograd_kernels ()->weights[tile == 4](weight, out_channels, in_channels, u);
}

int
ns_winograd_block_rows (int tile, int in_channels, int out_channels, int height, int width)
{
  const int tiles_x = (width + tile - 1) / tile, tiles_y = (height + tile - 1) / tile;
  const size_t per_row = (size_t) (tile + 2) * (tile + 2) * (in_channels + out_channels) * tiles_x;
  int rows = (int) (WINOGRAD_BLOCK_BUDGET_FLOATS / per_row);
  if (rows < 1)
    rows = 1;
  if (rows > tiles_y)
    rows = tiles_y;
  /* as even blocks as that many allow */
  const int blocks = (tiles_y + rows - 1) / rows;
  return (tiles_y + blocks - 1) / blocks;
}

size_t
ns_winograd_scratch_floats (int tile, int in_channels, int out_channels, int height, int width,
                            int block_rows, int threads)
{
  const int tiles_x = (width + tile - 1) / tile;
  const size_t points = (size_t) (tile + 2) * (tile + 2);
  const size_t tp = winograd_block_stride (block_rows, tiles_x);
  (void) height;
  return points * (winograd_plane_stride ((size_t) in_channels * tp) +
                   winograd_plane_stride ((size_t) out_channels * tp)) +
         (size_t) (in_channels > out_channels ? in_channels : out_channels) * width +
         (size_t) threads * (tile + 2 + 1) * tile * winograd_phase_row (tiles_x);
}

static void
winograd_run (int tile, winograd_job *job, size_t scratch_floats)
{
  const int tiles_y = (job->height + tile - 1) / tile;
  /* the largest block the scratch holds, up to the preferred size */
  int threads = omp_get_max_threads ();
  int rows = ns_winograd_block_rows (tile, job->n_in, job->n_out, job->height, job->width);
  while (rows > 1 && ns_winograd_scratch_floats (tile, job->n_in, job->n_out, job->height,
                                                 job->width, rows, threads) > scratch_floats)
    rows--;
  while (threads > 1 && ns_winograd_scratch_floats (tile, job->n_in, job->n_out, job->height,
                                                    job->width, rows, threads) > scratch_floats)
    threads--;
  if (rows > tiles_y)
    rows = tiles_y;
  job->block_rows = rows;
  job->threads = threads;
  winograd_kernels ()->conv[tile == 4](job);
}

void
ns_winograd_conv_forward (int tile, const float *in, int in_channels, int height, int width,
                          const float *u, const float *bias, int out_channels, int relu, float *out,
                          float *scratch, size_t scratch_floats)
{
  NS_ASSERT ((tile == 2 || tile == 4) && in && u && out && scratch);
  winograd_job job = {
    .in = in,
    .n_in = in_channels,
    .n_out = out_channels,
    .height = height,
    .width = width,
    .u = u,
    .bias = bias,
    .relu = relu,
    .out = out,
    .scratch = scratch,
  };
  winograd_run (tile, &job, scratch_floats);
}

void
ns_winograd_conv_forward_masked (int tile, const float *in, int in_channels, int height, int width,
                                 const float *u, const float *bias, int out_channels, float *out,
                                 float *pooled, uint64_t *mask, float *scratch, size_t scratch_floats)
{
  winograd_job job = {
    .in = in,
    .n_in = in_channels,
    .n_out = out_channels,
    .height = height,
    .width = width,
    .u = u,
    .bias = bias,
    .relu = 1,
    .out = out,
    .pooled = pooled,
    .mask = mask,
    .scratch = scratch,
  };
  winograd_run (tile, &job, scratch_floats);
}

void
ns_winograd_conv_input_gradient (int tile, const float *grad_out, const float *relu_output,
                                 int out_channels, int height, int width, const float *u,
                                 int in_channels, float *grad_in, float *scratch,
                                 size_t scratch_floats)
{
  winograd_job job = {
    .in = grad_out,
    .gate = relu_output,
    .n_in = out_channels,
    .n_out = in_channels,
    .height = height,
    .width = width,
    .u = u,
    .reversed = 1,
    .out = grad_in,
    .scratch = scratch,
  };
  winograd_run (tile, &job, scratch_floats);
}
