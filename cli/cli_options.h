/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CLI's options that are not settings of the engine, and its synopsis
 * (the fixed options and the settings table's), which README shows
 * (tools/readme-tables writes it there). */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include <stdio.h>

/* What every run needs. */
#define CLI_REQUIRED_OPTIONS "--content IMAGE --style IMAGE [--style IMAGE…] --out OUT.png"
/* What an animation needs. */
#define CLI_ANIMATE_REQUIRED "animate --style IMAGE [--style IMAGE…] --out-dir DIR FRAME…"

/* The commands an option belongs to. */
typedef enum
{
  CLI_STILL = 1,   /* neural-style --content … --out … */
  CLI_ANIMATE = 2, /* neural-style animate … */
  CLI_BOTH = 3
} cli_command;

enum
{
  OPT_WEIGHTS,
  OPT_CONTENT,
  OPT_STYLE,
  OPT_STYLE_REGION,
  OPT_KEEP_REGION,
  OPT_OUT,
  OPT_OUT_DIR,
  OPT_INDEPENDENT,
  OPT_LAYER_WEIGHTS,
  OPT_BLEND,
  OPT_QUIET,
  OPT_HELP,
  OPT_FIXED_COUNT
};

typedef struct
{
  const char *name;
  int has_arg;      /* getopt_long's */
  const char *text; /* "ARG  help" as --help shows it; " help" without an argument */
  cli_command commands;
} cli_fixed_option;

extern const cli_fixed_option cli_fixed_options[OPT_FIXED_COUNT];

/* "neural-style --content IMAGE … \" and the optional options, one
 * "[--name ARG]" each (a setting's ARG its default, or its choices), in
 * lines of at most width columns ended by " \". */
void cli_print_synopsis (FILE *out, int width);

#endif
