/* The progress text of the plug-in (ui/neural-style-progress-text.c): the
 * loss, the elapsed time and the whole line, in English (no catalog).
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
test_text (void)
{
  NeuralStyleProgressInfo info = { NEURAL_STYLE_PHASE_ITERATING, 2, 3, 120, 300, 12345.0 };
  gchar *text;

  text = neural_style_progress_text (&info, 42 * G_USEC_PER_SEC);
  g_assert_cmpstr (text, ==, "Scale 2/3 · iteration 120/300 · loss 1.2e4 · 0:42");
  g_free (text);

  info.scale = 1;
  info.scales = 1;
  info.iteration = 100000;
  info.iterations = 100000;
  info.loss = NAN;
  text = neural_style_progress_text (&info, (gint64) 7384 * G_USEC_PER_SEC);
  g_assert_cmpstr (text, ==, "Scale 1/1 · iteration 100000/100000 · loss – · 2:03:04");
  g_free (text);

  info.phase = NEURAL_STYLE_PHASE_LOADING;
  text = neural_style_progress_text (&info, 3 * G_USEC_PER_SEC);
  g_assert_cmpstr (text, ==, "Loading the VGG19 weights · 0:03");
  g_free (text);

  info.phase = NEURAL_STYLE_PHASE_PREPARING;
  text = neural_style_progress_text (&info, 65 * G_USEC_PER_SEC);
  g_assert_cmpstr (text, ==, "Preparing the style · 1:05");
  g_free (text);
}

static void
test_fraction (void)
{
  /* Scales of 128, 256 and 512 px with 100, 50 and 25 iterations cost
   * 1, 2 and 4 units: 7 in all. */
  const gint sizes[] = { 128, 256, 512 };
  const gint iterations[] = { 100, 50, 25 };
  NeuralStyleProgressInfo info = { NEURAL_STYLE_PHASE_ITERATING, 1, 3, 50, 100, 1.0 };

  g_assert_cmpfloat_with_epsilon (neural_style_progress_fraction (&info, sizes, iterations, 3),
                                  0.5 / 7.0, 1e-12);
  info.scale = 3;
  info.iteration = 25;
  info.iterations = 25;
  g_assert_cmpfloat_with_epsilon (neural_style_progress_fraction (&info, sizes, iterations, 3), 1.0,
                                  1e-12);
  info.phase = NEURAL_STYLE_PHASE_LOADING;
  g_assert_cmpfloat (neural_style_progress_fraction (&info, sizes, iterations, 3), ==, 0.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/progress-text/loss", test_loss);
  g_test_add_func ("/progress-text/elapsed", test_elapsed);
  g_test_add_func ("/progress-text/text", test_text);
  g_test_add_func ("/progress-text/fraction", test_fraction);

  return g_test_run ();
}
