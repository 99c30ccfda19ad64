/* SPDX-License-Identifier: GPL-3.0-or-later */
/* settings-table: the engine's settings table (include/ns_settings.h), one
 * row a line: "NAME TYPE MIN MAX" with TYPE double, int, boolean or choice
 * (the range only for numbers), for shell tests that go through every
 * setting. */

#include <stdio.h>

#include "ns_settings.h"

int
main (void)
{
  static const char *const types[] = { "double", "int", "boolean", "choice" };
  int i;

  for (i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];

      if (s->type == NS_SETTING_DOUBLE || s->type == NS_SETTING_INT)
        printf ("%s %s %.17g %.17g\n", s->name, types[s->type], s->min, s->max);
      else
        printf ("%s %s\n", s->name, types[s->type]);
    }

  return ferror (stdout) ? 1 : 0;
}
