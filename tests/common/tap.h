/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one way every C test reports: a TAP stream (testanything.org), which
 * meson's `protocol: 'tap'` reads check by check.  Each test is a program of
 * its own, so the counts can be this header's statics.
 *   tap_check (ok, "what %d", …)   "ok N - what" or "not ok N - what"
 *   tap_skip ("why")               one check that cannot run here: "ok N # SKIP why"
 *   tap_note ("…")                 "# …": anything else the test has to say
 *   return tap_skip_all ("why")    nothing to test here: "1..0 # SKIP why"
 *   return tap_done ()             the plan, and the exit status */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_checks, tap_failures;

/* The rest of a TAP line: a description or message holding a newline (a
 * refused input's text, say) would start a line meson cannot read. */
static inline void
tap_print_rest (const char *format, va_list args)
{
  char text[4096];
  vsnprintf (text, sizeof text, format, args);
  for (const char *c = text; *c; c++)
    if (*c == '\n')
      fputs ("\\n", stdout);
    else if (*c == '\r')
      fputs ("\\r", stdout);
    else
      putchar (*c);
  putchar ('\n');
}

__attribute__ ((format (printf, 2, 3))) static inline int
tap_check (int ok, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  printf ("%s %d - ", ok ? "ok" : "not ok", ++tap_checks);
  tap_print_rest (format, args);
  va_end (args);
  fflush (stdout);
  if (!ok)
    tap_failures++;
  return ok;
}

__attribute__ ((format (printf, 1, 2))) static inline void
tap_note (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  fputs ("# ", stdout);
  tap_print_rest (format, args);
  va_end (args);
}

__attribute__ ((format (printf, 1, 2))) static inline void
tap_skip (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  printf ("ok %d # SKIP ", ++tap_checks);
  tap_print_rest (format, args);
  va_end (args);
}

__attribute__ ((format (printf, 1, 2))) static inline int
tap_skip_all (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  fputs ("1..0 # SKIP ", stdout);
  tap_print_rest (format, args);
  va_end (args);
  return 0;
}

static inline int
tap_done (void)
{
  printf ("1..%d\n# %d passed, %d failed\n", tap_checks, tap_checks - tap_failures, tap_failures);
  return tap_failures > 0 || tap_checks == 0;
}

#endif
