/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CLI's fixed options and its synopsis (see cli_options.h). */
#include "cli_options.h"

#include <getopt.h>
#include <string.h>

#include "neural_style.h"
#include "ns_settings.h"

/* A number of neural_style.h in a help text. */
#define CLI_STRING_(x) #x
#define CLI_STRING(x) CLI_STRING_ (x)
#define BLEND_RANGE "from " CLI_STRING (NS_BLEND_MIN) " to " CLI_STRING (NS_BLEND_MAX)

const cli_fixed_option cli_fixed_options[OPT_FIXED_COUNT] = {
  [OPT_WEIGHTS] = { "weights", required_argument,
                    "FILE  VGG19 safetensors (default: $NEURAL_STYLE_WEIGHTS, else the file "
                    "neural-style-get-weights stores)",
                    CLI_BOTH },
  [OPT_CONTENT] = { "content", required_argument, "IMAGE  the picture to repaint", CLI_STILL },
  [OPT_STYLE] = { "style", required_argument,
                  "IMAGE  a style picture (up to " CLI_STRING (NS_MAX_STYLES) ": a blend)", CLI_BOTH },
  [OPT_STYLE_REGION] = { "style-region", required_argument,
                         "MASK  where the --style before it paints: white inside (stretched to "
                         "the content); styles without one paint the rest",
                         CLI_BOTH },
  [OPT_KEEP_REGION] = { "keep-region", required_argument,
                        "MASK  a region whose shapes are kept (--keep-strength): white inside",
                        CLI_BOTH },
  [OPT_OUT] = { "out", required_argument,
                "OUT.png  where the result goes (a JPEG when named .jpg or .jpeg); an existing "
                "file is replaced, the --content one too when it is named",
                CLI_STILL },
  [OPT_OUT_DIR] = { "out-dir", required_argument,
                    "DIR  (animate) where the frames' results go, each named as its frame; "
                    "a frame's own file is never replaced",
                    CLI_ANIMATE },
  [OPT_INDEPENDENT] = { "independent", no_argument,
                        " (animate) paint every frame alone, as a still (to compare with)",
                        CLI_ANIMATE },
  [OPT_LAYER_WEIGHTS] = { "style-layer-weights", required_argument,
                          "W1,W2,W3,W4,W5  the five style-layer-weight-N at once, shallow to deep",
                          CLI_BOTH },
  [OPT_BLEND] = { "style-blend", required_argument,
                  "B1,B2,…  relative weights of several --style images, each " BLEND_RANGE
                  " (default equal)",
                  CLI_BOTH },
  [OPT_QUIET] = { "quiet", no_argument, " no progress bar", CLI_BOTH },
  [OPT_HELP] = { "help", no_argument, " this text", CLI_BOTH },
};

/* The columns text takes: its characters, not bytes ("…" is one). */
static int
columns (const char *text)
{
  int count = 0;
  for (const char *c = text; *c; c++)
    count += ((unsigned char) *c & 0xc0) != 0x80;
  return count;
}

/* Adds item to the line (column columns wide so far), first ending the
 * line with " \" when item would pass width. */
static void
add_item (FILE *out, const char *item, int width, int *column)
{
  if (*column + 1 + columns (item) + 2 > width)
    {
      fputs (" \\\n ", out);
      *column = 1;
    }
  fprintf (out, " %s", item);
  *column += 1 + columns (item);
}

void
cli_print_synopsis (FILE *out, int width)
{
  char item[256];
  int column;

  fputs ("neural-style " CLI_REQUIRED_OPTIONS, out);
  column = columns ("neural-style " CLI_REQUIRED_OPTIONS);
  for (int k = 0; k < OPT_FIXED_COUNT; k++)
    {
      const cli_fixed_option *o = &cli_fixed_options[k];
      if (k == OPT_CONTENT || k == OPT_STYLE || k == OPT_OUT || !(o->commands & CLI_STILL))
        continue;
      if (o->has_arg == no_argument)
        snprintf (item, sizeof item, "[--%s]", o->name);
      else
        snprintf (item, sizeof item, "[--%s %.*s]", o->name, (int) strcspn (o->text, " "), o->text);
      add_item (out, item, width, &column);
    }
  for (int i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];
      int used = 0;
      switch (s->type)
        {
        case NS_SETTING_DOUBLE:
          snprintf (item, sizeof item, "[--%s %g]", s->name, s->default_value);
          break;
        case NS_SETTING_INT:
          snprintf (item, sizeof item, "[--%s %.0f]", s->name, s->default_value);
          break;
        case NS_SETTING_BOOLEAN:
          snprintf (item, sizeof item, "[--%s%s]", s->default_value != 0.0 ? "no-" : "", s->name);
          break;
        case NS_SETTING_CHOICE:
          used = snprintf (item, sizeof item, "[--%s ", s->name);
          for (const ns_setting_choice *c = s->choices; c->nick && used < (int) sizeof item; c++)
            used += snprintf (item + used, sizeof item - (size_t) used, "%s%s",
                              c == s->choices ? "" : "|", c->nick);
          if (used < (int) sizeof item - 1)
            strcat (item, "]");
          break;
        }
      add_item (out, item, width, &column);
    }
  fputc ('\n', out);
}
