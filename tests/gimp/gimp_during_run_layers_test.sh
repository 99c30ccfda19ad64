#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The image's layers changing during a run, in GIMP with its windows:
# gimp_during_run_layers_test.sh BUILD_ROOT SOURCE_ROOT
#
# A Script-Fu batch calls plug-in-neural-style on shown images
# (gimp_during_run.sh); meanwhile this script does what a user may do, with
# the keyboard (xdotool):
#   twice        the same filter started again on the same image, from the
#                action search, and run with OK: both runs add a layer, each
#                right above the content when it is inserted, whichever run
#                ends first;
#   deleted      the content layer deleted (action search, "Delete Layers"):
#                the result is a new layer at the top of the image, and the
#                plug-in says so.
# Then GIMP is asked to quit.  No phase may crash GIMP or the plug-in, or
# print a critical.  Screenshots and GIMP's log stay in
# BUILD_ROOT/artefacts/during-run-layers/.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3 GUI,
# Xvfb, xdotool, xwd or ImageMagick).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
. "$here/gimp_during_run.sh"
during_run_init during-run-layers "${1:?usage: gimp_during_run_layers_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

read -r -d '' script <<SCM
$scheme_prelude
$during_run_scheme
(define twice (run-phase "twice" style))
(run-phase "deleted" style)
; The run started from the dialog during "twice": until its layer is in,
; or the test says that run will not come (the file GIVE-UP); the deadline
; (seconds) is only a safety net.
(define (wait-layers img n give-up deadline)
  (if (and (< (vector-length (gimp-image-get-layers img)) n)
           (not (file-exists? give-up))
           (< (car (gettimeofday)) deadline))
      (begin (usleep 100000) (wait-layers img n give-up deadline))))
(wait-layers twice 4 "$work/no-dialog-run" (+ (car (gettimeofday)) 300))
(print-layers "twice-final" twice)
(display "BATCH-END\n")
SCM
start_gimp "$script"

# --- twice: the filter again on the same image, from the action search --------
if running twice && action twice '^twice\.xcf' "Neural Style"; then
  dialog=$(wait_window '^Neural Style$' 30)
  check "the dialog opened from the action search while the first run went on" test -n "$dialog"
  # Quick preview (Paper → Adam → Quick preview), OK: its run starts (its
  # progress window opens); either run may end first.
  if [ -n "$dialog" ]; then
    keys "$dialog" alt+p Down Down alt+o
    wait_window '^Neural Style Progress$' 60 >/dev/null || touch "$work/no-dialog-run"
  else
    touch "$work/no-dialog-run"
  fi
else
  tap_not_ok "the action search found the filter during the run"
  touch "$work/no-dialog-run"
fi
after twice '^END twice' 120

# --- deleted: the content layer, from the action search ------------------------
running deleted && action deleted '^deleted\.xcf' "Delete Layer"
shot_settled root deleted
after deleted '^END deleted' 120
shot_settled root deleted-after

# GIMP asked to quit once the batch is done, the changed images (their
# titles start with "*") discarded.
if wait_log '^BATCH-END' 120 && win=$(wait_window '^\*?twice\.xcf' 10); then
  keys "$win" ctrl+q
  confirm=$(wait_window '^Quit GIMP$' 10) && keys "$confirm" ctrl+d
fi
gimp_ended

layers_of () {
  sed -n "s/^LAYERS-OF $1 //p" "$log" | head -n 1
}
# above_content FIELDS: a RESULT line's fields say that its layer went
# right above the content when it was inserted: it is right above the
# content, or (the other run's layer inserted in between since) it was the
# first result and the second lies between it and the content.
above_content () {
  local p c
  p=$(sed -n 's/.* position=\([0-9]*\) .*/\1/p' <<<"$1")
  c=$(sed -n 's/.* content-position=\([0-9]*\) .*/\1/p' <<<"$1")
  grep -qE '^same-image=yes image-open=yes size=96x72 ' <<<"$1" && [ -n "$p" ] && [ -n "$c" ] &&
    { { [ "$c" -eq $((p + 1)) ] && grep -qE ' below="content" name=content \(neural style\)( #1)?$' <<<"$1"; } ||
      { [ "$c" -eq $((p + 2)) ] && grep -qE ' below="content \(neural style\) #1" name=content \(neural style\)$' <<<"$1"; }; }
}
case $(result twice) in
  *"name=content (neural style) #1") tap_note "twice: the run from the dialog ended first" ;;
  *"name=content (neural style)") tap_note "twice: the script's run ended first" ;;
esac
check "twice: the script's run put its layer right above the content (whichever run ended first)" \
  above_content "$(result twice)"
# Each layer went right above the content: the first one's is on top.
check "twice: the run started from the dialog meanwhile added its layer too, both right above the content" \
  grep -qx '("content (neural style)" "content (neural style) #1" "content" "other")' <<<"$(layers_of twice-final)"
check "deleted: the result is a new layer at the top of the image, the content layer gone" \
  bash -c 'grep -qx "same-image=yes image-open=yes size=96x72 position=0 content-position=none below=\"other\" name=content (neural style)" <<<"$1" &&
           grep -qx "(\"content (neural style)\" \"other\")" <<<"$2"' _ "$(result deleted)" "$(layers_of deleted)"
check "deleted: the plug-in told GIMP where the result went" \
  grep -q "neural-style-DEBUG: .*The layer was deleted while Neural Style ran" "$log"
check "no crash: GIMP and the plug-in printed no crash report" \
  bash -c '! grep -qiE "segmentation|crash|fatal error|core dumped|aborted" "$1"' _ "$log"
check_no_plugin_warnings "$log"
check_no_mnemonic_warnings "$log"
finish "$log" 60
