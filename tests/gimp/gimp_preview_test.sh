#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The dialog's preview on a real display: gimp_preview_test.sh BUILD_ROOT SOURCE_ROOT
#
# Starts Xvfb with a laptop's screen (1366x768) and GIMP 3 on it, opens a
# 320x240 image and runs plug-in-neural-style interactively, then drives
# the dialog with the keyboard (xdotool) and photographs it (xwd → PNG):
#   1. the dialog opens with its "Preview" switch on, and its preview area
#      comes to show a painted picture, one that differs from the layer
#      (dialog-preview.png, also the README's screenshot);
#   2. the style weight changed (Alt+W, 4): a new preview starts and the
#      area shows its picture, which differs from the one before
#      (dialog-preview-changed.png);
#   3. the "Preview" switch turned off (reached from the preset list,
#      Alt+P, with Shift+Tab, as a keyboard user reaches it) while a
#      preview is under way: its run ends and no picture or run comes
#      while it is off; on again: a new run starts and paints;
#   4. changed again, and Cancel while that preview is under way: the
#      dialog closes before the preview could have finished, and no
#      process of the plug-in is left;
#   5. the dialog again, 2 iterations a scale: once its preview has
#      finished, OK.  The layer is
#      the preview's size, so the preview painted every scale of the run
#      OK makes: the run goes on from its picture (the log says so) and
#      paints no scale, and the new layer is the preview's picture.
# Every wait waits for its event (a window, a line of the plug-in's log,
# pixels that changed, a process gone) with a generous deadline.  The PNGs
# and GIMP's log stay in BUILD_ROOT/artefacts/preview/.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3 GUI,
# Xvfb, xdotool, xwd or ImageMagick).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
gimp_test_init preview "${1:?usage: gimp_preview_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

need_display_tools

make_test_profile
log="$work/gimp.log"
: > "$log"
start_display 1366x768

read -r -d '' script <<SCM
$scheme_prelude
(define img (gimp-image-new 320 240 RGB))
(define content (gimp-layer-new img "content" 320 240 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img content 0 0)
(fill img content 0 0 320 240 '(40 90 200))
(fill img content 0 130 320 110 '(60 160 60))
(fill img content 60 40 100 80 '(220 60 40))
(fill img content 200 30 80 80 '(250 220 50))
(define style (striped-style img 0))
(gimp-selection-none img)
(gimp-image-set-selected-layers img (vector content))
(export-layer content "$work/content.png")
(gimp-display-new img)
(try "cancelled" (lambda ()
  (plug-in-neural-style #:run-mode RUN-INTERACTIVE #:image img #:drawables (vector content))))
(gimp-image-set-selected-layers img (vector content))
(define result (plug-in-neural-style #:run-mode RUN-INTERACTIVE #:image img
                                     #:drawables (vector content)))
(export-layer result "$work/result.png")
(display "BATCH-END\n")
(gimp-quit #t)
SCM
start_gimp "$script"

# shot WINDOW NAME: one photograph of the window, as NAME.png.
shot () {
  xwd -id "$1" -silent > "$work/$2.xwd" 2>/dev/null && convert "xwd:$work/$2.xwd" "$artefacts/$2.png"
}

# preview_picture SHOT OUT: the picture in the preview area of the dialog's
# photograph SHOT, saved as OUT (a numpy file); prints its size, or
# nothing when the area shows none.  The area is a square of the
# preview's size whose rows and columns around the picture are the plain
# grey (128, 128, 128) the dialog fills it with.
preview_picture () {
  python3 - "$1" "$2" <<'PY'
import subprocess, sys
import numpy as np
size = subprocess.run(["identify", "-format", "%w %h", sys.argv[1]], capture_output=True, text=True)
w, h = map(int, size.stdout.split())
raw = subprocess.run(["convert", sys.argv[1], "-depth", "8", "rgb:-"], capture_output=True).stdout
shot = np.frombuffer(raw[:w * h * 3], np.uint8).reshape(h, w, 3).astype(int)
grey = (shot == 128).all(axis=2)
rows = np.flatnonzero(grey.sum(axis=1) >= 300)
if len(rows) == 0:
    sys.exit(0)
columns = np.flatnonzero(grey[rows].sum(axis=0) >= len(rows) // 2)
x0, x1 = columns.min(), columns.max() + 1
y0 = rows.min()
area = shot[y0:y0 + (x1 - x0), x0:x1]
inside = ~(area == 128).all(axis=2)
if not inside.any():
    sys.exit(0)
ys, xs = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
picture = area[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
np.save(sys.argv[2], picture)
print("%dx%d" % (picture.shape[1], picture.shape[0]))
PY
}

# differs A.npy B.npy|B.png: the mean difference of two pictures of the
# same size (0 to 255), or "size" when their sizes differ.
differs () {
  python3 - "$1" "$2" <<'PY'
import subprocess, sys
import numpy as np
a = np.load(sys.argv[1])
if sys.argv[2].endswith(".png"):
    size = subprocess.run(["identify", "-format", "%w %h", sys.argv[2]], capture_output=True, text=True)
    w, h = map(int, size.stdout.split())
    raw = subprocess.run(["convert", sys.argv[2], "-depth", "8", "rgb:-"], capture_output=True).stdout
    b = np.frombuffer(raw[:w * h * 3], np.uint8).reshape(h, w, 3).astype(int)
else:
    b = np.load(sys.argv[2])
print("size" if a.shape != b.shape else "%.1f" % np.abs(a - b).mean())
PY
}

# wait_picture WINDOW NAME BEFORE LEAST SECONDS: photographs the window
# until its preview area shows a picture that differs from BEFORE (a .npy
# or .png of the same size) by a mean of LEAST or more; the picture is
# NAME.npy.
wait_picture () {
  local end=$((SECONDS + $5)) change
  while [ "$SECONDS" -lt "$end" ]; do
    shot "$1" "$2"
    if [ -n "$(preview_picture "$artefacts/$2.png" "$work/$2.npy")" ]; then
      change=$(differs "$work/$2.npy" "$3")
      [ "$change" != size ] && [ "${change%.*}" -ge "$4" ] && return 0
    fi
    kill -0 "$gimp_pid" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}

# The log of the plug-in's current process: from this line on (each
# process counts its preview runs from 1).
from_line=1
plugin_log () {
  tail -n +"$from_line" "$log"
}

# The newest preview run the plug-in started (its generation), or 0.
newest_preview () {
  local newest
  newest=$(plugin_log | sed -n 's/.*neural-style-DEBUG: .*preview \([0-9]*\) started$/\1/p' | tail -n 1)
  echo "${newest:-0}"
}

# wait_until SECONDS COMMAND…: until COMMAND succeeds, while GIMP runs.
wait_until () {
  local end=$((SECONDS + $1))
  shift
  while [ "$SECONDS" -lt "$end" ]; do
    "$@" && return 0
    kill -0 "$gimp_pid" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}

# logged PATTERN N: the process's log has N lines matching PATTERN, or more.
logged () {
  [ "$(plugin_log | grep -cE "$1")" -ge "$2" ]
}

# pictures_shown N: the newest preview run has shown N pictures.
pictures_shown () {
  logged "neural-style-DEBUG: .*preview picture $(newest_preview): " "$1"
}

newer_preview () {
  [ "$(newest_preview)" -gt "$1" ]
}

# wait_new_preview AFTER SECONDS: until a preview run newer than AFTER
# started (a change may start more than one: a widget's own update).
wait_new_preview () {
  wait_until "$2" newer_preview "$1"
}

# wait_pictures N SECONDS: until the newest preview run has shown N
# pictures.
wait_pictures () {
  wait_until "$2" pictures_shown "$1"
}

# set_setting KEY VALUE: typed into the field of the mnemonic Alt+KEY,
# which is then left (Tab).
set_setting () {
  keys "$dialog" "alt+$1" ctrl+a
  xdotool type --delay 60 "$2"
  keys "$dialog" Tab
}

# --- 1. The dialog with its preview ----------------------------------------------
dialog=$(wait_window '^Neural Style$' 120)
check "the dialog opened" test -n "$dialog"
if [ -z "$dialog" ]; then show_log "$log"; finish; fi
check "the preview started as the dialog opened (the switch is on by default)" \
  wait_new_preview 0 60
check "a picture of the preview came" wait_pictures 1 300
# A picture painted differs from the layer by more than the blur of a
# coarse scale stretched (about 2 of 255 at the first iteration): the
# painting goes on until it does.
check "the preview area comes to show a painted picture (it differs from the layer by a mean of 5 of 255 or more)" \
  wait_picture "$dialog" dialog-preview "$work/content.png" 5 300
size=$(preview_picture "$artefacts/dialog-preview.png" "$work/dialog-preview.npy")
tap_note "the preview's picture: ${size:-none}, against the layer: mean difference $(differs "$work/dialog-preview.npy" "$work/content.png") of 255"
check "the preview's picture has the layer's size (320x240: the preview's size)" test "$size" = 320x240

# --- 2. The style weight changed ---------------------------------------------------
# The picture before the change, then the new run's: once its second
# picture is shown, the area shows the new run's (a replaced run's never
# come after the change).
before=$(newest_preview)
shot "$dialog" dialog-before-change
preview_picture "$artefacts/dialog-before-change.png" "$work/dialog-before-change.npy" >/dev/null
set_setting w 4
check "changing the style weight started a new preview" wait_new_preview "$before" 60
check "pictures of the new preview came" wait_pictures 2 300
shot "$dialog" dialog-preview-changed
preview_picture "$artefacts/dialog-preview-changed.png" "$work/dialog-preview-changed.npy" >/dev/null
change=$(differs "$work/dialog-preview-changed.npy" "$work/dialog-before-change.npy")
tap_note "the new run's picture against the one before the change: mean difference ${change:-?} of 255"
check "the preview area shows a new picture after the change" \
  test "${change:-size}" != size -a "${change%.*}" -ge 1

# --- 3. The "Preview" switch off, then on again -----------------------------------
# The switch is the last control of the preview's column, which comes
# before the settings' in the focus order: Shift+Tab from the preset list.
preview_switch () {
  keys "$dialog" alt+p shift+Tab space
}
before=$(newest_preview)
set_setting w 3
check "a change started a new preview" wait_new_preview "$before" 60
wait_pictures 1 300
running=$(newest_preview)
stops=$(grep -c "neural-style-DEBUG: .*preview stopped$" "$log")
preview_switch
check "turning the switch off stopped the preview" \
  wait_until 60 logged "neural-style-DEBUG: .*preview stopped$" $((stops + 1))
check "the run under way ended" wait_log "neural-style-DEBUG: .*preview run $running ended: " 60
if grep -qE "neural-style-DEBUG: .*preview picture $running: finished" "$log"; then
  tap_note "the run had finished before the switch was turned off"
else
  check "it was cancelled" grep -qE "neural-style-DEBUG: .*preview run $running ended: cancelled" "$log"
fi
# Now that the run has ended, anything the worker sent has arrived.
shot "$dialog" dialog-preview-off
after_stop=$(awk '/neural-style-DEBUG: .*preview stopped$/ { n = NR } END { print n }' "$log")
check "no picture came and no run started while the preview is off" \
  bash -c '! tail -n +"$1" "$2" | grep -qE "neural-style-DEBUG: .*preview (picture [0-9]+:|[0-9]+ started)"' \
  _ "$after_stop" "$log"
preview_switch
check "turning it on again started a new preview" wait_new_preview "$running" 60
check "and its pictures came" wait_pictures 1 300

# --- 4. Cancel while a preview is under way ---------------------------------------
before=$(newest_preview)
set_setting w 2
check "changing it again started a new preview" wait_new_preview "$before" 60
wait_pictures 1 300
under_way=$(newest_preview)
# the batch's next call starts another process: this one is watched
plugin_pid=$(pgrep -f "$profile/plug-ins/neural-style/neural-style" | head -n 1)
# a window destroyed has no name
window_gone () {
  ! xdotool getwindowname "$1" >/dev/null 2>&1
}
started=$(date +%s.%N)
keys "$dialog" alt+c
check "Cancel closed the dialog" wait_until 60 window_gone "$dialog"
closed=$(date +%s.%N)
tap_note "the dialog closed $(python3 -c "print('%.2f' % ($closed - $started))") s after Cancel"
process_gone () {
  ! kill -0 "$plugin_pid" 2>/dev/null
}
check "the plug-in's process was found" test -n "$plugin_pid"
check "the plug-in's process ended" wait_until 60 process_gone
check "the plug-in freed its preview" grep -q "neural-style-DEBUG: .*preview freed$" "$log"
from_line=$(($(grep -nE "neural-style-DEBUG: .*preview freed$" "$log" | head -n 1 | cut -d: -f1) + 1))
check "the dialog closed while its preview was under way (no finished picture of it)" \
  bash -c '! head -n "$3" "$2" | grep -qE "neural-style-DEBUG: .*preview picture $1: finished"' \
  _ "$under_way" "$log" "$from_line"

# --- 5. OK after a finished preview ------------------------------------------------
dialog=$(wait_window '^Neural Style$' 120)
check "the dialog opened again" test -n "$dialog"
if [ -z "$dialog" ]; then show_log "$log"; finish; fi
check "its preview started" wait_new_preview 0 60
# 2 iterations a scale (Alt+T): a finished preview within the test's time
before=$(newest_preview)
set_setting t 2
check "changing the iterations started a new preview" wait_new_preview "$before" 60
finished_preview () {
  logged "neural-style-DEBUG: .*preview picture $(newest_preview): finished" 1
}
check "and finished" wait_until 300 finished_preview
shot "$dialog" dialog-preview-finished
preview_picture "$artefacts/dialog-preview-finished.png" "$work/finished.npy" >/dev/null
keys "$dialog" alt+o
check "OK: the run goes on from the preview's finished picture" \
  wait_log "neural-style-DEBUG: .*the run goes on from the preview's 320×240 picture" 60
check "the run ended" wait_log "neural-style-DEBUG: .*finished after [0-9.]+ s: ok" 300
check "it painted no scale (no progress of an iteration)" \
  bash -c '! tail -n +"$1" "$2" | grep -qE "neural-style-DEBUG: .*progress .*Scale [0-9]"' \
  _ "$from_line" "$log"
check "the new layer was saved" wait_log "^BATCH-END" 120

wait "$gimp_pid"
gimp_pid=""
cp "$log" "$artefacts/gimp.log"
check "GIMP ran the batch to its end" grep -q "^BATCH-END" "$log"
# The same floats, each side rounded to 8 bits once: at most 1 apart.
largest=$(python3 - "$work/finished.npy" "$work/result.png" <<'PY'
import subprocess, sys
import numpy as np
a = np.load(sys.argv[1])
size = subprocess.run(["identify", "-format", "%w %h", sys.argv[2]], capture_output=True, text=True)
w, h = map(int, size.stdout.split())
raw = subprocess.run(["convert", sys.argv[2], "-depth", "8", "rgb:-"], capture_output=True).stdout
b = np.frombuffer(raw[:w * h * 3], np.uint8).reshape(h, w, 3).astype(int)
print("size" if a.shape != b.shape else "%d %.3f" % (np.abs(a - b).max(), np.abs(a - b).mean()))
PY
)
tap_note "the new layer against the finished preview: largest and mean difference ${largest:-?} of 255"
check "the new layer is the finished preview's picture (within one 8-bit step)" \
  test "${largest%% *}" = 0 -o "${largest%% *}" = 1
problems=$(grep -E "\(neural-style:[0-9]+\): [A-Za-z-]+-(WARNING|CRITICAL)|Gtk-CRITICAL|Gdk-CRITICAL" "$log" |
           grep -v "gimp_flush(): error: Broken pipe")
[ -n "$problems" ] && tap_note "$problems"
check "no GTK critical, and no warning or critical from the plug-in" test -z "$problems"
check_no_mnemonic_warnings "$log"

finish "$log" 50
