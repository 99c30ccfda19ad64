/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a command line asks of a run, still or animation: its options
 * parsed (the fixed ones and the settings table's), its styles, regions
 * and weights loaded, and the result written without losing it. */
#ifndef CLI_RUN_H
#define CLI_RUN_H

#include <stdio.h>

#include "cli_options.h"
#include "neural_style.h"

typedef struct
{
  ns_params params;
  const char *weights_option;          /* --weights, or NULL */
  const char *content_path, *out_path; /* a still's */
  const char *out_dir;                 /* an animation's */
  int independent;                     /* an animation's frames painted alone */
  const char *style_paths[NS_MAX_STYLES], *region_paths[NS_MAX_STYLES];
  double blend[NS_MAX_STYLES];
  int style_count, blend_count;
  const char *keep_path;
  int quiet;
  int operands; /* argv's index of the first operand (an animation's frames) */
} cli_run;

/* Parses command's options (argv[0] is the command's name) into run.
 * Returns -1 when the run goes on, else the exit status: 0 after --help,
 * 2 after a message on stderr. */
int cli_run_parse (int argc, char **argv, cli_command command, cli_run *run);

/* The usage of command. */
void cli_run_usage (FILE *out, cli_command command);

/* The pictures and weights a run reads, besides its content. */
typedef struct
{
  ns_image style_images[NS_MAX_STYLES], regions[NS_MAX_STYLES], keep;
  ns_style styles[NS_MAX_STYLES];
  int style_count;
  int has_keep;
  ns_weights weights;
} cli_inputs;

/* Finds the weights (a message on stderr and exit status 2 when there are
 * none); returns -1 when found, into path. */
int cli_run_find_weights (const cli_run *run, char *path, size_t size);

/* Loads the styles, their regions and the region to keep. */
ns_status cli_inputs_load_images (const cli_run *run, cli_inputs *inputs, ns_error *err);

/* Loads the weights the run's settings need. */
ns_status cli_inputs_load_weights (const cli_run *run, const char *weights_path, cli_inputs *inputs,
                                   ns_error *err);

/* A request to paint content with the inputs and the run's settings,
 * reporting to progress (user_data its). */
ns_request cli_inputs_request (const cli_run *run, cli_inputs *inputs, const ns_image *content,
                               ns_progress_fn progress, void *user_data);

void cli_inputs_clear (cli_inputs *inputs);

/* Writes the result to path; when that fails at the end (a full disk),
 * to a new file in $TMPDIR rather than lose it, the message naming it. */
ns_status cli_save_result (const char *path, const ns_image *result, ns_error *err);

#endif
