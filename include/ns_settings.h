/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The settings of ns_params, one table row each: the one place that says a
 * setting's name, type, default, range, choices, label and help.  The
 * engine's ns_params_init and ns_params_check read it, and every front end
 * loops over it: the CLI's options, the plug-in's procedure arguments, the
 * presets' properties and the dialog's Advanced part.
 *
 * Adding a setting: a field in ns_params, a row in core/engine/settings.c,
 * and the engine code that uses the field.  Renaming a setting or a
 * choice, or replacing a boolean by a choice: the old name goes in the
 * row's (or the choice's) former list, so that old inputs keep working.
 *
 * Labels and help are English; front ends that translate pass them through
 * gettext (core/engine/settings.c marks them for xgettext). */
#ifndef NS_SETTINGS_H
#define NS_SETTINGS_H

#include <stddef.h>

#include "neural_style.h"

typedef enum
{
  NS_SETTING_DOUBLE,
  NS_SETTING_INT,     /* an int field (or the unsigned seed, kept within int's range) */
  NS_SETTING_BOOLEAN, /* an int field, 0 or 1 */
  NS_SETTING_CHOICE   /* an enum field; the choices name its values */
} ns_setting_type;

/* Where a graphical front end shows a setting. */
typedef enum
{
  NS_SETTING_GROUP_MAIN,         /* always visible */
  NS_SETTING_GROUP_ADVANCED,     /* the "Advanced" part */
  NS_SETTING_GROUP_LAYER_WEIGHTS /* the style layer weights, in the Advanced part */
} ns_setting_group;

/* How an older name's value reads. */
typedef enum
{
  NS_FORMER_NAME,     /* the setting's own values under an older name ("--size 256") */
  NS_FORMER_NEGATION, /* a switch that meant the boolean's opposite ("--single-scale") */
  NS_FORMER_SWITCH    /* a switch for two of the choice's values (keep-colors) */
} ns_former_kind;

/* An older name of a setting or of a choice, still accepted on input
 * (command lines, scripts, saved presets) and never shown or written.
 * Lists of them end with a NULL name. */
typedef struct
{
  const char *name; /* "keep-colors"; a choice's: the older nick ("seed") */
  ns_former_kind kind;
  const char *if_true, *if_false; /* NS_FORMER_SWITCH: the choices' nicks */
  /* The command line's spellings only (no procedure argument, no preset
   * key): the options older than the settings table. */
  int command_line_only;
  const char *label, *help; /* a procedure argument's (translatable); switches only */
} ns_setting_former;

typedef struct
{
  const char *nick;                /* "lbfgs": what presets, scripts and the CLI write */
  const char *label;               /* "L-BFGS" (translatable) */
  int value;                       /* the enum value */
  const ns_setting_former *former; /* older nicks (NS_FORMER_NAME), or NULL */
} ns_setting_choice;

typedef struct
{
  const char *name; /* "tv-weight": argument, preset key and option name */
  ns_setting_type type;
  size_t offset;                    /* offsetof (ns_params, field) */
  double default_value;             /* a choice's: its enum value */
  double min, max;                  /* inclusive; unused for booleans and choices */
  const ns_setting_choice *choices; /* NS_SETTING_CHOICE: ends with a NULL nick */
  const char *label;                /* translatable; a GTK mnemonic ("_") or none */
  const char *help;                 /* one paragraph, translatable */
  ns_setting_group group;
  int digits; /* a spin button's decimals, step and page */
  double step, page;
  const ns_setting_former *former; /* older names, or NULL */
} ns_setting;

/* The table, in the order front ends show the settings. */
extern const ns_setting ns_settings[];
extern const int ns_settings_count;

/* The row called name, or NULL. */
const ns_setting *ns_setting_find (const char *name);

/* A setting's value in params, as a double (choices: the enum value). */
double ns_setting_get (const ns_params *params, const ns_setting *setting);
/* Stores value (converted to the field's type; integers truncate). */
void ns_setting_set (ns_params *params, const ns_setting *setting, double value);

/* The choice called nick, or formerly called nick; NULL if none. */
const ns_setting_choice *ns_setting_choice_find (const ns_setting *setting, const char *nick);
/* The choice of an enum value; NULL if none. */
const ns_setting_choice *ns_setting_choice_of (const ns_setting *setting, int value);
/* The default choice's nick. */
const char *ns_setting_default_nick (const ns_setting *setting);

/* The row with a former name called name (setting its *former), or NULL. */
const ns_setting *ns_setting_find_former (const char *name, const ns_setting_former **former);
/* The value a switch former (NS_FORMER_NEGATION, NS_FORMER_SWITCH) given
 * on (1) or off (0) stands for: the boolean's 0 or 1, or the choice's enum
 * value; -1 for a former that is no switch. */
int ns_setting_former_value (const ns_setting *setting, const ns_setting_former *former, int on);

/* Whether value is acceptable (finite, in range, a known choice, an
 * integer for integer types); else NS_ERROR_ARGUMENT naming the setting
 * and its range. */
ns_status ns_setting_check (const ns_setting *setting, double value, ns_error *err);

#endif
