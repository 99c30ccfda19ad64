/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns_weights_find: the order of the places the CLI and the plug-in look
 * for the weights in, each place alone, in a folder made for the test. */
#define _DEFAULT_SOURCE /* mkdtemp, setenv */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ns_weights.h"
#include "tap.h"

static void
touch (const char *path)
{
  FILE *file = fopen (path, "w");
  if (file)
    fclose (file);
}

static const char *
place_name (ns_weights_place place)
{
  static const char *const names[] = { "given", "environment", "beside", "user data", "none" };
  return place >= NS_WEIGHTS_GIVEN && place <= NS_WEIGHTS_NONE ? names[place] : "?";
}

/* ns_weights_find (given, beside) is place with path wanted. */
static void
check_find (const char *given, const char *beside, ns_weights_place place, const char *wanted,
            const char *what)
{
  char path[PATH_MAX];
  const ns_weights_place found = ns_weights_find (given, beside, path, sizeof path);
  tap_check (found == place && strcmp (path, wanted) == 0, "%s: %s '%s' (wanted %s '%s')", what,
             place_name (found), path, place_name (place), wanted);
}

int
main (void)
{
  char top[] = "/tmp/ns-weights-find-XXXXXX";
  char beside[PATH_MAX], data[PATH_MAX], home[PATH_MAX], in_data[PATH_MAX], in_home[PATH_MAX];
  char beside_file[PATH_MAX], missing[PATH_MAX], folder[PATH_MAX], small[8];

  if (!mkdtemp (top))
    return tap_skip_all ("cannot make a folder in /tmp");
  static const char *const folders[] = {
    "plug-in",
    "data",
    "data/gimp-neural-style",
    "home",
    "home/.local",
    "home/.local/share",
    "home/.local/share/gimp-neural-style",
    "folder",
    "folder/vgg19-conv.safetensors",
  };
  for (size_t k = 0; k < sizeof folders / sizeof folders[0]; k++)
    {
      snprintf (folder, sizeof folder, "%s/%s", top, folders[k]);
      mkdir (folder, 0700);
    }
  snprintf (beside, sizeof beside, "%s/plug-in", top);
  snprintf (data, sizeof data, "%s/data", top);
  snprintf (home, sizeof home, "%s/home", top);
  snprintf (in_data, sizeof in_data, "%s/data/gimp-neural-style/vgg19-conv.safetensors", top);
  snprintf (in_home, sizeof in_home,
            "%s/home/.local/share/gimp-neural-style/vgg19-conv.safetensors", top);
  snprintf (beside_file, sizeof beside_file, "%s/plug-in/vgg19-conv.safetensors", top);
  snprintf (missing, sizeof missing, "%s/missing.safetensors", top);
  touch (in_data);
  touch (in_home);
  touch (beside_file);

  setenv ("XDG_DATA_HOME", data, 1);
  setenv ("HOME", home, 1);
  setenv (NS_WEIGHTS_ENV, missing, 1);
  check_find ("given.safetensors", beside, NS_WEIGHTS_GIVEN, "given.safetensors",
              "a given file comes first, whether or not it exists");
  check_find (NULL, beside, NS_WEIGHTS_ENVIRONMENT, missing,
              "then " NS_WEIGHTS_ENV ", whether or not its file exists");
  check_find ("", beside, NS_WEIGHTS_ENVIRONMENT, missing, "an empty given name is none");
  setenv (NS_WEIGHTS_ENV, "", 1);
  check_find (NULL, beside, NS_WEIGHTS_BESIDE, beside_file,
              "an empty " NS_WEIGHTS_ENV " is none; then the file beside the plug-in");
  unsetenv (NS_WEIGHTS_ENV);
  check_find (NULL, NULL, NS_WEIGHTS_USER_DATA, in_data,
              "without a folder beside: $XDG_DATA_HOME's file");
  check_find (NULL, top, NS_WEIGHTS_USER_DATA, in_data,
              "a folder beside without the file: $XDG_DATA_HOME's file");
  unsetenv ("XDG_DATA_HOME");
  check_find (NULL, NULL, NS_WEIGHTS_USER_DATA, in_home,
              "without $XDG_DATA_HOME: $HOME/.local/share's file");
  unlink (in_home);
  check_find (NULL, NULL, NS_WEIGHTS_NONE, in_home, "none anywhere: the last place looked at");
  unsetenv ("HOME");
  check_find (NULL, NULL, NS_WEIGHTS_NONE, "", "neither $XDG_DATA_HOME nor $HOME: no place");
  snprintf (folder, sizeof folder, "%s/folder", top);
  check_find (NULL, folder, NS_WEIGHTS_NONE, "", "a folder named like the file is no file");
  tap_check (ns_weights_find ("a-name-longer-than-eight.safetensors", NULL, small, sizeof small) ==
                     NS_WEIGHTS_NONE &&
                 small[0] == '\0',
             "a name that does not fit is none, with no path");

  /* the files, then the folders, deepest first */
  remove (in_data);
  remove (beside_file);
  for (size_t k = sizeof folders / sizeof folders[0]; k-- > 0;)
    {
      snprintf (folder, sizeof folder, "%s/%s", top, folders[k]);
      remove (folder);
    }
  rmdir (top);
  return tap_done ();
}
