#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The image closed and GIMP quit during runs, in GIMP with its windows:
# gimp_during_run_close_quit_test.sh BUILD_ROOT SOURCE_ROOT
#
# A Script-Fu batch shows two images (gimp_during_run.sh); the user's runs
# start from the menu (GIMP's action search, the "High quality" preset, OK)
# and meanwhile this script does, with the keyboard (xdotool):
#   closed       the content's image closed: the run goes on in its
#                progress window and its result is shown in a new image,
#                with a message saying so;
#   quit         GIMP asked to quit (and the unsaved changes discarded):
#                GIMP quits, and no plug-in process stays.
# No phase may crash the plug-in or print a critical.  Closing the style
# layer's image during a run is not tried: GIMP 3.0.4 itself crashed after
# such a call in about half of ten tries (README, "In GIMP").  Screenshots
# and GIMP's log stay in BUILD_ROOT/artefacts/during-run-close-quit/.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3 GUI,
# Xvfb, xdotool, xwd or ImageMagick).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
. "$here/gimp_during_run.sh"
during_run_init during-run-close-quit "${1:?usage: gimp_during_run_close_quit_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

read -r -d '' script <<SCM
$scheme_prelude
$during_run_scheme
(scene "closed")
(scene "quit")
(display "BATCH-END\n")
SCM
start_gimp "$script"

finished_runs () {
  grep -c "neural-style-DEBUG: .*finished after" "$log"
}
# menu_run PHASE: runs the filter on the phase's image as a user does:
# from the action search, with the "High quality" preset (the fourth: 60
# iterations, long enough to act in), OK; waits for a few iterations.
menu_run () {
  local dialog runs iterating
  runs=$(finished_runs)
  iterating=$(grep -c "neural-style-DEBUG: .* iteration [3-9]/60 " "$log")
  action "$1" "^$1\\.xcf" "Neural Style" || return 1
  dialog=$(wait_window '^Neural Style$' 30) || return 1
  keys "$dialog" alt+p Up Up Up Up Down Down Down alt+o
  wait_window '^Neural Style Progress$' 60 >/dev/null || return 1
  for _ in $(seq 240); do
    [ "$(grep -c "neural-style-DEBUG: .* iteration [3-9]/60 " "$log")" -gt "$iterating" ] &&
      [ "$(grep -c "neural-style-DEBUG: .*finished after" "$log")" -eq "$runs" ] && return 0
    sleep 0.25
  done
  return 1
}


gimp_crashed=no
# gimp_survived PHASE: whether GIMP still runs after the phase; if not, a
# TODO line: GIMP 3.0.4 itself crashes at times after a call whose image
# was closed during it (SIGSEGV in gimp-3.0, after the plug-in returned).
gimp_survived () {
  if kill -0 "$gimp_pid" 2>/dev/null && ! grep -q "gimp-3.0: fatal error" "$log"; then
    return 0
  fi
  gimp_crashed=yes
  tap_todo "$1: GIMP survives" \
    "GIMP 3.0.4 crashes at times (SIGSEGV in gimp-3.0) after a plug-in call whose image was closed during it"
  return 1
}

# --- style-closed ------------------------------------------------------------------
# Closing the style layer's image while a script's run uses it made GIMP
# 3.0.4 itself crash after the call (SIGSEGV in gimp-3.0) in about half of
# ten tries, taking the later phases with it: not run (README, "In GIMP").
tap_skip "style-closed: GIMP 3.0.4 crashes at times when a running call's style image is closed"

# --- closed: the content's image, during a run started from the menu ------------
wait_log '^BATCH-END' 120
runs_before=$(finished_runs)
if menu_run closed; then
  win=$(wait_window '^closed\.xcf' 10) && keys "$win" ctrl+w
  for _ in $(seq 240); do
    [ "$(finished_runs)" -gt "$runs_before" ] && break
    sleep 0.25
  done
  # The result shown in a new image, or GIMP gone.
  new_image=""
  for _ in $(seq 160); do
    new_image=$(xdotool search --name '^\*?\[Untitled\].* 1 layer' 2>/dev/null | head -n 1)
    [ -n "$new_image" ] && break
    kill -0 "$gimp_pid" 2>/dev/null || break
    sleep 0.25
  done
  if gimp_survived closed; then
    [ -n "$new_image" ] || for w in $(xdotool search --name . 2>/dev/null); do
      tap_note "window: $(xdotool getwindowname "$w")"
    done
    check "closed: the result is shown in a new image of one layer" test -n "$new_image"
    shot_settled root closed-after
  fi
else
  tap_not_ok "closed: the filter ran from the menu"
fi

# --- quit: during a run started from the menu -----------------------------------
if [ "$gimp_crashed" = yes ]; then
  tap_skip "quit: GIMP crashed in the phase before"
elif menu_run quit; then
  win=$(wait_window '^quit\.xcf' 10) && keys "$win" ctrl+q
  # Images changed by the earlier runs are unsaved: GIMP asks first.
  if confirm=$(wait_window '^Quit GIMP$' 10); then
    shot_settled "$confirm" quit-confirm
    keys "$confirm" ctrl+d
  fi
else
  tap_not_ok "quit: the filter ran from the menu"
fi
gimp_ended

[ "$gimp_crashed" = yes ] ||
  check "closed: the plug-in told GIMP where the result went" \
    grep -q "neural-style-DEBUG: .*The image was closed while Neural Style ran" "$log"
[ "$gimp_crashed" = yes ] ||
  check "quit: GIMP quit during the run (within a minute)" test "$gimp_alive" = no
# this profile's plug-in only: other runs of the engine may share the machine
check "quit: no plug-in process is left" \
  bash -c '! pgrep -f "^$1( |\$)" >/dev/null' _ "$profile/plug-ins/neural-style/neural-style"
[ "$gimp_crashed" = yes ] ||
  check "no crash: GIMP and the plug-in printed no crash report" \
  bash -c '! grep -qiE "segmentation|crash|fatal error|core dumped|aborted" "$1"' _ "$log"
check_no_plugin_warnings "$log"
check_no_mnemonic_warnings "$log"
finish "$log" 60
