#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# An animation from the dialog, on a real display:
# gimp_animation_display_test.sh BUILD_ROOT SOURCE_ROOT
#
# GIMP 3 with its windows on Xvfb (1366x768) opens a 4-layer image (one
# layer a frame, names with delay and disposal tags) and runs
# plug-in-neural-style interactively twice; the test drives the windows with
# the keyboard (xdotool) and photographs them (xwd → PNG):
#   1. the dialog: Alt+T (Iterations), Tab to "Paint", Down: "Every layer
#      as a frame of an animation" (dialog-animation.png); the run paints
#      4 frames (its progress lines: "Frame 1/4 · …");
#   2. OK, and once frame 2 is under way (the progress window,
#      progress-animation.png), "Stop (keep result)": a new image holds the
#      frames painted so far (1 to 3, the first frames' names in their
#      order); the source image keeps its 4 layers and names;
#   3. the dialog again (the last values: an animation), OK, and Cancel
#      once frame 2 is under way: no new image, the source unchanged.
# Later frames take far more iterations than the first: Stop and Cancel
# land in frame 2 however long the keys take to arrive.  The PNGs and
# GIMP's log stay in BUILD_ROOT/artefacts/animation-display/.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3 GUI,
# Xvfb, xdotool, xwd or ImageMagick).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
gimp_test_init animation-display "${1:?usage: gimp_animation_display_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

need_display_tools

make_test_profile
log="$work/gimp.log"
: > "$log"

start_display 1366x768

names=("frame 1 (100ms) (replace)" "frame 2 (100ms) (replace)"
       "frame 3 (100ms) (replace)" "frame 4 (250ms) (replace)")

read -r -d '' script <<SCM
$scheme_prelude
(define style-img (gimp-image-new 48 48 RGB))
(define style (striped-style style-img 0))
(gimp-selection-none style-img)

(define (print-images tag)
  (display (string-append "IMAGES " tag " "
             (number->string (vector-length (gimp-get-images))) "\n")))

(define img (gimp-image-new 64 48 RGB))
(square-frame img "${names[0]}" 0)
(square-frame img "${names[1]}" 4)
(square-frame img "${names[2]}" 8)
(define top (square-frame img "${names[3]}" 12))
(gimp-selection-none img)
(gimp-display-new img)
(print-layers "source-before" img)
(print-images "before")

; A few iterations for frame 1, many for the later ones, each taken
; (#:converged 0): frame 2 lasts until Stop or Cancel.  Prints the new
; image's layers, or what came back instead of a layer.
(define (paint tag)
  (try tag (lambda ()
    (let ((layer (plug-in-neural-style #:run-mode RUN-INTERACTIVE #:image img
                   #:drawables (vector top) #:style-layer style #:iterations 8
                   #:frame-iterations 100000 #:converged 0 #:max-size 64 #:multi-scale #f)))
      (if (and (integer? layer) (gimp-item-id-is-valid layer))
          (print-layers (string-append tag "-painted") (gimp-item-get-image layer))
          (begin (display (string-append "NO-LAYER " tag " ")) (write layer) (newline)))))))

(paint "stopped")
(print-layers "source-after-stop" img)
(print-images "after-stop")
(paint "cancelled")
(print-layers "source-after-cancel" img)
(print-images "after-cancel")
(display "BATCH-END\n")
SCM

start_gimp --quit "$script"

# A run's progress line once frame 2 (or a later one) is under way.
frame_two='neural-style-DEBUG: [0-9:.]+: progress [0-9.]+ s: Frame [2-4]/4 '
# give_up WHAT: a step that cannot happen ends GIMP (and its run that
# would otherwise paint on); the checks below say what is missing.
give_up () {
  tap_note "gave up: $1"
  kill "$gimp_pid" 2>/dev/null
}

# --- 1. The dialog: Paint ----------------------------------------------------------
dialog=$(wait_window '^Neural Style$' 120)
check "the dialog opened" test -n "$dialog"
if [ -z "$dialog" ]; then give_up "no dialog"; show_log "$log"; finish; fi
shot_settled "$dialog" dialog-layer
# Alt+T: Iterations, the last of the everyday settings; Tab: Paint, under
# it; Down: its second choice.
keys "$dialog" alt+t Tab Down
shot_settled "$dialog" dialog-animation dialog-layer

# --- 2. OK, Stop in frame 2 ----------------------------------------------------------
keys "$dialog" alt+o
if progress=$(wait_window '^Neural Style Progress$' 60) &&
   wait_log_after '^IMAGES before' "$frame_two" 120; then
  shot "$progress" progress-animation
  keys "$progress" alt+s
  wait_log '^IMAGES after-stop' 120 || give_up "the stopped run did not end"
else
  give_up "no progress window, or no frame 2, in the first run"
fi

# --- 3. Again, Cancel in frame 2 ------------------------------------------------------
if dialog=$(wait_window '^Neural Style$' 60); then
  shot_settled "$dialog" dialog-again
  keys "$dialog" alt+o
  if progress=$(wait_window '^Neural Style Progress$' 60) &&
     wait_log_after '^IMAGES after-stop' "$frame_two" 120; then
    keys "$progress" alt+c
    wait_log '^BATCH-END' 120 || give_up "the cancelled run did not end"
  else
    give_up "no progress window, or no frame 2, in the second run"
  fi
else
  give_up "no second dialog"
fi

wait "$gimp_pid"
gimp_status=$?
gimp_pid=""
cp "$log" "$artefacts/gimp.log"

# --- Checks ------------------------------------------------------------------------
between () {  # between FROM TO: the log's lines from the first matching FROM to TO
  sed -n "/$1/,/$2/p" "$log"
}
quoted () {  # quoted NAME…: the names as print-layers prints them
  local out="" name
  for name in "$@"; do out+="${out:+ }\"$name\""; done
  echo "($out)"
}
source_layers=$(quoted "${names[3]}" "${names[2]}" "${names[1]}" "${names[0]}")

tap_note "GIMP exit status: $gimp_status"
check "GIMP ran the batch to its end" grep -q "^BATCH-END" "$log"
check_screenshot dialog-animation
check "choosing \"Paint\" changed the dialog (dialog-animation.png differs from dialog-layer.png)" \
  bash -c '[ -f "$1" ] && [ -f "$2" ] && ! cmp -s "$1" "$2"' _ \
  "$artefacts/dialog-layer.png" "$artefacts/dialog-animation.png"
check_screenshot progress-animation
check "the source image has 4 frames" grep -qxF "LAYERS-OF source-before $source_layers" "$log"

# The script asks for a layer (the procedure's default): the dialog's
# choice alone makes the run an animation.
first_run=$(between '^IMAGES before' '^IMAGES after-stop')
check "the dialog's choice made the first run an animation of 4 frames" \
  grep -qE 'neural-style-DEBUG: [0-9:.]+: progress [0-9.]+ s: Frame 1/4 · ' <<<"$first_run"
kept=$(sed -n 's/.*neural-style-DEBUG: [0-9:.]*: stopped in frame \([0-9]\)\/4: \([0-9]\) frames kept$/\2/p' <<<"$first_run")
tap_note "frames kept after Stop: ${kept:-none}"
check "Stop, pressed in frame 2 or later, ended the run early with the frames painted so far (1 to 3)" \
  bash -c '[ -n "$1" ] && [ "$1" -ge 1 ] && [ "$1" -le 3 ]' _ "$kept"
check "the stopped run succeeded" grep -q "^BAD stopped succeeded" "$log"
# The new image, top first: frames kept to 1.
kept_layers=()
for ((k = ${kept:-0}; k >= 1; k--)); do kept_layers+=("${names[k - 1]}"); done
painted=$(sed -n 's/^LAYERS-OF stopped-painted //p' "$log")
tap_note "the new image: ${painted:-none}"
check "the new image holds the frames kept, their names those of the first frames, in order" \
  test "${#kept_layers[@]}" -ge 1 -a "$painted" = "$(quoted "${kept_layers[@]}")"
check "the stopped run left the source image's 4 layers and names as they were" \
  grep -qxF "LAYERS-OF source-after-stop $source_layers" "$log"
images_before=$(sed -n 's/^IMAGES before //p' "$log")
images_stop=$(sed -n 's/^IMAGES after-stop //p' "$log")
images_cancel=$(sed -n 's/^IMAGES after-cancel //p' "$log")
tap_note "open images: ${images_before:-?} before, ${images_stop:-?} after Stop, ${images_cancel:-?} after Cancel"
check "the stopped run added one image" test "${images_stop:-0}" = "$(( ${images_before:-0} + 1 ))"

second_run=$(between '^IMAGES after-stop' '^IMAGES after-cancel')
check "the second run (the last values) was an animation of 4 frames too" \
  grep -qE 'neural-style-DEBUG: [0-9:.]+: progress [0-9.]+ s: Frame 2/4 · ' <<<"$second_run"
check "Cancel, pressed in frame 2 or later, cancelled the run" \
  grep -qE 'neural-style-DEBUG: [0-9:.]+: finished after [0-9.]+ s: cancelled$' <<<"$second_run"
tap_note "the cancelled run returned: $(sed -n 's/^NO-LAYER cancelled //p' "$log")"
check "the cancelled run returned no layer" \
  bash -c 'grep -q "^NO-LAYER cancelled " "$1" && ! grep -q "^LAYERS-OF cancelled-painted" "$1"' _ "$log"
check "the cancelled run left no new image" test "${images_cancel:-0}" = "${images_stop:-?}"
check "the cancelled run left the source image's 4 layers and names as they were" \
  grep -qxF "LAYERS-OF source-after-cancel $source_layers" "$log"

check_no_crash "$log"
check_no_plugin_warnings "$log"
check_no_mnemonic_warnings "$log"
finish "$log" 60
