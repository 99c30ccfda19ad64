/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A clip whose motion is known exactly: a camera pans and slowly zooms over
 * a still picture while a textured square slides across in front of it,
 * hiding and uncovering the background.  Frame t shows at frame pixel p
 *   the square's texture at p - q_t, where the square covers p, and else
 *   the still at s_t(p) = z_t (p - c) + m_t (bilinear),
 * with z_t = zoom * zoom_step^t source pixels a frame pixel, m_t the
 * still's point at the frame's centre c (moving pan_x, pan_y a frame) and
 * q_t the square's top-left corner (moving square_x, square_y a frame).
 * So the true flow between two frames is known at every pixel, and so is
 * where it has no answer: a point hidden by the square in the other frame,
 * or outside it. */
#ifndef SYNTHETIC_CLIP_H
#define SYNTHETIC_CLIP_H

#include <math.h>
#include <stdlib.h>

#include "neural_style.h"
#include "random.h"

typedef struct
{
  int width, height;           /* frames */
  double zoom, zoom_step;      /* z_0 and its factor per frame */
  double centre_x, centre_y;   /* m_0, in the still's pixels */
  double pan_x, pan_y;         /* m's motion per frame, in the still's pixels */
  int square;                  /* the square's side, in frame pixels */
  double square_x0, square_y0; /* q_0 */
  double square_x, square_y;   /* q's motion per frame */
} clip_motion;

/* 512 x 384 frames over a 1024 x 768 still: zooming in by 1 % a frame from
 * 1.5 still pixels a frame pixel while panning right and down (about 5.5
 * and 1.4 frame pixels a frame, up to 2.6 more from the zoom at the
 * edges), a 96-pixel square moving left and down 10 and 3 pixels a frame
 * (frames 0 to 9 stay inside the still). */
static inline clip_motion
clip_motion_default (void)
{
  const clip_motion motion = { 512,   384,                         /* frames */
                               1.5,   0.99,                        /* zoom */
                               420.0, 380.0,  8.0,   2.0,          /* pan */
                               96,    330.25, 100.5, -10.0, 3.0 }; /* square */
  return motion;
}

/* A picture with detail at every scale where there is no photo: coloured
 * value noise of periods 128 down to 4 pixels, each octave half as strong,
 * and sharp-edged patches over it. */
static inline ns_image
clip_texture (int width, int height, unsigned seed)
{
  ns_image image;
  ns_image_alloc (&image, width, height, 3, NULL);
  ns_random rng;
  ns_random_seed (&rng, seed);
  double amplitude = 0.25;
  for (int period = 128; period >= 4; period /= 2, amplitude *= 0.5)
    {
      const int gw = width / period + 2, gh = height / period + 2;
      float *grid = malloc (sizeof (float) * 3 * (size_t) gw * gh);
      for (int i = 0; i < 3 * gw * gh; i++)
        grid[i] = (float) (2.0 * ns_random_uniform (&rng) - 1.0);
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          {
            const double gx = (double) x / period, gy = (double) y / period;
            const int ix = (int) gx, iy = (int) gy;
            /* smoothstep: no creases along the grid */
            double fx = gx - ix, fy = gy - iy;
            fx = fx * fx * (3.0 - 2.0 * fx);
            fy = fy * fy * (3.0 - 2.0 * fy);
            for (int c = 0; c < 3; c++)
              {
                const float *g = grid + c;
                const double v = (1 - fy) * ((1 - fx) * g[3 * (iy * gw + ix)] +
                                             fx * g[3 * (iy * gw + ix + 1)]) +
                                 fy * ((1 - fx) * g[3 * ((iy + 1) * gw + ix)] +
                                       fx * g[3 * ((iy + 1) * gw + ix + 1)]);
                image.data[((size_t) y * width + x) * 3 + c] += (float) (amplitude * v);
              }
          }
      free (grid);
    }
  for (int patch = 0; patch < 60; patch++)
    {
      const int pw = 8 + (int) (40 * ns_random_uniform (&rng));
      const int ph = 8 + (int) (40 * ns_random_uniform (&rng));
      const int px = (int) ((width - pw) * ns_random_uniform (&rng));
      const int py = (int) ((height - ph) * ns_random_uniform (&rng));
      float colour[3];
      for (int c = 0; c < 3; c++)
        colour[c] = (float) (0.6 * ns_random_uniform (&rng) - 0.3);
      for (int y = py; y < py + ph; y++)
        for (int x = px; x < px + pw; x++)
          for (int c = 0; c < 3; c++)
            image.data[((size_t) y * width + x) * 3 + c] += colour[c];
    }
  for (size_t i = 0; i < (size_t) width * height * 3; i++)
    {
      const float v = 0.5f + image.data[i];
      image.data[i] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    }
  return image;
}

/* The square's own texture: another seed's, its contrast doubled so that
 * it stands out from the background. */
static inline ns_image
clip_square_texture (int side)
{
  ns_image square = clip_texture (side, side, 7);
  for (size_t i = 0; i < (size_t) side * side * 3; i++)
    {
      const float v = 0.5f + 2.0f * (square.data[i] - 0.5f);
      square.data[i] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    }
  return square;
}

static inline void
clip_square_corner (const clip_motion *m, int t, double *qx, double *qy)
{
  *qx = m->square_x0 + t * m->square_x;
  *qy = m->square_y0 + t * m->square_y;
}

/* Whether frame t's square covers the point (x, y) of the frame. */
static inline int
clip_square_covers (const clip_motion *m, int t, double x, double y)
{
  double qx, qy;
  clip_square_corner (m, t, &qx, &qy);
  return x - qx >= 0.0 && x - qx <= m->square - 1 && y - qy >= 0.0 && y - qy <= m->square - 1;
}

/* s_t(p): the still's point that frame t shows at (x, y) when the square
 * does not hide it. */
static inline void
clip_still_point (const clip_motion *m, int t, double x, double y, double *sx, double *sy)
{
  const double zoom = m->zoom * pow (m->zoom_step, t);
  *sx = zoom * (x - 0.5 * (m->width - 1)) + m->centre_x + t * m->pan_x;
  *sy = zoom * (y - 0.5 * (m->height - 1)) + m->centre_y + t * m->pan_y;
}

/* The inverse: where frame t shows the still's point (sx, sy). */
static inline void
clip_frame_point (const clip_motion *m, int t, double sx, double sy, double *x, double *y)
{
  const double zoom = m->zoom * pow (m->zoom_step, t);
  *x = (sx - m->centre_x - t * m->pan_x) / zoom + 0.5 * (m->width - 1);
  *y = (sy - m->centre_y - t * m->pan_y) / zoom + 0.5 * (m->height - 1);
}

/* picture's colours at (x, y), bilinear (in double: the truth of the clip). */
static inline void
clip_sample (const ns_image *picture, double x, double y, float *rgb)
{
  const int w = picture->width, h = picture->height;
  x = x < 0 ? 0 : x > w - 1 ? w - 1 : x;
  y = y < 0 ? 0 : y > h - 1 ? h - 1 : y;
  const int left = (int) x, top = (int) y;
  const int right = left + 1 < w ? left + 1 : left, bottom = top + 1 < h ? top + 1 : top;
  const double fx = x - left, fy = y - top;
  const int ch = picture->channels;
  for (int c = 0; c < 3; c++)
    {
      const float *d = picture->data + c;
      rgb[c] =
          (float) ((1 - fy) * ((1 - fx) * d[(top * w + left) * ch] + fx * d[(top * w + right) * ch]) +
                   fy * ((1 - fx) * d[(bottom * w + left) * ch] + fx * d[(bottom * w + right) * ch]));
    }
}

/* Frame t (RGB, allocated here) of the still and the square's texture. */
static inline ns_image
clip_frame (const clip_motion *m, const ns_image *still, const ns_image *square, int t)
{
  ns_image frame;
  ns_image_alloc (&frame, m->width, m->height, 3, NULL);
  double qx, qy;
  clip_square_corner (m, t, &qx, &qy);
  for (int y = 0; y < m->height; y++)
    for (int x = 0; x < m->width; x++)
      {
        float *rgb = frame.data + ((size_t) y * m->width + x) * 3;
        if (clip_square_covers (m, t, x, y))
          clip_sample (square, x - qx, y - qy, rgb);
        else
          {
            double sx, sy;
            clip_still_point (m, t, x, y, &sx, &sy);
            clip_sample (still, sx, sy, rgb);
          }
      }
  return frame;
}

/* The true flow from frame a to frame b in flow (width * height * 2
 * floats), and in known (width * height) 1 where that pixel is seen in
 * frame b, 0 where it is hidden there by the square or outside it. */
static inline void
clip_true_flow (const clip_motion *m, int a, int b, float *flow, unsigned char *known)
{
  double qax, qay, qbx, qby;
  clip_square_corner (m, a, &qax, &qay);
  clip_square_corner (m, b, &qbx, &qby);
  for (int y = 0; y < m->height; y++)
    for (int x = 0; x < m->width; x++)
      {
        const size_t i = (size_t) y * m->width + x;
        double tx, ty; /* where the point is in frame b */
        int seen;
        if (clip_square_covers (m, a, x, y))
          {
            tx = x + qbx - qax;
            ty = y + qby - qay;
            seen = 1;
          }
        else
          {
            double sx, sy;
            clip_still_point (m, a, x, y, &sx, &sy);
            clip_frame_point (m, b, sx, sy, &tx, &ty);
            seen = !clip_square_covers (m, b, tx, ty);
          }
        flow[2 * i] = (float) (tx - x);
        flow[2 * i + 1] = (float) (ty - y);
        known[i] = seen && tx >= 0 && ty >= 0 && tx <= m->width - 1 && ty <= m->height - 1;
      }
}

#endif
