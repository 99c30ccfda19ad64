/* SPDX-License-Identifier: GPL-3.0-or-later */
/* readme-tables [--check] README.md: the parts of README that the settings
 * table says, written from it, so that they cannot drift from it.  Each
 * sits between
 *   <!-- BEGIN generated: NAME (tools/readme-tables) -->
 *   <!-- END generated -->
 * and is rewritten in place; with --check README is only compared, and the
 * exit status is 1 when a part differs from what this writes (the readme
 * test).  Parts: script-fu-settings (the settings' Script-Fu arguments),
 * cli-synopsis (the command line's options). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_options.h"
#include "ns_settings.h"

#define BEGIN "<!-- BEGIN generated: "
#define BEGIN_TAIL " (tools/readme-tables) -->\n"
#define END "<!-- END generated -->\n"

/* text with Markdown's table cell separator escaped; a label without
 * its mnemonic underscore */
static void
print_cell (FILE *out, const char *text, int label)
{
  for (const char *c = text; *c; c++)
    if (*c == '|')
      fputs ("\\|", out);
    else if (*c != '_' || !label)
      fputc (*c, out);
}

static void
print_value (FILE *out, const ns_setting *s, double value)
{
  switch (s->type)
    {
    case NS_SETTING_DOUBLE:
      fprintf (out, "%g", value);
      break;
    case NS_SETTING_INT:
      fprintf (out, "%.0f", value);
      break;
    case NS_SETTING_BOOLEAN:
      fputs (value != 0.0 ? "`#t`" : "`#f`", out);
      break;
    case NS_SETTING_CHOICE:
      fprintf (out, "`\"%s\"`", ns_setting_choice_of (s, (int) value)->nick);
      break;
    }
}

static void
script_fu_settings (FILE *out)
{
  fputs ("| argument | default | values | what |\n| --- | --- | --- | --- |\n", out);
  for (int i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];
      fprintf (out, "| `#:%s` | ", s->name);
      print_value (out, s, s->default_value);
      fputs (" | ", out);
      if (s->type == NS_SETTING_DOUBLE || s->type == NS_SETTING_INT)
        {
          print_value (out, s, s->min);
          fputs (" to ", out);
          print_value (out, s, s->max);
        }
      else if (s->type == NS_SETTING_BOOLEAN)
        fputs ("`#t`, `#f`", out);
      for (const ns_setting_choice *c = s->choices; c && c->nick; c++)
        {
          fprintf (out, "%s`\"%s\"`", c == s->choices ? "" : ", ", c->nick);
          for (const ns_setting_former *f = c->former; f && f->name; f++)
            fprintf (out, " (formerly `\"%s\"`)", f->name);
        }
      fputs (" | ", out);
      print_cell (out, s->label, 1);
      fputs (": ", out);
      print_cell (out, s->help, 0);
      fputc ('.', out);
      for (const ns_setting_former *f = s->former; f && f->name; f++)
        if (!f->command_line_only && f->kind == NS_FORMER_SWITCH)
          fprintf (out, " The older `#:%s #t` is `\"%s\"`, `#f` `\"%s\"`.", f->name, f->if_true,
                   f->if_false);
        else if (!f->command_line_only && f->kind == NS_FORMER_NEGATION)
          fprintf (out, " The older `#:%s #t` is `#f`.", f->name);
      fputs (" |\n", out);
    }
}

static void
cli_synopsis (FILE *out)
{
  fputs ("```sh\n", out);
  cli_print_synopsis (out, 96);
  fputs ("```\n", out);
}

static const struct
{
  const char *name;
  void (*write) (FILE *out);
} parts[] = {
  { "script-fu-settings", script_fu_settings },
  { "cli-synopsis", cli_synopsis },
};
#define PART_COUNT ((int) (sizeof parts / sizeof parts[0]))

static char *
read_all (const char *path, size_t *length)
{
  FILE *in = fopen (path, "rb");
  char *text = NULL;
  size_t size = 0;
  FILE *copy = open_memstream (&text, &size);
  int c;

  if (!in || !copy)
    {
      if (in)
        fclose (in);
      if (copy)
        fclose (copy);
      free (text);
      return NULL;
    }
  while ((c = fgetc (in)) != EOF)
    fputc (c, copy);
  fclose (in);
  fclose (copy);
  *length = size;
  return text;
}

/* README with every part rewritten into *result; 0 with a message when a
 * part is unknown, unended or missing. */
static int
rewrite (const char *readme, char **result, size_t *length)
{
  FILE *out = open_memstream (result, length);
  int seen[PART_COUNT] = { 0 };
  const char *p = readme;
  int ok = 1;

  while (ok)
    {
      const char *begin = strstr (p, BEGIN);
      if (!begin)
        {
          fputs (p, out);
          break;
        }
      const char *name = begin + strlen (BEGIN);
      const char *tail = strstr (name, BEGIN_TAIL);
      const char *end = tail ? strstr (tail, END) : NULL;
      int k = 0;
      while (k < PART_COUNT && tail &&
             !((size_t) (tail - name) == strlen (parts[k].name) &&
               strncmp (name, parts[k].name, (size_t) (tail - name)) == 0))
        k++;
      if (!tail || !end || k == PART_COUNT)
        {
          fprintf (stderr, "readme-tables: a part at \"%.60s\" is unknown or has no end\n", begin);
          ok = 0;
          break;
        }
      seen[k]++;
      fwrite (p, 1, (size_t) (tail + strlen (BEGIN_TAIL) - p), out);
      parts[k].write (out);
      fputs (END, out);
      p = end + strlen (END);
    }
  fclose (out);
  for (int k = 0; ok && k < PART_COUNT; k++)
    if (seen[k] != 1)
      {
        fprintf (stderr, "readme-tables: README has %d parts called %s (1 wanted)\n", seen[k],
                 parts[k].name);
        ok = 0;
      }
  return ok;
}

int
main (int argc, char **argv)
{
  const int check = argc == 3 && strcmp (argv[1], "--check") == 0;
  const char *path = argv[argc - 1];
  char *readme, *result = NULL;
  size_t readme_length = 0, length = 0;

  if (argc != 2 + check)
    {
      fputs ("usage: readme-tables [--check] README.md\n", stderr);
      return 2;
    }
  readme = read_all (path, &readme_length);
  if (!readme)
    {
      perror (path);
      return 2;
    }
  if (!rewrite (readme, &result, &length))
    {
      free (readme);
      free (result);
      return 1;
    }
  int status = 0;
  if (length == readme_length && memcmp (readme, result, length) == 0)
    printf ("%s: the generated parts are up to date\n", path);
  else if (check)
    {
      fprintf (stderr,
               "%s: a generated part differs from the settings table; run readme-tables %s "
               "(ninja -C BUILD readme-tables)\n",
               path, path);
      status = 1;
    }
  else
    {
      FILE *out = fopen (path, "wb");
      if (!out || fwrite (result, 1, length, out) != length || fclose (out) != 0)
        {
          perror (path);
          status = 1;
        }
      else
        printf ("%s: rewrote the generated parts\n", path);
    }
  free (readme);
  free (result);
  return status;
}
