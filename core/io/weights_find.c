/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where the weights file is: one order for the CLI and the plug-in (see
 * ns_weights.h). */
#include "ns_weights.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int
is_regular_file (const char *path)
{
  struct stat info;
  return stat (path, &info) == 0 && S_ISREG (info.st_mode);
}

/* path = the parts joined; 0, path empty, when it does not fit. */
static int
join (char *path, size_t size, const char *folder, const char *rest)
{
  const int written = snprintf (path, size, "%s/%s", folder, rest);
  if (written > 0 && (size_t) written < size)
    return 1;
  path[0] = '\0';
  return 0;
}

/* The file in GLib's g_get_user_data_dir, without GLib: $XDG_DATA_HOME,
 * else $HOME/.local/share; 0, path empty, when neither is set. */
static int
user_data_path (char *path, size_t size)
{
  const char *data = getenv ("XDG_DATA_HOME");
  const char *home = getenv ("HOME");

  if (data && *data)
    return join (path, size, data, NS_WEIGHTS_DATA_DIR "/" NS_WEIGHTS_FILE_NAME);
  if (home && *home)
    return join (path, size, home, ".local/share/" NS_WEIGHTS_DATA_DIR "/" NS_WEIGHTS_FILE_NAME);
  path[0] = '\0';
  return 0;
}

/* path = text; 0, path empty, when it does not fit. */
static int
copy (char *path, size_t size, const char *text)
{
  const int written = snprintf (path, size, "%s", text);
  if (written >= 0 && (size_t) written < size)
    return 1;
  path[0] = '\0';
  return 0;
}

ns_weights_place
ns_weights_find (const char *given, const char *beside_dir, char *path, size_t size)
{
  const char *env = getenv (NS_WEIGHTS_ENV);

  if (size == 0)
    return NS_WEIGHTS_NONE;
  path[0] = '\0';
  /* named by the user: used as named, and a missing file is the load's
   * error, naming it */
  if (given && *given)
    return copy (path, size, given) ? NS_WEIGHTS_GIVEN : NS_WEIGHTS_NONE;
  if (env && *env)
    return copy (path, size, env) ? NS_WEIGHTS_ENVIRONMENT : NS_WEIGHTS_NONE;
  if (beside_dir && join (path, size, beside_dir, NS_WEIGHTS_FILE_NAME) && is_regular_file (path))
    return NS_WEIGHTS_BESIDE;
  if (user_data_path (path, size) && is_regular_file (path))
    return NS_WEIGHTS_USER_DATA;
  /* path: the last place looked at, or empty */
  return NS_WEIGHTS_NONE;
}
