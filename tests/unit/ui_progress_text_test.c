/* The progress text of the plug-in (ui/neural-style-progress-text.c): the
 * loss, the elapsed time, the time left and the whole line, in English (no
 * catalog).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include <glib.h>

#include "neural-style-progress-text.h"

static void
check_loss (gdouble loss, const gchar *expected)
{
  gchar *text = neural_style_format_loss (loss);

  g_test_message ("loss %g → %s", loss, text);
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

static void
check_elapsed (gint64 seconds, const gchar *expected)
{
  gchar *text = neural_style_format_elapsed (seconds * G_USEC_PER_SEC + 999999);

  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

static void
test_loss (void)
{
  check_loss (0.0, "0");
  check_loss (0.42, "0.42");
  check_loss (12.34, "12.3");
  check_loss (9999.0, "1e+04"); /* %.3g rounds up; still short */
  check_loss (12345.0, "1.2e4");
  check_loss (1.5e12, "1.5e12");
  check_loss (3.4e-5, "3.4e-5");
  check_loss (0.0099, "9.9e-3");
  check_loss (-2.5e6, "-2.5e6");
  check_loss (1.0e100, "1.0e100");
  check_loss (NAN, "–");
  check_loss (INFINITY, "–");
}

static void
test_elapsed (void)
{
  check_elapsed (0, "0:00");
  check_elapsed (59, "0:59");
  check_elapsed (61, "1:01");
  check_elapsed (3599, "59:59");
  check_elapsed (3600, "1:00:00");
  check_elapsed (3600 + 62, "1:01:02");
  check_elapsed (25 * 3600 + 5, "25:00:05");
}

static void
check_text (const NeuralStyleProgressInfo *info, gint64 elapsed_seconds, gdouble fraction,
            const gchar *expected)
{
  NeuralStyleProgressInfo at = *info;
  gchar *text;

  at.done = fraction;
  text = neural_style_progress_text (&at, elapsed_seconds * G_USEC_PER_SEC);

  g_test_message ("%s", text);
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

static void
test_time_left (void)
{
  const gint64 s = G_USEC_PER_SEC;

  /* A quarter done after 40 s: three times as long again. */
  g_assert_cmpint (neural_style_time_left (0.25, 40 * s, 40 * s), ==, 120 * s);
  /* Counted down between reports, not up. */
  g_assert_cmpint (neural_style_time_left (0.25, 40 * s, 45 * s), ==, 115 * s);
  g_assert_cmpint (neural_style_time_left (0.25, 40 * s, 200 * s), ==, 0);
  g_assert_cmpint (neural_style_time_left (1.0, 40 * s, 40 * s), ==, 0);
  /* Too early: too little done, or too little time. */
  g_assert_cmpint (neural_style_time_left (0.019, 100 * s, 100 * s), ==, -1);
  g_assert_cmpint (neural_style_time_left (0.0, 100 * s, 100 * s), ==, -1);
  g_assert_cmpint (neural_style_time_left (0.5, 9 * s, 9 * s), ==, -1);
  g_assert_cmpint (neural_style_time_left (0.02, 10 * s, 10 * s), >, 0);
  g_assert_cmpint (neural_style_time_left (NAN, 100 * s, 100 * s), ==, -1);
}

static void
test_text (void)
{
  NeuralStyleProgressInfo info = { .phase = NEURAL_STYLE_PHASE_ITERATING,
                                   .scale = 2,
                                   .scales = 3,
                                   .iteration = 120,
                                   .iterations = 300,
                                   .tiles = 1,
                                   .loss = 12345.0,
                                   .report_usec = 42 * G_USEC_PER_SEC };
  gchar *text;

  /* One tile and no estimate yet (42 s but under 2 % done): neither shown. */
  check_text (&info, 42, 0.01, "Scale 2/3 · iteration 120/300 · loss 1.2e4 · 0:42");
  info.report_usec = 8 * G_USEC_PER_SEC;
  check_text (&info, 8, 0.5, "Scale 2/3 · iteration 120/300 · loss 1.2e4 · 0:08");

  /* Tiles from two on, and the time left once there is an estimate. */
  info.tiles = 4;
  check_text (&info, 8, 0.5, "Scale 2/3 · iteration 120/300 · 4 tiles · loss 1.2e4 · 0:08");
  info.tiles = 2;
  info.report_usec = 40 * G_USEC_PER_SEC;
  check_text (&info, 40, 0.25,
              "Scale 2/3 · iteration 120/300 · 2 tiles · loss 1.2e4 · 0:40 · about 2:00 left");
  check_text (&info, 43, 0.25,
              "Scale 2/3 · iteration 120/300 · 2 tiles · loss 1.2e4 · 0:43 · about 1:57 left");
  /* Between iterations: the tile and the pass instead of the count. */
  info.tile = 2;
  info.sweep = 1;
  check_text (&info, 40, 0.25,
              "Scale 2/3 · iteration 120/300 · tile 2/2, pass 1/2 · loss 1.2e4 · 0:40 · about "
              "2:00 left");
  info.tile = 0;
  info.tiles = 0; /* not reported */
  info.report_usec = (gint64) 5400 * G_USEC_PER_SEC;
  check_text (&info, 5400, 0.5,
              "Scale 2/3 · iteration 120/300 · loss 1.2e4 · 1:30:00 · about 1:30:00 left");

  info.scale = 1;
  info.scales = 1;
  info.iteration = 100000;
  info.iterations = 100000;
  info.loss = NAN;
  info.report_usec = (gint64) 7384 * G_USEC_PER_SEC;
  info.done = 1.0;
  text = neural_style_progress_text (&info, (gint64) 7384 * G_USEC_PER_SEC);
  g_assert_cmpstr (text, ==,
                   "Scale 1/1 · iteration 100000/100000 · loss – · 2:03:04 · about 0:00 left");
  g_free (text);

  /* An animation: the frame first, and the whole animation's time left,
   * frame 7 of 24 half done after 130 s: 6.5 frames in 130 s, 17.5 to go. */
  info.scale = 2;
  info.scales = 3;
  info.iteration = 12;
  info.iterations = 35;
  info.loss = 0.5;
  info.frame = 7;
  info.frames = 24;
  info.report_usec = 130 * G_USEC_PER_SEC;
  check_text (&info, 130, 0.5,
              "Frame 7/24 · scale 2/3 · iteration 12/35 · loss 0.5 · 2:10 · about 5:50 left");
  info.frame = info.frames = 0;

  info.phase = NEURAL_STYLE_PHASE_LOADING;
  info.done = 0.0;
  text = neural_style_progress_text (&info, 3 * G_USEC_PER_SEC);
  g_assert_cmpstr (text, ==, "Loading the VGG19 weights · 0:03");
  g_free (text);

  info.phase = NEURAL_STYLE_PHASE_PREPARING;
  text = neural_style_progress_text (&info, 65 * G_USEC_PER_SEC);
  g_assert_cmpstr (text, ==, "Preparing the style · 1:05");
  g_free (text);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/progress-text/loss", test_loss);
  g_test_add_func ("/progress-text/elapsed", test_elapsed);
  g_test_add_func ("/progress-text/time-left", test_time_left);
  g_test_add_func ("/progress-text/text", test_text);

  return g_test_run ();
}
