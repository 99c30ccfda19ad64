#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The image changing under a run: gimp_changes_test.sh BUILD_ROOT SOURCE_ROOT
#
# GIMP 3 with its windows on Xvfb (a window per image) runs a Script-Fu
# batch that calls plug-in-neural-style on shown images, then the user's
# runs start from the menu (GIMP's action search); meanwhile this script
# does what a user may do, with the keyboard (xdotool):
#   twice        the same filter started again on the same image, from the
#                action search, and run with OK: both runs add a layer, each
#                right above the content when it is inserted, whichever run
#                ends first;
#   deleted      the content layer deleted (action search, "Delete Layers"):
#                the result is a new layer at the top of the image, and the
#                plug-in says so;
#   closed       the content's image closed during a run started from the
#                menu: the run goes on in its progress window and its result
#                is shown in a new image, with a message saying so;
#   quit         GIMP asked to quit during a run (and the unsaved changes
#                discarded): GIMP quits, and no plug-in process stays.
# No phase may crash GIMP or the plug-in, or print a critical.  Closing the
# style layer's image during a run is not tried: GIMP 3.0.4 itself crashed
# after such a call in about half of ten tries (README, "Known limits").  Screenshots
# and GIMP's log stay in BUILD_ROOT/artefacts/changes/.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3 GUI,
# Xvfb, xdotool, xwd or ImageMagick).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
gimp_test_init changes "${1:?usage: gimp_changes_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"
need_display_tools
make_test_profile
# A window per image (each titled by its image), no welcome window.
echo '(show-welcome-dialog no)' >> "$profile/gimprc"
echo '(single-window-mode no)' >> "$profile/sessionrc"
log="$work/gimp.log"
: > "$log"
start_display

# A run lasts long enough to act in it: 96x72 px, one scale, many iterations.
read -r -d '' script <<SCM
$scheme_prelude
(define style-img (gimp-image-new 40 40 RGB))
(define style (gimp-layer-new style-img "style" 40 40 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer style-img style 0 0)
(fill style-img style 0 0 40 40 '(20 20 20))
(fill style-img style 0 0 8 40 '(240 200 30))
(fill style-img style 16 0 8 40 '(200 40 160))
(gimp-selection-none style-img)

; An image called TAG (its window's title), with a content layer over an
; "other" layer, shown and clean (closing it asks nothing).
(define (scene tag)
  (let* ((img (gimp-image-new 96 72 RGB))
         (content (gimp-layer-new img "content" 96 72 RGB-IMAGE 100 LAYER-MODE-NORMAL))
         (other (gimp-layer-new img "other" 96 72 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
    (gimp-image-insert-layer img other 0 0)
    (gimp-image-insert-layer img content 0 0)
    (fill img content 0 0 96 72 '(40 90 200))
    (fill img content 20 10 30 30 '(220 60 40))
    (gimp-selection-none img)
    (gimp-image-set-file img (string-append "/tmp/" tag ".xcf"))
    (gimp-image-set-selected-layers img (vector content))
    (gimp-display-new img)
    (gimp-displays-flush)
    (gimp-image-clean-all img)
    (list img content)))

; The name of the layer right under LAYER ("none" at the bottom).
(define (layer-below img layer)
  (let ((layers (gimp-image-get-layers img))
        (next (+ (gimp-image-get-item-position img layer) 1)))
    (if (< next (vector-length layers)) (gimp-item-get-name (vector-ref layers next)) "none")))
(define (layer-names img)
  (map (lambda (layer) (gimp-item-get-name layer)) (vector->list (gimp-image-get-layers img))))
; One write a line: a plug-in's stderr may land between two writes.
(define (quoted names)
  (if (null? names) ""
      (string-append "\"" (car names) "\"" (if (null? (cdr names)) "" " ") (quoted (cdr names)))))
(define (print-layers tag img)
  (display (string-append "LAYERS-OF " tag " (" (quoted (layer-names img)) ")\n")))

; Runs the filter on the scene; prints where the result went.
(define (run-phase tag style-layer)
  (let* ((s (scene tag)) (img (car s)) (content (cadr s)))
    (display (string-append "PHASE " tag "\n"))
    (try tag (lambda ()
      (let* ((layer (plug-in-neural-style #:image img #:drawables (vector content)
                      #:style-layer style-layer #:iterations 150 #:max-size 96 #:multi-scale #f))
             (home (gimp-item-get-image layer)))
        (display (string-append "RESULT " tag
                   " same-image=" (if (= home img) "yes" "no")
                   " image-open=" (if (gimp-image-id-is-valid img) "yes" "no")
                   " size=" (number->string (gimp-drawable-get-width layer))
                   "x" (number->string (gimp-drawable-get-height layer))
                   " position=" (number->string (gimp-image-get-item-position home layer))
                   " content-position=" (if (gimp-item-id-is-valid content)
                                            (number->string (gimp-image-get-item-position home content))
                                            "none")
                   " below=\"" (layer-below home layer) "\""
                   " name=" (gimp-item-get-name layer) "\n"))
        (print-layers tag home))))
    (display (string-append "END " tag "\n"))
    img))

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
; The last two runs start from the menu (the action search), as a user's.
(scene "closed")
(scene "quit")
(display "BATCH-END\n")
SCM

env GIMP3_DIRECTORY="$profile" LANG=C.UTF-8 LANGUAGE= OMP_NUM_THREADS=1 \
    G_MESSAGES_DEBUG=neural-style NO_AT_BRIDGE=1 \
  timeout --kill-after=10 400 \
  gimp-3.0 -d -f -s --batch-interpreter=plug-in-script-fu-eval -b "$script" \
  >"$log" 2>&1 &
gimp_pid=$!

# after PHASE PATTERN SECONDS: waits for a line matching PATTERN after "PHASE <phase>".
after () {
  for _ in $(seq $(( $3 * 4 ))); do
    sed -n "/^PHASE $1\$/,\$p" "$log" | grep -qE "$2" && return 0
    kill -0 "$gimp_pid" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}
running () {  # running PHASE: the phase's run is past a few iterations
  after "$1" 'neural-style-DEBUG: .* iteration [5-9]/150 ' 90
}
result () {  # result PHASE: its RESULT line
  sed -n "s/^RESULT $1 //p" "$log" | head -n 1
}

# action PHASE WINDOW-REGEX TEXT: runs the action found by typing TEXT
# into GIMP's action search ("/") in the window.
action () {
  local win search
  win=$(wait_window "$2" 10) || return 1
  keys "$win" slash
  search=$(wait_window '^Search Actions$' 10) || return 1
  xdotool windowfocus --sync "$search"
  xdotool type --delay 60 "$3"
  # The results are in once the window stops changing.
  shot_settled "$search" "$1-search"
  xdotool key Return
}

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
# ten tries, taking the later phases with it: not run (README, "Known limits").
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
for _ in $(seq 120); do
  kill -0 "$gimp_pid" 2>/dev/null || break
  sleep 0.5
done
gimp_alive=no
kill -0 "$gimp_pid" 2>/dev/null && gimp_alive=yes
wait "$gimp_pid" 2>/dev/null
gimp_status=$?
gimp_pid=""
cp "$log" "$artefacts/gimp.log"
tap_note "GIMP exit status: $gimp_status"

grep -E "^(PHASE|RESULT|LAYERS-OF|STYLE-OPEN|END|BAD|ERROR) " "$log" | sed 's/^/# /'

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
