/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A run's options, inputs and result file (see cli_run.h). */
#include "cli_run.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image_io.h"
#include "ns_settings.h"

#define OPTION_BASE 256
#define MAX_OPTIONS 128

/* What a getopt_long value stands for: a fixed option, or a setting (and
 * whether it is the "--no-" form of a boolean, or the choice a former
 * switch's "--NAME" or "--no-NAME" stands for). */
typedef struct
{
  int fixed; /* an OPT_*, or -1 */
  const ns_setting *setting;
  int negate;
  const ns_setting_choice *choice;
} cli_option;

/* How many getopt options the fixed ones and the settings make. */
static int
option_count (void)
{
  int count = OPT_FIXED_COUNT;
  for (int i = 0; i < ns_settings_count; i++)
    {
      count += ns_settings[i].type == NS_SETTING_BOOLEAN ? 2 : 1;
      for (const ns_setting_former *f = ns_settings[i].former; f && f->name; f++)
        count += f->kind == NS_FORMER_SWITCH ? 2 : 1;
    }
  return count;
}

/* A label without its mnemonic underscore. */
static void
print_label (FILE *out, const char *label)
{
  for (const char *p = label; *p; p++)
    if (*p != '_')
      fputc (*p, out);
}

/* text, wrapped to 78 columns, each line indented by indent spaces. */
static void
print_wrapped (FILE *out, const char *text, int indent)
{
  int column = indent;
  fprintf (out, "%*s", indent, "");
  while (*text)
    {
      int word = (int) strcspn (text, " ");
      if (column > indent && column + 1 + word > 78)
        {
          fprintf (out, "\n%*s", indent, "");
          column = indent;
        }
      else if (column > indent)
        {
          fputc (' ', out);
          column++;
        }
      fprintf (out, "%.*s", word, text);
      column += word;
      text += word;
      while (*text == ' ')
        text++;
    }
  fputc ('\n', out);
}

void
cli_run_usage (FILE *out, cli_command command)
{
  if (command == CLI_ANIMATE)
    fprintf (out, "usage: neural-style " CLI_ANIMATE_REQUIRED " [options]\n"
                  "Paints the frames in order, each from the one before it warped by the\n"
                  "frames' optical flow and held to it where the flow is consistent (Ruder,\n"
                  "Dosovitskiy and Brox 2016): steady from frame to frame.  A frame most of\n"
                  "which the one before does not show (a scene cut) starts afresh.\n");
  else
    fprintf (out, "usage: neural-style " CLI_REQUIRED_OPTIONS " [options]\n"
                  "       neural-style " CLI_ANIMATE_REQUIRED " [options]  (see animate --help)\n"
                  "       neural-style convert-weights IN OUT [--dtype f16|f32]  (see "
                  "convert-weights --help)\n");
  for (int k = 0; k < OPT_FIXED_COUNT; k++)
    if (cli_fixed_options[k].commands & command)
      fprintf (out, "  --%s %s\n", cli_fixed_options[k].name, cli_fixed_options[k].text);
  fprintf (out, "settings (the plug-in's arguments of the same names):\n");
  for (int i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];
      fprintf (out, "  --%s", s->name);
      if (s->type == NS_SETTING_BOOLEAN)
        fprintf (out, ", --no-%s", s->name);
      for (const ns_setting_former *f = s->former; f && f->name; f++)
        if (f->kind != NS_FORMER_SWITCH)
          fprintf (out, ", --%s", f->name);
      switch (s->type)
        {
        case NS_SETTING_DOUBLE:
          fprintf (out, " NUMBER  (%g to %g; default %g)", s->min, s->max, s->default_value);
          break;
        case NS_SETTING_INT:
          fprintf (out, " N  (%.0f to %.0f; default %.0f)", s->min, s->max, s->default_value);
          break;
        case NS_SETTING_BOOLEAN:
          fprintf (out, "  (default %s)", s->default_value != 0.0 ? "on" : "off");
          break;
        case NS_SETTING_CHOICE:
          fputc (' ', out);
          for (const ns_setting_choice *c = s->choices; c->nick; c++)
            fprintf (out, "%s%s", c == s->choices ? "" : "|", c->nick);
          fprintf (out, "  (default %s)", ns_setting_default_nick (s));
          break;
        }
      fprintf (out, "\n      ");
      print_label (out, s->label);
      fputc ('\n', out);
      print_wrapped (out, s->help, 6);
      for (const ns_setting_choice *c = s->choices; c && c->nick; c++)
        for (const ns_setting_former *f = c->former; f && f->name; f++)
          fprintf (out, "      (\"%s\" is the old name of \"%s\")\n", f->name, c->nick);
      for (const ns_setting_former *f = s->former; f && f->name; f++)
        if (f->kind == NS_FORMER_SWITCH)
          {
            char text[256];
            snprintf (text, sizeof text, "(the older --%s is --%s %s, --no-%s is --%s %s)", f->name,
                      s->name, f->if_true, f->name, s->name, f->if_false);
            print_wrapped (out, text, 6);
          }
    }
  if (command == CLI_ANIMATE)
    fprintf (out, "Frames are PNG or JPEG files of one size, read one at a time; each result is\n"
                  "written as soon as its frame is painted.  Ctrl-C (or SIGTERM) stops after the\n"
                  "step under way, writes the frame under way as painted so far and keeps the\n"
                  "frames before it (exit status 130, or 143); a second one ends at once.  One\n"
                  "line on stdout per frame, and a last one for the whole.\n");
  else
    fprintf (out, "PNG and JPEG inputs (RGB, grey or CMYK).  The output's folder is checked\n"
                  "before the run; the picture is written to a file beside it and renamed, so\n"
                  "OUT is never left half written: when it cannot be written at the end (a full\n"
                  "disk) the picture goes to $TMPDIR (else /tmp), named in the message.  Ctrl-C\n"
                  "(or SIGTERM) stops after the step under way and writes the result so far\n"
                  "(exit status 130, or 143); a second one ends at once.  The last line on\n"
                  "stdout reports the first and last losses and the time taken.\n");
}

/* A setting's number: the whole text must be one, finite or not (the
 * setting's check refuses what is out of its range, with the range). */
static int
parse_number (const char *text, const char *option, const ns_setting *setting, double *value)
{
  char *end;
  *value = strtod (text, &end);
  if (end == text || *end != '\0')
    {
      if (setting->type == NS_SETTING_INT)
        fprintf (stderr, "neural-style: %s wants a whole number from %.0f to %.0f, not \"%s\"\n",
                 option, setting->min, setting->max, text);
      else
        fprintf (stderr, "neural-style: %s wants a number from %g to %g, not \"%s\"\n", option,
                 setting->min, setting->max, text);
      return 0;
    }
  return 1;
}

/* "a,b,c" into at most max numbers; returns how many, or -1 on a bad entry. */
static int
parse_list (const char *text, const char *option, double *values, int max)
{
  int count = 0;
  const char *p = text;
  while (*p)
    {
      char *end;
      if (count == max)
        {
          fprintf (stderr, "neural-style: %s takes at most %d numbers\n", option, max);
          return -1;
        }
      values[count] = strtod (p, &end);
      if (end == p || (*end != ',' && *end != '\0'))
        {
          fprintf (stderr, "neural-style: %s wants numbers separated by commas, not \"%s\"\n",
                   option, text);
          return -1;
        }
      count++;
      p = *end == ',' ? end + 1 : end;
    }
  return count;
}

/* Sets a setting from its option's argument (NULL for a boolean); 0 with a
 * message when the argument is not a value of the setting. */
static int
parse_setting (const cli_option *option, const char *text, const char *name, ns_params *params)
{
  const ns_setting *s = option->setting;
  double value;
  ns_error err;

  if (option->choice)
    value = option->choice->value;
  else if (s->type == NS_SETTING_BOOLEAN)
    value = option->negate ? 0.0 : 1.0;
  else if (s->type == NS_SETTING_CHOICE)
    {
      const ns_setting_choice *c = ns_setting_choice_find (s, text);
      if (!c)
        {
          fprintf (stderr, "neural-style: %s does not know \"%s\"\n", name, text);
          return 0;
        }
      value = c->value;
    }
  else
    {
      if (!parse_number (text, name, s, &value))
        return 0;
      if (ns_setting_check (s, value, &err) != NS_OK)
        {
          fprintf (stderr, "neural-style: %s\n", err.message);
          return 0;
        }
    }
  ns_setting_set (params, s, value);
  return 1;
}

ns_status
cli_save_result (const char *path, const ns_image *result, ns_error *err)
{
  ns_status status = image_save (path, result, err);
  if (status == NS_OK)
    return NS_OK;
  char fallback[4096];
  ns_error also;
  const ns_error first = *err;
  if (image_save_fallback (path, result, fallback, sizeof fallback, &also) == NS_OK)
    return ns_error_set (err, status, "%s; the picture is in %s instead", first.message, fallback);
  return ns_error_set (err, status, "%s, %s: the picture is lost", first.message, also.message);
}

int
cli_run_parse (int argc, char **argv, cli_command command, cli_run *run)
{
  memset (run, 0, sizeof *run);
  ns_params_init (&run->params);

  /* The options: the fixed ones, then per setting "--NAME" (and
   * "--no-NAME" for booleans) and its former names ("--NAME" and
   * "--no-NAME" for a former switch to a choice).  An option's getopt
   * value is OPTION_BASE + its index in meanings. */
  struct option options[MAX_OPTIONS + 1];
  cli_option meanings[MAX_OPTIONS];
  char no_names[MAX_OPTIONS][64];
  int count = 0, no_count = 0;
  if (option_count () > MAX_OPTIONS)
    {
      fprintf (stderr, "neural-style: too many settings for MAX_OPTIONS\n");
      return 1;
    }
  memset (options, 0, sizeof options);
  for (int k = 0; k < OPT_FIXED_COUNT; k++, count++)
    {
      options[count] = (struct option) { cli_fixed_options[k].name, cli_fixed_options[k].has_arg,
                                         NULL, OPTION_BASE + count };
      meanings[count] = (cli_option) { k, NULL, 0, NULL };
    }
  for (int i = 0; i < ns_settings_count; i++)
    {
      const ns_setting *s = &ns_settings[i];
      int boolean = s->type == NS_SETTING_BOOLEAN;
      options[count] = (struct option) { s->name, boolean ? no_argument : required_argument, NULL,
                                         OPTION_BASE + count };
      meanings[count++] = (cli_option) { -1, s, 0, NULL };
      if (boolean)
        {
          snprintf (no_names[no_count], sizeof no_names[0], "no-%s", s->name);
          options[count] = (struct option) { no_names[no_count++], no_argument, NULL,
                                             OPTION_BASE + count };
          meanings[count++] = (cli_option) { -1, s, 1, NULL };
        }
      for (const ns_setting_former *f = s->former; f && f->name; f++)
        if (f->kind == NS_FORMER_SWITCH)
          {
            options[count] = (struct option) { f->name, no_argument, NULL, OPTION_BASE + count };
            meanings[count++] = (cli_option) {
              -1, s, 0, ns_setting_choice_of (s, ns_setting_former_value (s, f, 1))
            };
            snprintf (no_names[no_count], sizeof no_names[0], "no-%s", f->name);
            options[count] = (struct option) { no_names[no_count++], no_argument, NULL,
                                               OPTION_BASE + count };
            meanings[count++] = (cli_option) {
              -1, s, 0, ns_setting_choice_of (s, ns_setting_former_value (s, f, 0))
            };
          }
        else
          {
            options[count] = (struct option) { f->name, boolean ? no_argument : required_argument,
                                               NULL, OPTION_BASE + count };
            meanings[count++] = (cli_option) { -1, s, f->kind == NS_FORMER_NEGATION, NULL };
          }
    }
  int option;
  while ((option = getopt_long (argc, argv, "", options, NULL)) != -1)
    {
      char name[48];
      if (option < OPTION_BASE || option >= OPTION_BASE + count)
        {
          cli_run_usage (stderr, command);
          return 2;
        }
      option -= OPTION_BASE;
      snprintf (name, sizeof name, "--%s", options[option].name);
      const cli_option *meaning = &meanings[option];
      if (meaning->setting)
        {
          if (!parse_setting (meaning, optarg, name, &run->params))
            return 2;
          continue;
        }
      if (!(cli_fixed_options[meaning->fixed].commands & command))
        {
          if (command == CLI_ANIMATE)
            fprintf (stderr,
                     "neural-style animate: %s is a still's option: an animation's frames "
                     "are its operands, its results go to --out-dir\n",
                     name);
          else
            fprintf (stderr,
                     "neural-style: %s is an animation's option (neural-style animate "
                     "--help)\n",
                     name);
          return 2;
        }
      switch (meaning->fixed)
        {
        case OPT_WEIGHTS:
          run->weights_option = optarg;
          break;
        case OPT_CONTENT:
          run->content_path = optarg;
          break;
        case OPT_OUT:
          run->out_path = optarg;
          break;
        case OPT_OUT_DIR:
          run->out_dir = optarg;
          break;
        case OPT_INDEPENDENT:
          run->independent = 1;
          break;
        case OPT_QUIET:
          run->quiet = 1;
          break;
        case OPT_HELP:
          cli_run_usage (stdout, command);
          return 0;
        case OPT_STYLE:
          if (run->style_count == NS_MAX_STYLES)
            {
              fprintf (stderr, "neural-style: at most %d styles (--style) in one run\n",
                       NS_MAX_STYLES);
              return 2;
            }
          run->style_paths[run->style_count++] = optarg;
          break;
        case OPT_STYLE_REGION:
          if (run->style_count == 0 || run->region_paths[run->style_count - 1])
            {
              fprintf (stderr, "neural-style: %s follows the --style it belongs to (one each)\n",
                       name);
              return 2;
            }
          run->region_paths[run->style_count - 1] = optarg;
          break;
        case OPT_KEEP_REGION:
          run->keep_path = optarg;
          break;
        case OPT_LAYER_WEIGHTS:
          {
            double weights[NS_STYLE_LAYER_COUNT];
            if (parse_list (optarg, name, weights, NS_STYLE_LAYER_COUNT) != NS_STYLE_LAYER_COUNT)
              {
                fprintf (stderr, "neural-style: %s wants %d numbers\n", name, NS_STYLE_LAYER_COUNT);
                return 2;
              }
            /* The table's layer weight rows, shallow to deep. */
            int k = 0;
            for (int i = 0; i < ns_settings_count; i++)
              if (ns_settings[i].group == NS_SETTING_GROUP_LAYER_WEIGHTS && k < NS_STYLE_LAYER_COUNT)
                ns_setting_set (&run->params, &ns_settings[i], weights[k++]);
          }
          break;
        case OPT_BLEND:
          if ((run->blend_count = parse_list (optarg, name, run->blend, NS_MAX_STYLES)) < 0)
            return 2;
          for (int k = 0; k < run->blend_count; k++)
            if (!(run->blend[k] >= NS_BLEND_MIN && run->blend[k] <= NS_BLEND_MAX))
              {
                fprintf (stderr, "neural-style: %s wants weights from %g to %g, not %g\n", name,
                         (double) NS_BLEND_MIN, (double) NS_BLEND_MAX, run->blend[k]);
                return 2;
              }
          break;
        default:
          cli_run_usage (stderr, command);
          return 2;
        }
    }
  run->operands = optind;
  const int complete = command == CLI_ANIMATE ?
                           run->style_count > 0 && run->out_dir && optind < argc :
                           run->content_path && run->style_count > 0 && run->out_path &&
                               optind == argc;
  if (!complete)
    {
      cli_run_usage (stderr, command);
      return 2;
    }
  if (run->blend_count && run->blend_count != run->style_count)
    {
      fprintf (stderr, "neural-style: --style-blend has %d weights for %d styles\n",
               run->blend_count, run->style_count);
      return 2;
    }
  return -1;
}

int
cli_run_find_weights (const cli_run *run, char *path, size_t size)
{
  if (ns_weights_find (run->weights_option, NULL, path, size) != NS_WEIGHTS_NONE)
    return -1;
  fprintf (stderr,
           "neural-style: No VGG19 weights found (looked at --weights, %s and %s).  "
           "Run neural-style-get-weights (it downloads 575 MB once and keeps a 40 MB "
           "file), or give --weights FILE.\n",
           NS_WEIGHTS_ENV, *path ? path : "$XDG_DATA_HOME or $HOME (neither is set)");
  return 2;
}

ns_status
cli_inputs_load_images (const cli_run *run, cli_inputs *inputs, ns_error *err)
{
  ns_status status = NS_OK;
  for (int k = 0; k < run->style_count && status == NS_OK; k++)
    {
      status = image_load (run->style_paths[k], &inputs->style_images[k], err);
      if (status == NS_OK && run->region_paths[k])
        status = image_load_mask (run->region_paths[k], &inputs->regions[k], err);
      inputs->styles[k] = (ns_style) { &inputs->style_images[k],
                                       run->blend_count ? run->blend[k] : 1.0,
                                       run->region_paths[k] ? &inputs->regions[k] : NULL };
      inputs->style_count = k + 1;
    }
  if (status == NS_OK && run->keep_path)
    {
      status = image_load_mask (run->keep_path, &inputs->keep, err);
      inputs->has_keep = status == NS_OK;
    }
  return status;
}

ns_status
cli_inputs_load_weights (const cli_run *run, const char *weights_path, cli_inputs *inputs,
                         ns_error *err)
{
  return ns_weights_load (&inputs->weights, weights_path, ns_conv_count_needed (&run->params), err);
}

ns_request
cli_inputs_request (const cli_run *run, cli_inputs *inputs, const ns_image *content,
                    ns_progress_fn progress, void *user_data)
{
  return (ns_request) {
    .content = content,
    .styles = inputs->styles,
    .style_count = inputs->style_count,
    .keep = inputs->has_keep ? &inputs->keep : NULL,
    .params = &run->params,
    .progress = progress,
    .user_data = user_data,
  };
}

void
cli_inputs_clear (cli_inputs *inputs)
{
  for (int k = 0; k < NS_MAX_STYLES; k++)
    {
      ns_image_clear (&inputs->style_images[k]);
      ns_image_clear (&inputs->regions[k]);
    }
  ns_image_clear (&inputs->keep);
  ns_weights_clear (&inputs->weights);
  inputs->style_count = 0;
  inputs->has_keep = 0;
}
