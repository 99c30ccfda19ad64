/* SPDX-License-Identifier: GPL-3.0-or-later */
/* neural-style: the engine from the command line, for headless use and
 * benchmarks.  neural-style --help lists the options: the settings' come
 * from the engine's settings table (include/ns_settings.h).
 * neural-style convert-weights IN OUT makes the small weights file that
 * neural-style-get-weights installs. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_options.h"
#include "image_io.h"
#include "neural_style.h"
#include "ns_settings.h"

/* The signal (SIGINT, SIGTERM) that asked the run to stop, or 0.  The one
 * piece of global state here, and unavoidably so: a signal handler can
 * reach nothing else, and may only set a volatile sig_atomic_t (the
 * progress callback reads it). */
static volatile sig_atomic_t stop_signal = 0;

/* The first signal asks the run to stop after the step under way (the
 * progress callback answers Stop) and keep its result; a second one ends
 * the process at once, as the signal's default does.  Only
 * async-signal-safe calls: write, signal, raise. */
static void
on_stop_signal (int signal_number)
{
  static const char stopping[] = "\nneural-style: stopping after the step under way to write "
                                 "the result so far (again to end at once)\n";
  static const char ending[] = "\nneural-style: ended at once, nothing written\n";
  const int saved_errno = errno;
  if (stop_signal)
    {
      if (write (STDERR_FILENO, ending, sizeof ending - 1) < 0)
        {
          /* nothing to do: the process ends */
        }
      signal (signal_number, SIG_DFL);
      raise (signal_number);
    }
  else
    {
      stop_signal = signal_number;
      if (write (STDERR_FILENO, stopping, sizeof stopping - 1) < 0)
        {
          /* the stop goes on without the notice */
        }
    }
  errno = saved_errno;
}

/* SIGINT and SIGTERM to on_stop_signal, for the run; not where they were
 * ignored when the process started (a background job of a script, nohup):
 * whoever ignored them meant it. */
static void
catch_stop_signals (void)
{
  static const int signals[] = { SIGINT, SIGTERM };
  for (size_t k = 0; k < sizeof signals / sizeof signals[0]; k++)
    {
      struct sigaction action, old;
      if (sigaction (signals[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        continue;
      memset (&action, 0, sizeof action);
      action.sa_handler = on_stop_signal;
      sigemptyset (&action.sa_mask);
      sigaction (signals[k], &action, NULL);
    }
}

typedef struct
{
  struct timespec start;
  int quiet;
  int evaluations;
  ns_progress first, last;
  int line_length; /* of the progress line being rewritten, to blank what it leaves */
} cli_progress;

static double
seconds_since (const struct timespec *start)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (double) (now.tv_sec - start->tv_sec) + 1e-9 * (double) (now.tv_nsec - start->tv_nsec);
}

/* ", about 3:10 left" in text, once ns_progress_time_left has an
 * estimate; else "". */
static void
format_time_left (char *text, size_t size, double fraction, double elapsed)
{
  const double seconds = ns_progress_time_left (fraction, elapsed);
  text[0] = '\0';
  if (seconds < 0.0)
    return;
  const long left = (long) seconds;
  if (left >= 3600)
    snprintf (text, size, ", about %ld:%02ld:%02ld left", left / 3600, left / 60 % 60, left % 60);
  else
    snprintf (text, size, ", about %ld:%02ld left", left / 60, left % 60);
}

static ns_progress_reply
show_progress (const ns_progress *progress, void *user_data)
{
  cli_progress *state = user_data;
  /* after the notice on_stop_signal wrote, no more progress line */
  if (stop_signal)
    return NS_PROGRESS_STOP;
  if (progress->tile == 0)
    {
      if (state->evaluations++ == 0)
        state->first = *progress;
      state->last = *progress;
    }
  if (!state->quiet)
    {
      const int width = 30;
      const int done = progress->iteration * width / progress->iterations;
      const double elapsed = seconds_since (&state->start);
      char tiles[48] = "", left[96];
      if (progress->tile > 0)
        snprintf (tiles, sizeof tiles, ", tile %d/%d, pass %d/2", progress->tile, progress->tiles,
                  progress->sweep);
      else if (progress->tiles > 1)
        snprintf (tiles, sizeof tiles, ", %d tiles", progress->tiles);
      char losses[96] = "";
      /* a tile's report before a scale's first iteration has no loss yet */
      if (isfinite (progress->loss))
        snprintf (losses, sizeof losses, "  loss %.4g (content %.4g, style %.4g)", progress->loss,
                  progress->content_loss, progress->style_loss);
      format_time_left (left, sizeof left, progress->done, elapsed);
      const int length = fprintf (stderr, "\rscale %d/%d (%dx%d%s) [%.*s%*s] %d/%d%s  %.1f s%s",
                                  progress->scale, progress->scales, progress->width,
                                  progress->height, tiles, done, "##############################",
                                  width - done, "", progress->iteration, progress->iterations,
                                  losses, elapsed, left);
      /* "\r" only moves back: a shorter line would leave the end of the last. */
      if (length < state->line_length)
        fprintf (stderr, "%*s", state->line_length - length, "");
      state->line_length = length;
      if (progress->iteration == progress->iterations && progress->tile == 0)
        {
          fputc ('\n', stderr);
          state->line_length = 0;
        }
      fflush (stderr);
    }
  return NS_PROGRESS_CONTINUE;
}

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

static void
usage (FILE *out)
{
  fprintf (out, "usage: neural-style " CLI_REQUIRED_OPTIONS " [options]\n"
                "       neural-style convert-weights IN OUT [--dtype f16|f32]  (see "
                "convert-weights --help)\n");
  for (int k = 0; k < OPT_FIXED_COUNT; k++)
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

/* Writes the result to path; when that fails at the end (a full disk),
 * to a new file in $TMPDIR rather than lose it, the message naming it. */
static ns_status
save_result (const char *path, const ns_image *result, ns_error *err)
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

/* ---- neural-style convert-weights ---- */

static void
convert_usage (FILE *out)
{
  fprintf (out,
           "usage: neural-style convert-weights IN.safetensors OUT.safetensors [--dtype f16|f32]\n"
           "Writes the 16 convolutions of the VGG19 weights file IN (checked as a run checks\n"
           "it; a classifier is left out) to OUT, as F16 (the default: half the size of F32,\n"
           "40 MB) or F32, with the input convention IN states (torchvision's when it states\n"
           "none) written in OUT's metadata.  OUT is replaced only when all of it is written.\n");
}

/* "20024384" as "20,024,384" */
static void
format_count (char *text, size_t size, unsigned long long value)
{
  char digits[32];
  int length = snprintf (digits, sizeof digits, "%llu", value), used = 0;

  for (int k = 0; k < length && (size_t) used + 2 < size; k++)
    {
      if (k > 0 && (length - k) % 3 == 0)
        text[used++] = ',';
      text[used++] = digits[k];
    }
  text[used] = '\0';
}

static int
convert_weights_main (int argc, char **argv)
{
  static const struct option options[] = {
    { "dtype", required_argument, NULL, 'd' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  ns_weights_dtype dtype = NS_WEIGHTS_F16;
  int option;

  while ((option = getopt_long (argc, argv, "", options, NULL)) != -1)
    switch (option)
      {
      case 'd':
        if (strcmp (optarg, "f16") == 0)
          dtype = NS_WEIGHTS_F16;
        else if (strcmp (optarg, "f32") == 0)
          dtype = NS_WEIGHTS_F32;
        else
          {
            fprintf (stderr, "neural-style convert-weights: --dtype is f16 or f32, not \"%s\"\n",
                     optarg);
            return 2;
          }
        break;
      case 'h':
        convert_usage (stdout);
        return 0;
      default:
        convert_usage (stderr);
        return 2;
      }
  if (argc - optind != 2)
    {
      fprintf (stderr, "neural-style convert-weights: wants IN and OUT, got %d file name%s\n",
               argc - optind, argc - optind == 1 ? "" : "s");
      convert_usage (stderr);
      return 2;
    }
  const char *in_path = argv[optind], *out_path = argv[optind + 1];

  ns_error err = { 0 };
  if (ns_weights_convert (in_path, out_path, dtype, &err) != NS_OK)
    {
      fprintf (stderr, "neural-style convert-weights: %s\n", err.message);
      return 1;
    }
  unsigned long long parameters = 0;
  for (int i = 0; i < NS_VGG19_CONV_COUNT; i++)
    parameters += (unsigned long long) ns_vgg19_conv_out_channels (i) *
                  (9ull * (unsigned long long) ns_vgg19_conv_in_channels (i) + 1ull);
  struct stat info;
  char parameter_text[32], size_text[32];
  format_count (parameter_text, sizeof parameter_text, parameters);
  format_count (size_text, sizeof size_text,
                stat (out_path, &info) == 0 ? (unsigned long long) info.st_size : 0ull);
  printf ("%s: 16 convolutions, %s parameters, %s, %s bytes (from %s)\n", out_path, parameter_text,
          dtype == NS_WEIGHTS_F16 ? "F16" : "F32", size_text, in_path);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc > 1 && strcmp (argv[1], "convert-weights") == 0)
    return convert_weights_main (argc - 1, argv + 1);

  ns_params params;
  ns_params_init (&params);
  const char *content_path = NULL, *out_path = NULL;
  const char *style_paths[NS_MAX_STYLES], *region_paths[NS_MAX_STYLES] = { NULL };
  const char *keep_path = NULL;
  double blend[NS_MAX_STYLES];
  int style_count = 0, blend_count = 0;
  const char *weights_option = NULL;
  char weights_path[4096];
  cli_progress state = { 0 };

  /* The options: the fixed ones, then per setting "--NAME" (and
   * "--no-NAME" for booleans) and its former names ("--NAME" and
   * "--no-NAME" for a former switch to a choice).  An option's getopt
   * value is OPTION_BASE + its index in meanings. */
  static struct option options[MAX_OPTIONS + 1];
  static cli_option meanings[MAX_OPTIONS];
  static char no_names[MAX_OPTIONS][64];
  int count = 0, no_count = 0;
  if (option_count () > MAX_OPTIONS)
    {
      fprintf (stderr, "neural-style: too many settings for MAX_OPTIONS\n");
      return 1;
    }
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
          usage (stderr);
          return 2;
        }
      option -= OPTION_BASE;
      snprintf (name, sizeof name, "--%s", options[option].name);
      const cli_option *meaning = &meanings[option];
      if (meaning->setting)
        {
          if (!parse_setting (meaning, optarg, name, &params))
            return 2;
          continue;
        }
      switch (meaning->fixed)
        {
        case OPT_WEIGHTS:
          weights_option = optarg;
          break;
        case OPT_CONTENT:
          content_path = optarg;
          break;
        case OPT_OUT:
          out_path = optarg;
          break;
        case OPT_QUIET:
          state.quiet = 1;
          break;
        case OPT_HELP:
          usage (stdout);
          return 0;
        case OPT_STYLE:
          if (style_count == NS_MAX_STYLES)
            {
              fprintf (stderr, "neural-style: at most %d styles (--style) in one run\n",
                       NS_MAX_STYLES);
              return 2;
            }
          style_paths[style_count++] = optarg;
          break;
        case OPT_STYLE_REGION:
          if (style_count == 0 || region_paths[style_count - 1])
            {
              fprintf (stderr, "neural-style: %s follows the --style it belongs to (one each)\n",
                       name);
              return 2;
            }
          region_paths[style_count - 1] = optarg;
          break;
        case OPT_KEEP_REGION:
          keep_path = optarg;
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
                ns_setting_set (&params, &ns_settings[i], weights[k++]);
          }
          break;
        case OPT_BLEND:
          if ((blend_count = parse_list (optarg, name, blend, NS_MAX_STYLES)) < 0)
            return 2;
          for (int k = 0; k < blend_count; k++)
            if (!(blend[k] >= NS_BLEND_MIN && blend[k] <= NS_BLEND_MAX))
              {
                fprintf (stderr, "neural-style: %s wants weights from %g to %g, not %g\n", name,
                         (double) NS_BLEND_MIN, (double) NS_BLEND_MAX, blend[k]);
                return 2;
              }
          break;
        default:
          usage (stderr);
          return 2;
        }
    }
  if (!content_path || style_count == 0 || !out_path || optind != argc)
    {
      usage (stderr);
      return 2;
    }
  if (blend_count && blend_count != style_count)
    {
      fprintf (stderr, "neural-style: --style-blend has %d weights for %d styles\n", blend_count,
               style_count);
      return 2;
    }
  if (ns_weights_find (weights_option, NULL, weights_path, sizeof weights_path) == NS_WEIGHTS_NONE)
    {
      fprintf (stderr,
               "neural-style: No VGG19 weights found (looked at --weights, %s and %s).  "
               "Run neural-style-get-weights (it downloads 575 MB once and keeps a 40 MB "
               "file), or give --weights FILE.\n",
               NS_WEIGHTS_ENV,
               *weights_path ? weights_path : "$XDG_DATA_HOME or $HOME (neither is set)");
      return 2;
    }

  ns_error err = { 0 };
  ns_weights weights = { 0 };
  ns_image content = { 0 }, result = { 0 }, style_images[NS_MAX_STYLES] = { { 0 } };
  ns_image regions[NS_MAX_STYLES] = { { 0 } }, keep = { 0 };
  ns_style styles[NS_MAX_STYLES];
  int code = 1;
  ns_status status = ns_params_check (&params, &err);
  /* what can be checked before the run, cheapest first: the output's
   * folder; the images before 80 MB of weights are read; the memory plan
   * is the engine's first step */
  if (status == NS_OK)
    status = image_check_output (out_path, &err);
  if (status == NS_OK)
    status = image_load (content_path, &content, &err);
  for (int k = 0; k < style_count && status == NS_OK; k++)
    {
      status = image_load (style_paths[k], &style_images[k], &err);
      if (status == NS_OK && region_paths[k])
        status = image_load_mask (region_paths[k], &regions[k], &err);
      styles[k] = (ns_style) { &style_images[k], blend_count ? blend[k] : 1.0,
                               region_paths[k] ? &regions[k] : NULL };
    }
  if (status == NS_OK && keep_path)
    status = image_load_mask (keep_path, &keep, &err);
  if (status == NS_OK)
    status = ns_weights_load (&weights, weights_path, ns_conv_count_needed (&params), &err);
  clock_gettime (CLOCK_MONOTONIC, &state.start);
  if (status == NS_OK)
    {
      catch_stop_signals ();
      const ns_request request = {
        .content = &content,
        .styles = styles,
        .style_count = style_count,
        .keep = keep_path ? &keep : NULL,
        .params = &params,
        .progress = show_progress,
        .user_data = &state,
      };
      status = ns_stylize (&weights, &request, &result, &err);
    }
  /* a run stopped mid-line leaves the progress line open (a signal's
   * notice has ended it already) */
  if (state.line_length > 0 && !stop_signal)
    fputc ('\n', stderr);
  if (status == NS_OK)
    status = save_result (out_path, &result, &err);
  if (status == NS_OK && stop_signal)
    {
      char when[96] = "before the first iteration";
      if (state.last.scales > 0)
        snprintf (when, sizeof when, "at scale %d/%d, iteration %d/%d", state.last.scale,
                  state.last.scales, state.last.iteration, state.last.iterations);
      fprintf (stderr, "neural-style: stopped by %s %s: wrote the result so far, %dx%d, to %s\n",
               stop_signal == SIGTERM ? "SIGTERM" : "SIGINT", when, result.width, result.height,
               out_path);
      code = 128 + stop_signal;
    }
  else if (status == NS_OK)
    {
      printf ("done: %d scales, %d iterations in %.2f s; loss %.6g -> %.6g, "
              "content %.6g -> %.6g, style %.6g -> %.6g\n",
              state.last.scales, state.evaluations, seconds_since (&state.start), state.first.loss,
              state.last.loss, state.first.content_loss, state.last.content_loss,
              state.first.style_loss, state.last.style_loss);
      code = 0;
    }
  else
    fprintf (stderr, "neural-style: %s\n", err.message);

  ns_image_clear (&result);
  ns_image_clear (&content);
  for (int k = 0; k < style_count; k++)
    {
      ns_image_clear (&style_images[k]);
      ns_image_clear (&regions[k]);
    }
  ns_image_clear (&keep);
  ns_weights_clear (&weights);
  return code;
}
