# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash disable=SC2154  # $work, $profile, $log: the sourcing test's
# What the tests of a run under the user's changes share
# (gimp_during_run_layers_test.sh, gimp_during_run_close_quit_test.sh;
# sourced after gimp_common.sh).  GIMP 3 runs with its windows on Xvfb (a
# window per image) and a Script-Fu batch; the test acts meanwhile with the
# keyboard (xdotool).
#   during_run_init NAME BUILD_ROOT SOURCE_ROOT
#       the profile (no welcome window, a window per image), $log, Xvfb;
#   $during_run_scheme
#       Scheme: style-img and its style layer (stripes), (scene TAG): a
#       shown, clean image TAG.xcf whose content layer (96x72) lies over an
#       "other" layer, (run-phase TAG STYLE): the filter on a new scene,
#       printing "PHASE TAG", its "RESULT TAG …" line and "END TAG",
#   gimp_ended          waits a minute at most for GIMP to end, then sets
#                       $gimp_alive (yes: it had not) and ends it, keeps
#                       its log and notes the batch's phase lines;
#   after PHASE PATTERN SECONDS, running PHASE, result PHASE,
#   action PHASE WINDOW-REGEX TEXT: below.

during_run_init () {
  gimp_test_init "$@"
  need_display_tools
  make_test_profile
  # A window per image (each titled by its image), no welcome window.
  echo '(show-welcome-dialog no)' >> "$profile/gimprc"
  echo '(single-window-mode no)' >> "$profile/sessionrc"
  log="$work/gimp.log"
  : > "$log"
  start_display
}

# A run lasts long enough to act in it: 96x72 px, one scale, many iterations,
# each taken (#:converged 0: no flat-loss stop).
# shellcheck disable=SC2034  # used by the scripts that source this file
read -r -d '' during_run_scheme <<'SCM'
(define style-img (gimp-image-new 48 48 RGB))
(define style (striped-style style-img 0))
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

; Runs the filter on the scene; prints where the result went.
(define (run-phase tag style-layer)
  (let* ((s (scene tag)) (img (car s)) (content (cadr s)))
    (display (string-append "PHASE " tag "\n"))
    (try tag (lambda ()
      (let* ((layer (plug-in-neural-style #:image img #:drawables (vector content)
                      #:style-layer style-layer #:iterations 150 #:converged 0 #:max-size 96
                      #:multi-scale #f))
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
SCM

# after PHASE PATTERN SECONDS: waits for a line matching PATTERN after "PHASE <phase>".
after () {
  wait_log_after "^PHASE $1\$" "$2" "$3"
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

gimp_ended () {
  local status
  for _ in $(seq 120); do
    kill -0 "$gimp_pid" 2>/dev/null || break
    sleep 0.5
  done
  # $gimp_alive: read by gimp_during_run_close_quit_test.sh
  gimp_alive=no
  if kill -0 "$gimp_pid" 2>/dev/null; then
    # shellcheck disable=SC2034
    gimp_alive=yes
    kill "$gimp_pid"
  fi
  wait "$gimp_pid" 2>/dev/null
  status=$?
  gimp_pid=""
  cp "$log" "$artefacts/gimp.log"
  tap_note "GIMP exit status: $status"
  grep -E "^(PHASE|RESULT|LAYERS-OF|END|BAD|ERROR) " "$log" | sed 's/^/# /'
}
