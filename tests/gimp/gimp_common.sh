# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Shared helpers of the real-GIMP tests (sourced by tests/gimp/gimp_*_test.sh),
# which report through tests/common/tap.sh.
#
#   gimp_test_init NAME BUILD_ROOT SOURCE_ROOT
#       skips (TAP) without GIMP 3 or python3+numpy; makes $work (kept
#       with KEEP_WORK=1) and $artefacts (BUILD_ROOT/artefacts/NAME);
#   make_test_profile
#       make_profile "$work/profile", sets $profile and says which weights;
#   make_profile DIR
#       a private GIMP profile whose plug-ins/neural-style/ holds the built
#       plug-in, its catalogs and presets, laid out as `meson install` does,
#       and weights (real: $NEURAL_STYLE_TEST_WEIGHTS, else synthetic);
#   run_console PROFILE LOG SCRIPT [ENV=VALUE...]
#       gimp-console-3.0 in batch mode with a Script-Fu v3 script;
#   check DESCRIPTION COMMAND...   one TAP line per check (tap_check);
#   run_batch SCRIPT               run_console with the plug-in's debug lines,
#                                  output in $log (and the artefacts), and a
#                                  check that it ran to its end (BATCH-END);
#   check_bad TAG MESSAGE          the batch's (try TAG …) failed with MESSAGE;
#   check_no_crash LOG             no crash of the plug-in in LOG;
#   check_no_plugin_warnings LOG   no GLib/GTK warning from the plug-in in LOG;
#   check_no_mnemonic_warnings LOG [WHAT]
#                                  no mnemonic warning from GIMP's dialog code;
#   layers TAG                     the count Scheme's (count-layers TAG img)
#                                  printed into $log;
#   finish [LOG [LINES]]           the TAP plan and the exit status (on a
#                                  failure, LOG's last LINES lines first).
# For GIMP with its windows, on Xvfb:
#   need_display_tools             skips the test (TAP) without gimp-3.0, Xvfb,
#                                  xdotool, xwd or ImageMagick;
#   missing_display_tool           prints the first of those not installed
#                                  (fails when all are);
#   start_gimp [--quit] SCRIPT [ENV=VALUE...]
#                                  gimp-3.0 (with its windows) runs the batch
#                                  SCRIPT (then quits, with --quit), output
#                                  in $log; sets $gimp_pid;
#   start_display [WxH]            starts Xvfb (a WxH screen, 1280x1024 unless
#                                  told), sets DISPLAY once a client reaches
#                                  it; on exit, ends it and GIMP ($gimp_pid)
#                                  and removes $work;
#   wait_window NAME-REGEX SECONDS prints the id of a visible window so named
#                                  (fails once GIMP, $gimp_pid, is gone);
#   keys WINDOW KEY...             focuses the window, then presses the keys;
#   shot_settled WINDOW NAME [BEFORE]
#                                  a screenshot, $artefacts/NAME.png (WINDOW
#                                  root: the whole screen), once the window
#                                  differs from shot BEFORE and stopped
#                                  changing;
#   shot WINDOW NAME               a screenshot as the window is now (one
#                                  that never stops changing: a progress
#                                  window);
#   wait_window_gone NAME-REGEX SECONDS
#                                  until no visible window is so named;
#   wait_log PATTERN SECONDS       until a line of $log matches PATTERN;
#   wait_log_after MARK PATTERN SECONDS
#                                  until a line of $log from the first that
#                                  matches MARK (a sed address) on matches
#                                  PATTERN (fails once GIMP is gone);
#   image_stats PNG                "w=… h=… colours=… saturated=…" (strongly
#                                  coloured pixels), or missing, unreadable;
#   stats_value STATS KEY          one of those numbers;
#   check_screenshot NAME          a check that $artefacts/NAME.png is a real
#                                  screenshot (size, colours).
# Scheme helpers every script can use are in $scheme_prelude.

# shellcheck source=../common/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/tap.sh"

gimp_test_init () {
  test_name=$1
  build_root=$(cd "$2" && pwd)
  source_root=$(cd "$3" && pwd)
  plugin_exe="$build_root/plugin/neural-style"

  if ! command -v gimp-console-3.0 >/dev/null 2>&1; then
    tap_skip_all "gimp-console-3.0 is not installed (run the tests through tools/gimp3-env)"
  fi
  if ! python3 -c 'import numpy' >/dev/null 2>&1; then
    tap_skip_all "python3 with numpy is needed to check pixels"
  fi
  if [ ! -x "$plugin_exe" ]; then
    tap_not_ok "the plug-in was not built: $plugin_exe"
    tap_done
  fi

  work=$(mktemp -d "${TMPDIR:-/tmp}/neural-style-$test_name.XXXXXX")
  trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
  artefacts="$build_root/artefacts/$test_name"
  rm -rf "$artefacts"
  mkdir -p "$artefacts"

  # The plug-in must find its weights by itself, next to its binary.
  unset NEURAL_STYLE_WEIGHTS GIMP3_PLUGINDIR
}

check () {
  tap_check "$@"
}

finish () {
  if [ -n "${1:-}" ] && [ "$tap_failures" -ne 0 ]; then
    show_log "$1" "${2:-40}"
  fi
  tap_note "artefacts: $artefacts"
  tap_done
}

missing_display_tool () {
  local tool
  for tool in gimp-3.0 Xvfb xdotool xwd convert identify; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "$tool"
      return 0
    fi
  done
  return 1
}

need_display_tools () {
  local tool
  if tool=$(missing_display_tool); then
    tap_skip_all "$tool is not installed (run the tests through tools/gimp3-env)"
  fi
}

start_gimp () {
  local quit=() script
  [ "$1" = --quit ] && { quit=(--quit); shift; }
  script=$1
  shift
  env GIMP3_DIRECTORY="$profile" LANG=C.UTF-8 LANGUAGE= OMP_NUM_THREADS=1 \
      G_MESSAGES_DEBUG=neural-style NO_AT_BRIDGE=1 "$@" \
    timeout --kill-after=10 400 \
    gimp-3.0 -d -f -s --batch-interpreter=plug-in-script-fu-eval -b "$script" "${quit[@]}" \
    >"$log" 2>&1 &
  gimp_pid=$!
}

# Another test's Xvfb that is ending may still hold the display number
# ours was given, its lock or its socket: ours is used once a client reaches
# it, else it is started again.  Each wait ends on an event (the display
# number written, Xvfb gone) or after a minute.
start_display () {
  local try
  for try in 1 2 3; do
    : > "$work/display"
    Xvfb -displayfd 5 -screen 0 "${1:-1280x1024}x24" -nolisten tcp 5>"$work/display" >"$work/xvfb.log" 2>&1 &
    xvfb=$!
    for _ in $(seq 600); do
      [ -s "$work/display" ] || ! kill -0 "$xvfb" 2>/dev/null && break
      sleep 0.1
    done
    DISPLAY=":$(cat "$work/display")"
    export DISPLAY
    if [ -s "$work/display" ] && xdotool getdisplaygeometry >/dev/null 2>&1 && kill -0 "$xvfb" 2>/dev/null; then
      tap_note "display $DISPLAY"
      trap stop_display EXIT
      return 0
    fi
    tap_note "Xvfb (try $try, display '$DISPLAY') could not be reached: $(tail -n 3 "$work/xvfb.log" | tr '\n' ' ')"
    kill "$xvfb" 2>/dev/null
    wait "$xvfb" 2>/dev/null
  done
  echo "FAIL: Xvfb did not start"; cat "$work/xvfb.log"; exit 1
}

# Xvfb ended before the test does: the next test's can take its number.
stop_display () {
  [ -n "${gimp_pid:-}" ] && kill "$gimp_pid" 2>/dev/null
  kill "$xvfb" 2>/dev/null
  wait "$xvfb" 2>/dev/null
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}

wait_window () {
  local id
  for _ in $(seq $(( $2 * 4 ))); do
    id=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | tail -n 1)
    if [ -n "$id" ]; then echo "$id"; return 0; fi
    kill -0 "$gimp_pid" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}

# X delivers the keys in order to the focused window: no pause between them.
keys () {
  xdotool windowfocus --sync "$1" 2>/dev/null || xdotool windowfocus "$1"
  shift
  xdotool key --clearmodifiers "$@"
}

# A window is drawn when two screenshots a quarter of a second apart are
# alike; BEFORE (a shot's name) waits for a change from that shot first.
# At most half a minute: then the last screenshot.
shot_settled () {
  local which=(-id "$1") previous="" current before=""
  [ "$1" = root ] && which=(-root)
  [ -n "${3:-}" ] && before=$(md5sum < "$work/$3.xwd")
  for _ in $(seq 120); do
    xwd "${which[@]}" -silent > "$work/$2.xwd" || break
    current=$(md5sum < "$work/$2.xwd")
    [ "$current" = "$previous" ] && [ "$current" != "$before" ] && break
    previous=$current
    sleep 0.25
  done
  convert "xwd:$work/$2.xwd" "$artefacts/$2.png" && tap_note "screenshot: $artefacts/$2.png"
}

shot () {
  xwd -id "$1" -silent > "$work/$2.xwd" &&
    convert "xwd:$work/$2.xwd" "$artefacts/$2.png" && tap_note "screenshot: $artefacts/$2.png"
}

wait_window_gone () {
  for _ in $(seq $(( $2 * 4 ))); do
    [ -z "$(xdotool search --onlyvisible --name "$1" 2>/dev/null)" ] && return 0
    sleep 0.25
  done
  return 1
}

wait_log () {
  for _ in $(seq $(( $2 * 4 ))); do
    grep -qE "$1" "$log" && return 0
    sleep 0.25
  done
  return 1
}

wait_log_after () {
  for _ in $(seq $(( $3 * 4 ))); do
    sed -n "/$1/,\$p" "$log" | grep -qE "$2" && return 0
    kill -0 "$gimp_pid" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}

image_stats () {
  [ -f "$1" ] || { echo "missing"; return; }
  local size
  size=$(identify -format '%w %h' "$1" 2>/dev/null) || { echo "unreadable"; return; }
  convert "$1" -depth 8 rgb:- | python3 -c '
import sys
import numpy as np
w, h = int(sys.argv[1]), int(sys.argv[2])
pixels = np.frombuffer(sys.stdin.buffer.read()[:w * h * 3], np.uint8).reshape(h, w, 3).astype(int)
colours = len(np.unique(pixels.reshape(-1, 3), axis=0))
saturated = int(((pixels.max(axis=2) - pixels.min(axis=2)) > 80).sum())
print("w=%d h=%d colours=%d saturated=%d" % (w, h, colours, saturated))' $size
}

stats_value () {
  sed -n "s/.*\\b$2=\\([0-9]*\\).*/\\1/p" <<<"$1"
}

# A window's photograph, not a blank or a sliver: 300x200 px or more, 20
# colours or more (a dialog's text, frames and icons have hundreds).
check_screenshot () {
  local stats
  stats=$(image_stats "$artefacts/$1.png")
  tap_note "$1.png: $stats"
  check "$1.png is a real screenshot (at least 300x200, many colours)" \
    bash -c '[ "${1:-0}" -ge 300 ] && [ "${2:-0}" -ge 200 ] && [ "${3:-0}" -ge 20 ]' _ \
    "$(stats_value "$stats" w)" "$(stats_value "$stats" h)" "$(stats_value "$stats" colours)"
}

layers () {
  sed -n "s/^LAYERS $1 \\([0-9]*\\)$/\\1/p" "$log" | head -n 1
}

run_batch () {
  local start gimp_status
  log="$work/gimp.log"
  tap_note "running gimp-console-3.0 (profile $profile)"
  start=$(date +%s)
  run_console "$profile" "$log" "$1" G_MESSAGES_DEBUG=neural-style
  gimp_status=$?
  tap_note "GIMP took $(( $(date +%s) - start )) s"
  cp "$log" "$artefacts/gimp.log"
  check "gimp-console-3.0 ran the batch to its end (exit $gimp_status)" \
    bash -c '[ "$1" -eq 0 ] && grep -q "^BATCH-END" "$2"' _ "$gimp_status" "$log"
}

check_bad () {
  check "bad call $1 fails" grep -q "^BAD $1 failed" "$log"
  check "bad call $1 reports: $2" grep -qF -- "$2" <(error_line "$log" "$1")
}

check_no_crash () {
  check "the plug-in never crashed" \
    bash -c '! grep -qiE "neural-style.*(crash|terminated)|(crash|terminated).*neural-style" "$1"' _ "$1"
}

# check_no_plugin_warnings LOG: the plug-in printed no GLib/GTK warning or
# critical (but the broken pipe libgimp reports when GIMP closes first).
check_no_plugin_warnings () {
  check "the plug-in printed no GLib/GTK warning or critical" \
    bash -c '! grep -E "\(neural-style:[0-9]+\): [A-Za-z-]+-(WARNING|CRITICAL)" "$1" | grep -v "gimp_flush(): error: Broken pipe" | grep -q .' _ "$1"
}

# check_no_mnemonic_warnings LOG [WHAT]: GimpProcedureDialog found a mnemonic
# for every widget it made, each its own (libgimp's gimpproceduredialog.c
# prints "Procedure '…': duplicate mnemonic …", "… no mnemonic for property
# …"); WHAT, when given, starts the check's line.
check_no_mnemonic_warnings () {
  local found
  found=$(grep -E "^Procedure '[^']*': (duplicate mnemonic|no mnemonic|[0-9]+ mnemonics)" "$1")
  [ -n "$found" ] && tap_note "$found"
  check "${2:+$2: }the dialog's mnemonics: GIMP warned of no duplicate and no missing one" test -z "$found"
}

# Random VGG19 convolutions in torchvision's naming (features.N.weight/bias,
# F32, OIHW), He-scaled so that activations neither vanish nor explode.
write_synthetic_weights () {
  python3 - "$1" <<'PY'
import json, struct, sys
import numpy as np

channels = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256),
            (256, 256), (256, 256), (256, 512), (512, 512), (512, 512),
            (512, 512), (512, 512), (512, 512), (512, 512), (512, 512)]
indices = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
rng = np.random.default_rng(1234)
header, blobs, offset = {}, [], 0
for (cin, cout), index in zip(channels, indices):
    weight = rng.normal(0.0, np.sqrt(2.0 / (9 * cin)), (cout, cin, 3, 3)).astype('<f4')
    bias = rng.normal(0.0, 0.01, (cout,)).astype('<f4')
    for name, array in (('weight', weight), ('bias', bias)):
        data = array.tobytes()
        header['features.%d.%s' % (index, name)] = {
            'dtype': 'F32', 'shape': list(array.shape),
            'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
text = json.dumps(header).encode()
text += b' ' * (-len(text) % 8)
with open(sys.argv[1], 'wb') as out:
    out.write(struct.pack('<Q', len(text)))
    out.write(text)
    for data in blobs:
        out.write(data)
PY
}

# The weights every test uses: real when available, else synthetic.
test_weights () {
  if [ -n "${NEURAL_STYLE_TEST_WEIGHTS:-}" ] && [ -f "$NEURAL_STYLE_TEST_WEIGHTS" ]; then
    readlink -f "$NEURAL_STYLE_TEST_WEIGHTS"
  else
    if [ ! -f "$work/synthetic-vgg19.safetensors" ]; then
      write_synthetic_weights "$work/synthetic-vgg19.safetensors" || return 1
    fi
    echo "$work/synthetic-vgg19.safetensors"
  fi
}

# error_line LOG TAG: the line "ERROR TAG …" a batch script printed, joined
# again where a plug-in's "Broken pipe" warning at its exit landed in the
# middle of it (the two processes write to one output).
error_line () {
  awk -v tag="ERROR $2" '
    /^\([a-z-]+:[0-9]+\): LibGimp-WARNING .*Broken pipe$/ { next }
    $0 == tag || index($0, tag " ") == 1 {
      text = $0; open = ($0 !~ /\)$/); if (!open) { print text; exit }; next }
    open { text = text $0; if ($0 ~ /\)$/) { print text; exit } }' "$1"
}

make_test_profile () {
  profile="$work/profile"
  make_profile "$profile"
  tap_note "weights: $(weights_kind)"
}

make_profile () {
  local profile=$1 dir mo lang weights
  dir="$profile/plug-ins/neural-style"
  mkdir -p "$dir/locale" "$dir/presets"
  cp "$plugin_exe" "$dir/neural-style"
  chmod 755 "$dir/neural-style"
  for mo in "$build_root"/po/*/LC_MESSAGES/gimp-neural-style.mo; do
    [ -f "$mo" ] || continue
    lang=$(basename "$(dirname "$(dirname "$mo")")")
    mkdir -p "$dir/locale/$lang/LC_MESSAGES"
    cp "$mo" "$dir/locale/$lang/LC_MESSAGES/"
  done
  cp "$source_root"/ui/presets/*.preset "$dir/presets/"
  weights=$(test_weights) || { tap_not_ok "could not write synthetic weights"; tap_done; }
  ln -sf "$weights" "$dir/vgg19-conv.safetensors"
}

weights_kind () {
  if [ -n "${NEURAL_STYLE_TEST_WEIGHTS:-}" ] && [ -f "$NEURAL_STYLE_TEST_WEIGHTS" ]; then
    echo "real, $(readlink -f "$NEURAL_STYLE_TEST_WEIGHTS")"
  else
    echo "synthetic (random) VGG19 weights (\$NEURAL_STYLE_TEST_WEIGHTS not found)"
  fi
}

# Tiny test images gain nothing from threads, and on a loaded machine
# OpenMP's spinning threads slow them down several times: one thread.
run_console () {
  local profile=$1 log=$2 script=$3
  shift 3
  env GIMP3_DIRECTORY="$profile" LANG=C.UTF-8 LANGUAGE= \
    OMP_NUM_THREADS="${NEURAL_STYLE_TEST_GIMP_THREADS:-1}" "$@" \
    timeout --kill-after=10 600 \
    gimp-console-3.0 -i -d -f --quit \
      --batch-interpreter=plug-in-script-fu-eval -b "$script" >"$log" 2>&1
}

show_log () {
  echo "----- GIMP output (last ${2:-40} lines of $1) -----"
  grep -v 'scriptfu-WARNING\|^$' "$1" | tail -n "${2:-40}"
  echo "---------------------------------------"
}

# Scheme: error capture (last-error holds the message of the last failed
# call), (try TAG THUNK) prints "BAD TAG failed|succeeded" and the error,
# (fill IMG LAYER X Y W H COLOR) fills a rectangle of a layer,
# (export-layer LAYER PATH) saves one layer alone, without offsets,
# (striped-style IMG POSITION) a style layer, (print-layers TAG IMG) the
# layers' names, (square-frame IMG NAME X) an animation's frame.
# shellcheck disable=SC2034  # used by the scripts that source this file
read -r -d '' scheme_prelude <<'SCM'
(script-fu-use-v3)
(define (fill img layer x y w h color)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE x y w h)
  (gimp-context-set-foreground color)
  (gimp-drawable-edit-fill layer FILL-FOREGROUND))
(define last-error "")
(define (capture-errors . args) (set! last-error args) (apply throw args))
(set! *error-hook* capture-errors)
(define (try tag thunk)
  (set! last-error "")
  (let ((outcome (catch "failed" (begin (thunk) "succeeded"))))
    (display (string-append "BAD " tag " " outcome)) (newline)
    (display "ERROR ") (display tag) (display " ") (write last-error) (newline)))
(define (export-layer layer path)
  (let* ((w (gimp-drawable-get-width layer))
         (h (gimp-drawable-get-height layer))
         (tmp (gimp-image-new-with-precision w h
                (if (gimp-drawable-is-gray layer) GRAY RGB)
                (gimp-image-get-precision (gimp-item-get-image layer))))
         (copy (gimp-layer-new-from-drawable layer tmp)))
    (gimp-image-insert-layer tmp copy 0 0)
    (gimp-layer-set-offsets copy 0 0)
    (gimp-file-save RUN-NONINTERACTIVE tmp path)
    (gimp-image-delete tmp)))
; A hidden 48 px style layer of four stripes on dark grey, inserted into
; img at position; returns it.
(define (striped-style img position)
  (let ((style (gimp-layer-new img "style" 48 48 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
    (gimp-image-insert-layer img style 0 position)
    (gimp-item-set-visible style #f)
    (fill img style 0 0 48 48 '(20 20 20))
    (fill img style 0 0 6 48 '(240 200 30))
    (fill img style 16 0 6 48 '(200 40 160))
    (fill img style 32 0 6 48 '(30 200 220))
    style))
; (print-layers TAG IMG) prints "LAYERS-OF TAG (names…)", the layers'
; names top first, in one write: a plug-in's stderr may land between two.
(define (layer-names img)
  (map (lambda (layer) (gimp-item-get-name layer)) (vector->list (gimp-image-get-layers img))))
(define (quoted names)
  (if (null? names) ""
      (string-append "\"" (car names) "\"" (if (null? (cdr names)) "" " ") (quoted (cdr names)))))
(define (print-layers tag img)
  (display (string-append "LAYERS-OF " tag " (" (quoted (layer-names img)) ")\n")))
; An animation's frame: a 64x48 layer named name, a blue field with a red
; square at x, inserted at the top of img; returns it.
(define (square-frame img name x)
  (let ((layer (gimp-layer-new img name 64 48 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
    (gimp-image-insert-layer img layer 0 0)
    (fill img layer 0 0 64 48 '(40 90 200))
    (fill img layer (+ 8 x) 14 16 16 '(220 60 40))
    layer))
(define (count-layers tag img)
  (display (string-append "LAYERS " tag " "
             (number->string (vector-length (gimp-image-get-layers img)))))
  (newline))
SCM
