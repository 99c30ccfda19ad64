/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NS_ASSERT (expr): a programmer's error, not a user's.  When expr is false
 * the process aborts after naming the file, line and expression on stderr.
 * For the preconditions of internal functions (pointers that may not be
 * NULL, sizes that must be positive); what a user can get wrong (a file, a
 * parameter, an image) is an ns_error, returned and never printed. */
#ifndef NS_ASSERT_H
#define NS_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

static inline void
ns_assert_failed (const char *file, int line, const char *expression)
{
  fprintf (stderr, "%s:%d: neural-style: assertion failed: %s\n", file, line, expression);
  abort ();
}

#define NS_ASSERT(expr) ((expr) ? (void) 0 : ns_assert_failed (__FILE__, __LINE__, #expr))

#endif
