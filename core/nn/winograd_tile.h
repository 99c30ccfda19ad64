/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Winograd convolution F(MxM, 3x3) of winograd.c for one tile size and
 * instruction set: included after winograd_impl.h with
 *   WG_M             the output tile, 2 or 4 (the input tile is M + 2)
 *   WG_TILE_SUFFIX   appended to every function name
 *
 * Layout.  Tiles are M x M output pixels; tile (ty, tx) of a block of tile
 * rows [ty0, ty1) has index t = (ty - ty0) * tiles_x + tx.  The transformed
 * input V holds for each of the P = (M+2)^2 points xi a matrix n_in x tp
 * (element (xi, ci, t) at v[xi * plane + ci * tp + t]), the transformed
 * output M likewise n_out x tp; tp is the block's tile count rounded up,
 * plus slack, and plane a little more than n_in * tp so that the P streams
 * of stores of a transform do not all fall into the same cache sets.  Lanes
 * of a vector are consecutive tiles of one tile row, so that the input and
 * output transforms read and write whole rows of planar tensors.
 *
 * The gradient at the input of a convolution is the correlation with the
 * kernels turned by 180 degrees and the channel roles swapped: with the
 * same transformed weights, that is the transform of the input tile turned
 * by 180 degrees, and the output tile turned back ("reversed"). */

#define WGM(name) WG_CAT (name, WG_TILE_SUFFIX)
#define WG_N (WG_M + 2)
#define WG_P (WG_N * WG_N)

#if WG_M == 4
/* Lavin & Gray's F(4,3): B^T d, A^T m and G g along one axis, with the
 * points 0, 1, -1, 2, -2 and infinity.  Their B^T and A^T hold small
 * integers (powers of two but for 5), exact in float32 and cheap to add;
 * only G's 1/4, 1/6, 1/12, 1/24 round, once per weight, outside the loop.
 * Points 1/2 and -1/2 instead (0, 1, -1, 1/2, -1/2) move the growth from
 * A^T to G and B^T and rounded slightly worse in a float32 simulation of a
 * 64-channel sum against float64 (RMS 1.8e-6 against 1.6e-6 relative);
 * the mixed 0, 1, -1, 1/2, -2 rounded better (1.2e-6) but its B^T has five
 * terms a row, non-integer ones among them, a costlier input transform,
 * which is the part of F(4x4) that grows most (36 planes against 16).
 * F(2x2) rounds at 2.6e-7 in the same simulation. */
static inline __attribute__ ((always_inline)) void
WGM (input_1d) (const VF d[6], VF v[6])
{
  const VF t0 = d[4] - 4.0f * d[2], t1 = d[3] - 4.0f * d[1];
  const VF t2 = d[4] - d[2], t3 = 2.0f * (d[3] - d[1]);
  v[0] = 4.0f * (d[0] - d[2]) + t2;
  v[1] = t0 + t1;
  v[2] = t0 - t1;
  v[3] = t2 + t3;
  v[4] = t2 - t3;
  v[5] = 4.0f * (d[1] - d[3]) + (d[5] - d[3]);
}

static inline __attribute__ ((always_inline)) void
WGM (output_1d) (const VF m[6], VF y[4])
{
  const VF a = m[1] + m[2], b = m[1] - m[2], c = m[3] + m[4], d = m[3] - m[4];
  y[0] = m[0] + a + c;
  y[1] = b + 2.0f * d;
  y[2] = a + 4.0f * c;
  y[3] = b + 8.0f * d + m[5];
}

static inline __attribute__ ((always_inline)) void
WGM (weight_1d) (VF g0, VF g1, VF g2, VF r[6])
{
  r[0] = g0 * (1.0f / 4);
  r[1] = (g0 + g1 + g2) * (-1.0f / 6);
  r[2] = (g0 - g1 + g2) * (-1.0f / 6);
  r[3] = g0 * (1.0f / 24) + g1 * (1.0f / 12) + g2 * (1.0f / 6);
  r[4] = g0 * (1.0f / 24) - g1 * (1.0f / 12) + g2 * (1.0f / 6);
  r[5] = g2;
}

#define WGM_DEINTERLEAVE WG (deinterleave4)
#define WGM_INTERLEAVE WG (interleave4)
#elif WG_M == 2
/* F(2,3): B^T d, A^T m and G g along one axis. */
static inline __attribute__ ((always_inline)) void
WGM (input_1d) (const VF d[4], VF v[4])
{
  v[0] = d[0] - d[2];
  v[1] = d[1] + d[2];
  v[2] = d[2] - d[1];
  v[3] = d[1] - d[3];
}

static inline __attribute__ ((always_inline)) void
WGM (output_1d) (const VF m[4], VF y[2])
{
  y[0] = m[0] + m[1] + m[2];
  y[1] = m[1] - m[2] - m[3];
}

static inline __attribute__ ((always_inline)) void
WGM (weight_1d) (VF g0, VF g1, VF g2, VF r[4])
{
  r[0] = g0;
  r[1] = (g0 + g1 + g2) * 0.5f;
  r[2] = (g0 - g1 + g2) * 0.5f;
  r[3] = g2;
}

#define WGM_DEINTERLEAVE WG (deinterleave2)
#define WGM_INTERLEAVE WG (interleave2)
#endif

/* U[xi](co, ci) = (G g G^T)[xi] for the kernels g of one output channel
 * co (w: its in_channels x 9 floats, OIHW's row co), in panels (see
 * winograd_panel_index). */
static void
WGM (transform_weights_row) (const float *w, int co, int out_channels, int in_channels, float *u)
{
  const size_t xi_stride = (size_t) winograd_panel_rows (out_channels) * in_channels;
  for (int c0 = 0; c0 < in_channels; c0 += WG_VL)
    {
      const int n = in_channels - c0 < WG_VL ? in_channels - c0 : WG_VL;
      float g[9][WG_VL];
      for (int l = 0; l < WG_VL; l++)
        for (int k = 0; k < 9; k++)
          g[k][l] = l < n ? w[(size_t) (c0 + l) * 9 + k] : 0.0f;
      VF t[WG_N][3];
      for (int c = 0; c < 3; c++)
        {
          VF r[WG_N];
          WGM (weight_1d) (LOADU (g[c]), LOADU (g[3 + c]), LOADU (g[6 + c]), r);
          for (int i = 0; i < WG_N; i++)
            t[i][c] = r[i];
        }
      for (int i = 0; i < WG_N; i++)
        {
          VF r[WG_N];
          WGM (weight_1d) (t[i][0], t[i][1], t[i][2], r);
          for (int j = 0; j < WG_N; j++)
            {
              float *dst = u + (size_t) (i * WG_N + j) * xi_stride;
              const float *flat = (const float *) &r[j];
              for (int l = 0; l < n; l++)
                dst[winograd_panel_index (in_channels, co, c0 + l)] = flat[l];
            }
        }
    }
}

static void
WGM (transform_weights) (const float *weight, int out_channels, int in_channels, float *u)
{
  const int padded = winograd_panel_rows (out_channels);
#pragma omp parallel for schedule(static)
  for (int co = 0; co < padded; co++)
    if (co < out_channels)
      WGM (transform_weights_row) (weight + (size_t) co * in_channels * 9, co, out_channels,
                                   in_channels, u);
    else
      for (int xi = 0; xi < WG_P; xi++)
        for (int ci = 0; ci < in_channels; ci++)
          u[(size_t) xi * padded * in_channels + winograd_panel_index (in_channels, co, ci)] = 0.0f;
}

/* One input row of the convolution (width floats) in phase-split form:
 * ph[p * j_len + j + 1] = row[M j + p], zero at j = 0 and beyond the row, so
 * that the M + 2 input columns of tile tx, x = M tx - 1 … M tx + M, are at
 * ph[M-1][tx], ph[0..M-1][tx + 1], ph[0][tx + 2].  When mask is not NULL,
 * the values where mask <= 0 read as zero (the ReLU's backward pass). */
static void
WGM (phase_split_row) (const float *row, const float *mask, int width, int j_len, float *ph)
{
  const int span = WG_M * WG_VL;
  const int chunks = (width + span - 1) / span;
  for (int p = 0; p < WG_M; p++)
    ph[p * j_len] = 0.0f;
  for (int q = 0; q < chunks; q++)
    {
      const int x0 = q * span;
      VF part[WG_M];
      if (x0 + span <= width)
        {
          if (mask)
            {
              float tmp[WG_M * WG_VL];
              for (int k = 0; k < WG_M; k++)
                {
                  const VF v = LOADU (row + x0 + k * WG_VL), m = LOADU (mask + x0 + k * WG_VL);
                  const VF zero = { 0 };
                  STOREU (tmp + k * WG_VL, (VF) ((VI) v & (m > zero)));
                }
              WGM_DEINTERLEAVE (tmp, part);
            }
          else
            WGM_DEINTERLEAVE (row + x0, part);
        }
      else
        {
          float tmp[WG_M * WG_VL];
          const int n = width - x0;
          for (int k = 0; k < n; k++)
            tmp[k] = (!mask || mask[x0 + k] > 0.0f) ? row[x0 + k] : 0.0f;
          for (int k = n; k < span; k++)
            tmp[k] = 0.0f;
          WGM_DEINTERLEAVE (tmp, part);
        }
      for (int p = 0; p < WG_M; p++)
        STOREU (ph + p * j_len + 1 + q * WG_VL, part[p]);
    }
  for (int p = 0; p < WG_M; p++)
    for (int j = 1 + chunks * WG_VL; j < j_len; j++)
      ph[p * j_len + j] = 0.0f;
}

/* The input transform of one channel over tile rows [ty0, ty1): reads the
 * planar channel in (height x width; where mask is not NULL, zero where
 * mask <= 0; row M ty0 - 1 from halo when that is not NULL) and writes
 * v[xi * xi_stride + t], then zeros up to t_end.  ph: (M + 2) * M * j_len
 * floats of scratch; zeros: M * j_len zeros. */
static void
WGM (input_transform) (const float *in, const float *mask, const float *halo, int height, int width,
                       int tiles_x, int ty0, int ty1, int reversed, float *v, size_t xi_stride,
                       size_t t_end, float *ph, const float *zeros)
{
  const int j_len = winograd_phase_row (tiles_x);
  const float *rows[WG_N];
  float *slot[WG_N];
  for (int a = 0; a < WG_N; a++)
    slot[a] = ph + (size_t) a * WG_M * j_len;
  int have = -1000; /* the input row held by slot[0] */

  for (int ty = ty0; ty < ty1; ty++)
    {
      const int y_first = WG_M * ty - 1;
      /* the two rows shared with the last tile row move to the first slots */
      const int shared = have == y_first - WG_M;
      if (shared)
        {
          float *s0 = slot[0], *s1 = slot[1];
          slot[0] = slot[WG_M];
          slot[1] = slot[WG_M + 1];
          slot[WG_M] = s0;
          slot[WG_M + 1] = s1;
        }
      for (int a = 0; a < WG_N; a++)
        {
          const int y = y_first + a;
          if (y < 0 || y >= height)
            rows[a] = zeros;
          else
            {
              /* (halo, when not NULL, holds input row M ty0 - 1: see WGM (conv)) */
              if (!(shared && a < 2))
                WGM (phase_split_row) (halo && y == WG_M * ty0 - 1 ? halo : in + (size_t) y * width,
                                       mask ? mask + (size_t) y * width : NULL, width, j_len,
                                       slot[a]);
              rows[a] = slot[a];
            }
        }
      have = y_first;

      const size_t t_row = (size_t) (ty - ty0) * tiles_x;
      for (int tx0 = 0; tx0 < tiles_x; tx0 += WG_VL)
        {
          VF w[WG_N][WG_N];
          for (int a = 0; a < WG_N; a++)
            {
              const float *r = rows[reversed ? WG_N - 1 - a : a];
              VF d[WG_N];
              d[0] = LOADU (r + (WG_M - 1) * j_len + tx0);
              for (int b = 1; b <= WG_M; b++)
                d[b] = LOADU (r + (b - 1) * j_len + tx0 + 1);
              d[WG_M + 1] = LOADU (r + tx0 + 2);
              if (reversed)
                {
                  VF e[WG_N];
                  for (int b = 0; b < WG_N; b++)
                    e[b] = d[WG_N - 1 - b];
                  WGM (input_1d) (e, w[a]);
                }
              else
                WGM (input_1d) (d, w[a]);
            }
          for (int b = 0; b < WG_N; b++)
            {
              VF col[WG_N], out[WG_N];
              for (int a = 0; a < WG_N; a++)
                col[a] = w[a][b];
              WGM (input_1d) (col, out);
              for (int i = 0; i < WG_N; i++)
                STOREU (v + (size_t) (i * WG_N + b) * xi_stride + t_row + tx0, out[i]);
            }
        }
    }
  /* the lanes past the block's last tile, up to a whole vector: zeros */
  const size_t t_count = (size_t) (ty1 - ty0) * tiles_x;
  for (int xi = 0; xi < WG_P; xi++)
    for (size_t t = t_count; t < t_end; t++)
      v[(size_t) xi * xi_stride + t] = 0.0f;
}

/* The output transform of one output channel over tile rows [ty0, ty1):
 * reads m[xi * xi_stride + t], adds bias and clamps at zero when relu, and
 * writes the rows of the planar channel out (height x width) when out is
 * not NULL.  mask (rows of ceil(width / 64) words), when not NULL, gets a
 * bit per output value: with pooled NULL, set where the value is positive;
 * with pooled, the channel's 2x2 max pool (height/2 x width/2) goes to
 * pooled and the bit is set where a value is its window's first maximum and
 * positive (as ns_maxpool2x2_forward_mask). */
static void
WGM (output_transform) (const float *m, size_t xi_stride, int height, int width, int tiles_x,
                        int ty0, int ty1, int reversed, float bias, int relu, float *out,
                        float *pooled, uint64_t *mask)
{
  const VF zero = { 0 };
  const int ph = height / 2, pw = width / 2;
  const size_t words = ((size_t) width + 63) / 64;
  for (int ty = ty0; ty < ty1; ty++)
    {
      const size_t t_row = (size_t) (ty - ty0) * tiles_x;
      for (int tx0 = 0; tx0 < tiles_x; tx0 += WG_VL)
        {
          VF c[WG_M][WG_N]; /* A^T along i, for each j */
          for (int j = 0; j < WG_N; j++)
            {
              VF col[WG_N], r[WG_M];
              for (int i = 0; i < WG_N; i++)
                col[i] = LOADU (m + (size_t) (i * WG_N + j) * xi_stride + t_row + tx0);
              WGM (output_1d) (col, r);
              for (int i = 0; i < WG_M; i++)
                c[i][j] = r[i];
            }
          const int x0 = WG_M * tx0;
          VF y[WG_M][WG_M]; /* the tile, rows i, columns j, as in the image */
          for (int i = 0; i < WG_M; i++)
            {
              VF r[WG_M];
              WGM (output_1d) (c[i], r);
              for (int j = 0; j < WG_M; j++)
                {
                  r[j] += bias;
                  if (relu)
                    r[j] = (VF) ((VI) r[j] & (r[j] > zero));
                }
              const int row = reversed ? WG_M - 1 - i : i;
              for (int j = 0; j < WG_M; j++)
                y[row][reversed ? WG_M - 1 - j : j] = r[j];
            }
          if (out)
            for (int i = 0; i < WG_M; i++)
              {
                const int yy = WG_M * ty + i;
                if (yy >= height)
                  break;
                VF row[WG_M];
                WGM_INTERLEAVE (y[i], row);
                float *dst = out + (size_t) yy * width + x0;
                if (x0 + WG_M * WG_VL <= width)
                  for (int k = 0; k < WG_M; k++)
                    STOREU (dst + k * WG_VL, row[k]);
                else
                  {
                    const float *flat = (const float *) row;
                    for (int k = 0; k < width - x0; k++)
                      dst[k] = flat[k];
                  }
              }
          if (mask && !pooled)
            for (int i = 0; i < WG_M; i++)
              {
                const int yy = WG_M * ty + i;
                if (yy >= height)
                  break;
                VF row[WG_M];
                VI positive[WG_M];
                WGM_INTERLEAVE (y[i], row);
                for (int k = 0; k < WG_M; k++)
                  positive[k] = row[k] > zero;
                WG (store_bits) (mask + (size_t) yy * words, x0, width, positive, WG_M);
              }
          if (pooled)
            for (int a = 0; a < WG_M / 2; a++)
              {
                /* the windows of tile rows 2a, 2a+1: maximum and which */
                VI hit[2][WG_M];
                VF best[WG_M / 2];
                for (int b = 0; b < WG_M / 2; b++)
                  {
                    const VF v00 = y[2 * a][2 * b], v01 = y[2 * a][2 * b + 1];
                    const VF v10 = y[2 * a + 1][2 * b], v11 = y[2 * a + 1][2 * b + 1];
                    VF mx = v00;
                    VI k = { 0 };
                    const VI one = k + 1, two = k + 2, three = k + 3;
                    VI gt = v01 > mx;
                    k = (k & ~gt) | (one & gt);
                    mx = (VF) (((VI) mx & ~gt) | ((VI) v01 & gt));
                    gt = v10 > mx;
                    k = (k & ~gt) | (two & gt);
                    mx = (VF) (((VI) mx & ~gt) | ((VI) v10 & gt));
                    gt = v11 > mx;
                    k = (k & ~gt) | (three & gt);
                    mx = (VF) (((VI) mx & ~gt) | ((VI) v11 & gt));
                    const VI positive = mx > zero;
                    const VI zero_i = { 0 };
                    hit[0][2 * b] = (k == zero_i) & positive;
                    hit[0][2 * b + 1] = (k == one) & positive;
                    hit[1][2 * b] = (k == two) & positive;
                    hit[1][2 * b + 1] = (k == three) & positive;
                    best[b] = mx;
                  }
                const int py = (WG_M / 2) * ty + a;
                if (py >= ph)
                  {
                    /* an odd last row: in no window, its bits stay clear */
                    if (mask)
                      for (int d = 0; d < 2; d++)
                        {
                          const int yy = WG_M * ty + 2 * a + d;
                          if (yy < height)
                            {
                              VI none[WG_M];
                              for (int k = 0; k < WG_M; k++)
                                none[k] = (VI) { 0 };
                              WG (store_bits) (mask + (size_t) yy * words, x0, width, none, WG_M);
                            }
                        }
                    continue;
                  }
                /* pooled row py, columns (M/2) tx + b */
                VF prow[WG_M / 2];
#if WG_M == 4
                WG (interleave2) (best, prow);
#else
                prow[0] = best[0];
#endif
                const int px0 = (WG_M / 2) * tx0;
                float *dst = pooled + (size_t) py * pw + px0;
                if (px0 + (WG_M / 2) * WG_VL <= pw)
                  for (int k = 0; k < WG_M / 2; k++)
                    STOREU (dst + k * WG_VL, prow[k]);
                else
                  {
                    const float *flat = (const float *) prow;
                    for (int k = 0; k < pw - px0; k++)
                      dst[k] = flat[k];
                  }
                if (mask)
                  for (int d = 0; d < 2; d++)
                    {
                      VF as_float[WG_M], row[WG_M];
                      VI bits[WG_M];
                      for (int k = 0; k < WG_M; k++)
                        as_float[k] = (VF) hit[d][k];
                      WGM_INTERLEAVE (as_float, row);
                      for (int k = 0; k < WG_M; k++)
                        bits[k] = (VI) row[k];
                      WG (store_bits) (mask + (size_t) (WG_M * ty + 2 * a + d) * words, x0, 2 * pw,
                                       bits, WG_M);
                    }
              }
        }
    }
}

static void
WGM (conv) (const winograd_job *job)
{
  const int n_in = job->n_in, n_out = job->n_out, height = job->height, width = job->width;
  const int tiles_x = (width + WG_M - 1) / WG_M, tiles_y = (height + WG_M - 1) / WG_M;
  const int block_rows = job->block_rows;
  const size_t tp = winograd_block_stride (block_rows, tiles_x);
  float *v = job->scratch;
  const size_t v_plane = winograd_plane_stride ((size_t) n_in * tp);
  const size_t m_plane = winograd_plane_stride ((size_t) n_out * tp);
  float *m = v + WG_P * v_plane;
  const int j_len = winograd_phase_row (tiles_x);
  const size_t ph_floats = (size_t) WG_N * WG_M * j_len;
  const int chunks = (n_out + WG_ROW_CHUNK - 1) / WG_ROW_CHUNK;
  /* forward: U_xi is n_out x n_in; backward: n_in x n_out (used transposed) */
  const size_t u_stride = job->reversed ? (size_t) winograd_panel_rows (n_in) * n_out :
                                          (size_t) winograd_panel_rows (n_out) * n_in;
  const size_t mask_words = ((size_t) width + 63) / 64;
  /* out may be in: see the output transform's loop */
  const int in_place = job->out == job->in;
  float *halo = m + WG_P * m_plane;

#pragma omp parallel num_threads(job->threads)
  {
    /* per-thread rows of phase-split input, and a zero row for the padding */
    float *ph = halo + (size_t) (n_in > n_out ? n_in : n_out) * width +
                (size_t) omp_get_thread_num () * (ph_floats + WG_M * (size_t) j_len);
    float *zeros = ph + ph_floats;
    memset (zeros, 0, sizeof (float) * WG_M * (size_t) j_len);

    for (int ty0 = 0; ty0 < tiles_y; ty0 += block_rows)
      {
        const int ty1 = ty0 + block_rows < tiles_y ? ty0 + block_rows : tiles_y;
        const size_t t_count = (size_t) (ty1 - ty0) * tiles_x;
        const int nv = (int) ((t_count + WG_VL - 1) / WG_VL);
        const size_t t_end = (size_t) nv * WG_VL;

#pragma omp for schedule(static)
        for (int ci = 0; ci < n_in; ci++)
          WGM (input_transform) (job->in + (size_t) ci * height * width,
                                 job->gate ? job->gate + (size_t) ci * height * width : NULL,
                                 in_place && ty0 > 0 && ci < n_out ? halo + (size_t) ci * width : NULL,
                                 height, width, tiles_x, ty0, ty1, job->reversed,
                                 v + (size_t) ci * tp, v_plane, t_end, ph, zeros);

#pragma omp for schedule(dynamic, 1) collapse(2)
        for (int xi = 0; xi < WG_P; xi++)
          for (int chunk = 0; chunk < chunks; chunk++)
            {
              const int o0 = chunk * WG_ROW_CHUNK;
              const int o1 = o0 + WG_ROW_CHUNK < n_out ? o0 + WG_ROW_CHUNK : n_out;
              WG (gemm_panels) (n_in, job->u + xi * u_stride, job->reversed, n_out,
                                v + (size_t) xi * v_plane, (ptrdiff_t) tp,
                                m + (size_t) xi * m_plane, (ptrdiff_t) tp, o0, o1, nv);
            }

#pragma omp for schedule(static)
        for (int co = 0; co < n_out; co++)
          {
            /* In place, output channel co overwrites input channel co: the
             * next block still needs the input row above it, kept in halo.
             * (This block's inputs are all transformed: the loops before
             * ended with barriers.) */
            if (in_place && ty1 < tiles_y && co < n_in)
              memcpy (halo + (size_t) co * width,
                      job->in + ((size_t) co * height + WG_M * ty1 - 1) * width,
                      sizeof (float) * width);
            WGM (output_transform) (m + (size_t) co * tp, m_plane, height, width, tiles_x, ty0, ty1,
                                    job->reversed, job->bias ? job->bias[co] : 0.0f, job->relu,
                                    job->out ? job->out + (size_t) co * height * width : NULL,
                                    job->pooled ?
                                        job->pooled + (size_t) co * (height / 2) * (width / 2) :
                                        NULL,
                                    job->mask ? job->mask + (size_t) co * height * mask_words : NULL);
          }
      }
  }
}

#undef WGM
#undef WG_N
#undef WG_P
#undef WGM_DEINTERLEAVE
#undef WGM_INTERLEAVE
