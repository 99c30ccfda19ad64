/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The vector code of winograd.c, written once for any vector width with GCC
 * vector extensions: winograd.c includes this file once per instruction set
 * (after `#pragma GCC target (…)`) with
 *   WG_VL      lanes of a vector (16: AVX-512, 8: AVX2, 4: generic)
 *   WG_R       rows (output channels) of the GEMM micro-kernel
 *   WG_SUFFIX  appended to every function name
 * and then winograd_tile.h once per tile size.  This part holds what does
 * not depend on the tile: vector types, shuffles, bit masks and the GEMM. */

#define WG_CAT2(a, b) a##b
#define WG_CAT(a, b) WG_CAT2 (a, b)
#define WG(name) WG_CAT (name, WG_SUFFIX)

#if WG_VL == 16
#define WG_LANE_LIST(F)                                                                         \
  F (0), F (1), F (2), F (3), F (4), F (5), F (6), F (7), F (8), F (9), F (10), F (11), F (12), \
      F (13), F (14), F (15)
#elif WG_VL == 8
#define WG_LANE_LIST(F) F (0), F (1), F (2), F (3), F (4), F (5), F (6), F (7)
#elif WG_VL == 4
#define WG_LANE_LIST(F) F (0), F (1), F (2), F (3)
#endif
/* Lane i of the result: element F(i) of a and b concatenated.  GCC's
 * __builtin_shuffle is the form tools/bench measured (docs/performance.md);
 * clang (the fuzzing build) has only __builtin_shufflevector. */
#if defined(__clang__)
#define WG_SHUFFLE(a, b, F) __builtin_shufflevector (a, b, WG_LANE_LIST (F))
#else
#define WG_SHUFFLE(a, b, F) __builtin_shuffle (a, b, (VI) { WG_LANE_LIST (F) })
#endif

typedef float WG (vf) __attribute__ ((vector_size (4 * WG_VL)));
typedef float WG (vfu) __attribute__ ((vector_size (4 * WG_VL), aligned (4), may_alias));
typedef int WG (vi) __attribute__ ((vector_size (4 * WG_VL)));

#define VF WG (vf)
#define VI WG (vi)
#define LOADU(p) (*(const WG (vfu) *) (p))
#define STOREU(p, v) (*(WG (vfu) *) (p) = (v))

/* Shuffle masks: lane i of the result is element mask[i] of the two
 * operands concatenated (0 … 2*VL-1). */
#define WG_EVEN(i) (2 * (i))
#define WG_ODD(i) (2 * (i) + 1)
#define WG_DEINT(p) (((p) < WG_VL / 2) ? 4 * (p) : 0)
#define WG_DEINT0(i) WG_DEINT (i)
#define WG_DEINT1(i) (WG_DEINT (i) + 1)
#define WG_DEINT2(i) (WG_DEINT (i) + 2)
#define WG_DEINT3(i) (WG_DEINT (i) + 3)
#define WG_JOIN(i) (((i) < WG_VL / 2) ? (i) : WG_VL + (i) - WG_VL / 2)
#define WG_PAIR_LO(i) ((((i) & 1) ? WG_VL : 0) + ((i) >> 1))
#define WG_PAIR_HI(i) (WG_PAIR_LO (i) + WG_VL / 2)
#define WG_QUAD_LO(i) (((((i) >> 1) & 1) ? WG_VL : 0) + 2 * ((i) >> 2) + ((i) & 1))
#define WG_QUAD_HI(i) (WG_QUAD_LO (i) + WG_VL / 2)

/* out[p][j] = src[2 j + p] for 2*VL floats of src. */
static inline __attribute__ ((always_inline)) void
WG (deinterleave2) (const float *src, VF out[2])
{
  const VF x0 = LOADU (src), x1 = LOADU (src + WG_VL);
  out[0] = WG_SHUFFLE (x0, x1, WG_EVEN);
  out[1] = WG_SHUFFLE (x0, x1, WG_ODD);
}

/* out[p][j] = src[4 j + p] for 4*VL floats of src. */
static inline __attribute__ ((always_inline)) void
WG (deinterleave4) (const float *src, VF out[4])
{
  const VF x0 = LOADU (src), x1 = LOADU (src + WG_VL);
  const VF x2 = LOADU (src + 2 * WG_VL), x3 = LOADU (src + 3 * WG_VL);
#define WG_DEINT_PHASE(p) \
  out[p] = WG_SHUFFLE (WG_SHUFFLE (x0, x1, WG_DEINT##p), WG_SHUFFLE (x2, x3, WG_DEINT##p), WG_JOIN)
  WG_DEINT_PHASE (0);
  WG_DEINT_PHASE (1);
  WG_DEINT_PHASE (2);
  WG_DEINT_PHASE (3);
#undef WG_DEINT_PHASE
}

/* The inverses: dst[2 j + p] = y[p][j], dst[4 j + p] = y[p][j]. */
static inline __attribute__ ((always_inline)) void
WG (interleave2) (const VF y[2], VF out[2])
{
  out[0] = WG_SHUFFLE (y[0], y[1], WG_PAIR_LO);
  out[1] = WG_SHUFFLE (y[0], y[1], WG_PAIR_HI);
}

static inline __attribute__ ((always_inline)) void
WG (interleave4) (const VF y[4], VF out[4])
{
  const VF z01a = WG_SHUFFLE (y[0], y[1], WG_PAIR_LO);
  const VF z01b = WG_SHUFFLE (y[0], y[1], WG_PAIR_HI);
  const VF z23a = WG_SHUFFLE (y[2], y[3], WG_PAIR_LO);
  const VF z23b = WG_SHUFFLE (y[2], y[3], WG_PAIR_HI);
  out[0] = WG_SHUFFLE (z01a, z23a, WG_QUAD_LO);
  out[1] = WG_SHUFFLE (z01a, z23a, WG_QUAD_HI);
  out[2] = WG_SHUFFLE (z01b, z23b, WG_QUAD_LO);
  out[3] = WG_SHUFFLE (z01b, z23b, WG_QUAD_HI);
}

/* Bit l of the result: lane l of m is set (m: -1 or 0 per lane). */
static inline __attribute__ ((always_inline)) uint64_t
WG (movemask) (VI m)
{
#if WG_VL == 16 && defined(__AVX512DQ__)
  return (uint16_t) _mm512_movepi32_mask ((__m512i) m);
#elif WG_VL == 8 && defined(__AVX2__)
  return (uint8_t) _mm256_movemask_ps ((__m256) m);
#else
  uint64_t bits = 0;
  for (int l = 0; l < WG_VL; l++)
    bits |= (uint64_t) (m[l] & 1) << l;
  return bits;
#endif
}

/* Stores the count * VL bits of rows (lanes of row[0], then row[1], …) at
 * bit x0 of a mask row, x0 a multiple of count * VL (count * VL <= 64);
 * bits at x >= valid are cleared. */
static inline __attribute__ ((always_inline)) void
WG (store_bits) (uint64_t *mask_row, int x0, int valid, const VI *row, int count)
{
  uint64_t bits = 0;
  for (int k = 0; k < count; k++)
    bits |= WG (movemask) (row[k]) << (k * WG_VL);
  const int n = valid - x0, width = count * WG_VL;
  if (n < width)
    bits &= n > 0 ? ((uint64_t) 1 << n) - 1 : 0;
  if (width == 64)
    mask_row[x0 / 64] = bits;
  else
    {
      const int shift = x0 % 64;
      uint64_t *word = mask_row + x0 / 64;
      const uint64_t field = (((uint64_t) 1 << width) - 1) << shift;
      *word = (*word & ~field) | (bits << shift);
    }
}

/* c's rows (r < rows, kv vectors each) = acc's, plus c's own when `add`;
 * acc is cleared. */
static inline __attribute__ ((always_inline)) void
WG (add_rows) (VF acc[WG_R][3], float *c, ptrdiff_t ldc, int kv, int rows, int add)
{
  _Pragma ("GCC unroll 16") for (int r = 0; r < WG_R; r++) if (r < rows)
      _Pragma ("GCC unroll 3") for (int u = 0; u < 3; u++) if (u < kv)
  {
    VF sum = acc[r][u];
    if (add)
      sum += LOADU (c + r * ldc + u * WG_VL);
    STOREU (c + r * ldc + u * WG_VL, sum);
    acc[r][u] = (VF) { 0 };
  }
}

/* c[r * ldc + t] = sum_k A(r, k) b[k * ldb + t] for r < WG_R, t < kv * VL,
 * with A(r, k) = a[r * rs + (k / P) * kp + (k % P) * ks], P = WINOGRAD_PANEL
 * (the transformed weights' panels, read along or across: see gemm_panels);
 * rows past `rows` are computed from a valid row and not stored. */
static inline __attribute__ ((always_inline)) void
WG (kernel) (int k_count, const float *a, ptrdiff_t rs, ptrdiff_t ks, ptrdiff_t kp, const float *b,
             ptrdiff_t ldb, float *c, ptrdiff_t ldc, int kv, int rows)
{
  VF acc[WG_R][3];
  const float *ar[WG_R];
  _Pragma ("GCC unroll 16") for (int r = 0; r < WG_R; r++) ar[r] = a + (r < rows ? r : 0) * rs;
  _Pragma ("GCC unroll 16") for (int r = 0; r < WG_R; r++)
      _Pragma ("GCC unroll 3") for (int u = 0; u < 3; u++) acc[r][u] = (VF) { 0 };
  int stored = 0; /* c holds the sum of the runs before */
  for (int k0 = 0; k0 < k_count; k0 += WINOGRAD_PANEL)
    {
      if (k0 > 0 && k0 % WINOGRAD_SUM_RUN == 0)
        {
          WG (add_rows) (acc, c, ldc, kv, rows, stored);
          stored = 1;
        }
      const ptrdiff_t panel = (ptrdiff_t) (k0 / WINOGRAD_PANEL) * kp;
      const int k_end = k_count - k0 < WINOGRAD_PANEL ? k_count - k0 : WINOGRAD_PANEL;
      for (int k = 0; k < k_end; k++)
        {
          VF bv[3];
          _Pragma ("GCC unroll 3") for (int u = 0; u < 3; u++) if (u < kv)
              bv[u] = LOADU (b + (size_t) (k0 + k) * ldb + u * WG_VL);
          _Pragma ("GCC unroll 16") for (int r = 0; r < WG_R; r++)
          {
            const float s = ar[r][panel + k * ks];
            _Pragma ("GCC unroll 3") for (int u = 0; u < 3; u++) if (u < kv) acc[r][u] += s * bv[u];
          }
        }
    }
  WG (add_rows) (acc, c, ldc, kv, rows, stored);
}

/* Rows of the GEMM one work item computes. */
#define WG_ROW_CHUNK (8 * WG_R)

/* Rows [o0, o1) of M_xi = A_xi V_xi over tile vectors [0, nv), o0 a
 * multiple of WG_R (which divides WINOGRAD_PANEL), from U_xi in panels (see
 * winograd_panel_index).  Forward (transposed 0): A_xi = U_xi, k_count
 * columns, read along its panels, one stream.  Backward (transposed 1):
 * A_xi = U_xi^T, U_xi k_count x u_columns, read across its panels: WG_R
 * rows of A at each of a panel's k are then contiguous too, a block of
 * WINOGRAD_PANEL k at a time. */
static void
WG (gemm_panels) (int k_count, const float *u, int transposed, int u_columns, const float *b,
                  ptrdiff_t ldb, float *c, ptrdiff_t ldc, int o0, int o1, int nv)
{
  enum
  {
    P = WINOGRAD_PANEL
  };
  for (int o = o0; o < o1; o += WG_R)
    {
      const int rows = o1 - o < WG_R ? o1 - o : WG_R;
      const float *a = transposed ? u + (size_t) o * P : u + winograd_panel_index (k_count, o, 0);
      const ptrdiff_t rs = transposed ? P : 1, ks = transposed ? 1 : P;
      const ptrdiff_t kp = transposed ? (ptrdiff_t) P * u_columns : P * P;
      int t = 0;
      if (rows == WG_R)
        {
          for (; t + 3 <= nv; t += 3)
            WG (kernel) (k_count, a, rs, ks, kp, b + t * WG_VL, ldb, c + o * ldc + t * WG_VL, ldc,
                         3, WG_R);
          if (nv - t == 2)
            WG (kernel) (k_count, a, rs, ks, kp, b + t * WG_VL, ldb, c + o * ldc + t * WG_VL, ldc,
                         2, WG_R);
          else if (nv - t == 1)
            WG (kernel) (k_count, a, rs, ks, kp, b + t * WG_VL, ldb, c + o * ldc + t * WG_VL, ldc,
                         1, WG_R);
        }
      else
        for (; t < nv; t++)
          WG (kernel) (k_count, a, rs, ks, kp, b + t * WG_VL, ldb, c + o * ldc + t * WG_VL, ldc, 1,
                       rows);
    }
}
