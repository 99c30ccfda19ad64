#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What Script-Fu calls give, in real GIMP (batch):
# gimp_script_results_test.sh BUILD_ROOT SOURCE_ROOT
#
# Installs the built plug-in into a throw-away GIMP profile and runs one
# gimp-console-3.0 session with a Script-Fu v3 batch that calls
# plug-in-neural-style on small generated images, then checks from the
# outside:
#   - style from a layer (of another image) and from a file, the second with
#     every argument named: a new layer directly above the content, with its
#     size and offsets, other colours, the content's alpha; the content and
#     style layers unchanged, byte for byte;
#   - with a selection: the new layer covers the selection's bounds and has a
#     layer mask made from it; the content's transparent pixels stay so;
#   - live progress: "Scale s/S · iteration i/N · loss L · m:ss" texts, at
#     most ~1 s apart, coarse to fine;
#   - a run killed like GIMP's Cancel kills it (SIGKILL) leaves the image
#     untouched;
#   - README's folder script, as written there but for faster settings,
#     styles every image of a folder.
# Bad calls are gimp_script_refusals_test.sh's.
# Weights: $NEURAL_STYLE_TEST_WEIGHTS (the real VGG19 file) when it exists,
# else random weights of VGG19's shapes (enough for the mechanics).
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_script_common.sh"
script_test_init script-results "${1:?usage: gimp_script_results_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

out="$work/out"
mkdir -p "$out" "$work/photos" "$work/styled"

read -r -d '' script <<SCM
$scheme_prelude


;; One write per line: the plug-in's stderr can land between two writes.
(define (report tag layer img)
  (let ((offsets (gimp-drawable-get-offsets layer))
        (mask (gimp-layer-get-mask layer)))
    (display (string-append "RESULT " tag
               " w=" (number->string (gimp-drawable-get-width layer))
               " h=" (number->string (gimp-drawable-get-height layer))
               " x=" (number->string (car offsets))
               " y=" (number->string (cadr offsets))
               " pos=" (number->string (gimp-image-get-item-position img layer))
               " mask=" (if (> mask 0) "yes" "no")
               (if (> mask 0)
                   (string-append " mask-mean="
                     (number->string
                       (/ (car (gimp-drawable-histogram mask HISTOGRAM-VALUE 0.0 1.0)) 255.0)))
                   "")
               "\n"))))

; Exports a layer's own pixels (its mask, if any, left out) as PAM.
(define (export-pixels layer path)
  (let* ((w (gimp-drawable-get-width layer))
         (h (gimp-drawable-get-height layer))
         (tmp (gimp-image-new w h RGB))
         (copy (gimp-layer-new-from-drawable layer tmp)))
    (gimp-image-insert-layer tmp copy 0 0)
    (gimp-layer-set-offsets copy 0 0)
    (if (> (gimp-layer-get-mask copy) 0) (gimp-layer-remove-mask copy MASK-DISCARD))
    (gimp-file-save RUN-NONINTERACTIVE tmp path)
    (gimp-image-delete tmp)))

$script_scene

(export-layer content "$out/content-before.pam")
(export-layer style "$out/style-before.pam")
(export-layer content "$work/photos/one.pam")
(export-layer style "$work/photos/two.pam")
(count-layers "before" img)

; 1. Style from a layer of another image, weights found next to the plug-in.
(define result1 (plug-in-neural-style #:image img #:drawables (vector content)
                  #:style-layer style #:iterations 3 #:max-size 64))
(report "layer-style" result1 img)
(report "content" content img)
(count-layers "after-layer-style" img)
(export-layer result1 "$out/result-layer-style.pam")

; 2. Style from a file, with every argument named; the layer set by its old
; name "seed" (for "block-last"), which scripts may still use.
(define result2 (plug-in-neural-style #:image img #:drawables (vector content)
                  #:style-file "$work/style.png"
                  #:content-weight 2 #:style-weight 3 #:learning-rate 0.03
                  #:iterations 3 #:max-size 48 #:weights-file "$weights"
                  #:optimizer "adam" #:layer-set "seed"
                  #:multi-scale #t #:min-scale-size 32 #:colors "histogram"
                  #:style-scale 0.8 #:tv-weight 0.01 #:init "noise" #:seed 5
                  #:style-layer-weight-1 1 #:style-layer-weight-2 0.5
                  #:style-layer-weight-3 1 #:style-layer-weight-4 2
                  #:style-layer-weight-5 1))
(report "file-style" result2 img)
(report "content-2" content img)
(count-layers "after-file-style" img)
(export-layer result2 "$out/result-file-style.pam")

; 3. With a selection (an ellipse over the content's transparent corner):
;    the result covers the selection's bounds, masked by it.  A script
;    may still say #:keep-colors (for #:colors "luminance").
(gimp-image-select-ellipse img CHANNEL-OP-REPLACE 40 4 40 30)
(define result3 (plug-in-neural-style #:image img #:drawables (vector content)
                  #:style-layer style #:optimizer "adam" #:iterations 2 #:max-size 48
                  #:keep-colors #t))
(gimp-selection-none img)
(report "selection" result3 img)
(count-layers "after-selection" img)
(export-pixels result3 "$out/result-selection.pam")

(export-layer content "$out/content-after.pam")
(export-layer style "$out/style-after.pam")

; 4. A run killed mid-way (as GIMP's Cancel does it) changes nothing.
(try "killed" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style #:optimizer "adam" #:iterations 5000 #:max-size 48)))
(count-layers "after-kill" img)
(export-layer content "$out/content-after-kill.pam")

(gimp-image-delete style-img)
(gimp-image-delete img)
(display "BATCH-END\n")
SCM

log="$work/gimp.log"
: > "$log"

# The watcher plays GIMP's Cancel: once the long run has been iterating for
# 2.5 s (which also shows its progress refreshed over several seconds), it
# SIGKILLs that plug-in process (checked to be ours by its path).
(
  for _ in $(seq 1200); do
    pid=$(sed -n 's/^(neural-style:\([0-9]*\)): neural-style-DEBUG: [0-9:.]* progress \([3-9]\|[0-9][0-9]\|2\.[5-9]\)[0-9.]* s: .* iteration [0-9]*\/5000 .*/\1/p' "$log" | head -n 1)
    if [ -n "$pid" ]; then
      if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$profile/plug-ins/neural-style/neural-style"; then
        kill -KILL "$pid" && echo "KILLED $pid" > "$work/killed"
      fi
      exit 0
    fi
    sleep 0.25
  done
) &
watcher=$!

tap_note "running gimp-console-3.0 (profile $profile)"
start=$(date +%s)
run_console "$profile" "$log" "$script" G_MESSAGES_DEBUG=neural-style
gimp_status=$?
tap_note "GIMP took $(( $(date +%s) - start )) s"
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
cp "$log" "$artefacts/gimp.log"

check "gimp-console-3.0 ran the batch to its end (exit $gimp_status)" \
  bash -c '[ "$1" -eq 0 ] && grep -q "^BATCH-END" "$2"' _ "$gimp_status" "$log"

content_w=$(field content w); content_h=$(field content h)
content_x=$(field content x); content_y=$(field content y)
tap_note "content layer: ${content_w}x${content_h} at (${content_x},${content_y}), position $(field content pos)"

for tag in layer-style file-style; do
  w=$(field "$tag" w); h=$(field "$tag" h); x=$(field "$tag" x); y=$(field "$tag" y)
  pos=$(field "$tag" pos)
  if [ "$tag" = layer-style ]; then content_tag=content; else content_tag=content-2; fi
  cpos=$(field "$content_tag" pos)
  tap_note "$tag result: ${w}x${h} at (${x},${y}), position $pos (content now at $cpos)"
  check "$tag: the call returned a new layer" test -n "$w"
  check "$tag: the new layer has the content's size (64x48)" \
    test "$w" = 64 -a "$h" = 48 -a "$w" = "$content_w" -a "$h" = "$content_h"
  check "$tag: the new layer has the content's offsets (8,6)" \
    test "$x" = 8 -a "$y" = 6 -a "$x" = "$content_x" -a "$y" = "$content_y"
  check "$tag: the new layer is directly above the content" \
    test -n "$pos" -a -n "$cpos" -a "$((cpos - 1))" = "${pos:--9}"
  check "$tag: no selection, no mask" test "$(field "$tag" mask)" = no
  stats=$(pam_stats "$out/content-before.pam" "$out/result-$tag.pam")
  tap_note "$tag result vs content: $stats"
  check "$tag: the new layer's colours differ from the content's" \
    greater "$(value_of "$stats" mean_diff)" 0.5
  check "$tag: the new layer keeps the content's alpha" \
    test "$(value_of "$stats" alpha_same)" = True
done

# The selection: an ellipse at (40,4) 40x30 of the image, clipped to the
# content layer (8..72 x 6..54): bounds (40,6) 32x28 in image coordinates.
w=$(field selection w); h=$(field selection h); x=$(field selection x); y=$(field selection y)
tap_note "selection result: ${w}x${h} at (${x},${y}), mask $(field selection mask), mask mean $(field selection mask-mean)"
check "selection: the new layer covers the selection's bounds on the layer (32x28 at 40,6)" \
  test "$w" = 32 -a "$h" = 28 -a "$x" = 40 -a "$y" = 6
check "selection: the new layer has a layer mask made from the selection" \
  test "$(field selection mask)" = yes
# Within the 32x28 bounds, the clipped ellipse covers 87% (0.8705 by
# counting pixel centres); an unmasked layer would give 1.
check "selection: the mask is the ellipse (mean coverage 0.84..0.90)" \
  python3 -c 'import sys; v = float(sys.argv[1]); sys.exit(0 if 0.84 < v < 0.90 else 1)' "$(field selection mask-mean)"
# the content's window under the result: layer coordinates (32,0) 32x28
stats=$(pam_stats "$out/content-before.pam" "$out/result-selection.pam" 32 0 32 28)
tap_note "selection result vs the content under it: $stats"
check "selection: the content's alpha is kept (its transparent corner stays transparent)" \
  bash -c '[ "$(sed -n "s/.*alpha_same=\([A-Za-z]*\).*/\1/p" <<<"$1")" = True ] && [ "$(sed -n "s/.*transparent=\([0-9]*\).*/\1/p" <<<"$1")" -gt 50 ]' _ "$stats"
check "selection: the new layer's colours differ from the content's" \
  greater "$(value_of "$stats" mean_diff)" 0.5

check "the image gained exactly one layer per successful call" \
  test "$(layers before)" = 2 -a "$(layers after-layer-style)" = 3 \
       -a "$(layers after-file-style)" = 4 -a "$(layers after-selection)" = 5
check "the content layer is byte-identical to before" \
  cmp -s "$out/content-before.pam" "$out/content-after.pam"
check "the style layer is byte-identical to before" \
  cmp -s "$out/style-before.pam" "$out/style-after.pam"

# Progress: what the plug-in shows (its debug log repeats every text).
progress_report=$(python3 - "$log" <<'PY'
import re, sys
texts = {}
pattern = re.compile(r'^\(neural-style:(\d+)\): neural-style-DEBUG: \S+ (progress|finished after) ([0-9.]+) s(?:: (.*))?$')
for line in open(sys.argv[1], encoding='utf-8', errors='replace'):
    m = pattern.match(line.rstrip('\n'))
    if m:
        texts.setdefault(m.group(1), []).append((float(m.group(3)), m.group(2), m.group(4) or ''))
iteration = re.compile(r'^Scale (\d+)/(\d+) · iteration (\d+)/(\d+) · loss (\S+) · (\d+):(\d\d)$')
runs = len(texts)
well_formed = all(iteration.match(t) or t.startswith(('Loading the VGG19 weights · ', 'Preparing the style · '))
                  for entries in texts.values() for _, kind, t in entries if kind == 'progress')
max_gap = max((b[0] - a[0] for entries in texts.values() for a, b in zip(entries, entries[1:])), default=99)
long_runs = sum(1 for entries in texts.values() if entries[-1][0] > 2.0)
scales = sorted({m.group(1) + '/' + m.group(2) for entries in texts.values() for _, _, t in entries
                 for m in [iteration.match(t)] if m})
example = next((t for entries in texts.values() for _, _, t in entries if iteration.match(t)), '')
print('runs=%d well_formed=%s max_gap=%.3f long_runs=%d scales=%s' % (runs, well_formed, max_gap, long_runs, ','.join(scales)))
print('example: %s' % example)
PY
)
tap_note "progress: $progress_report"
check "progress: every text reads 'Scale s/S · iteration i/N · loss L · m:ss' (or loading/preparing)" \
  grep -q "well_formed=True" <<<"$progress_report"
check "progress: a multi-scale run shows its scales (Scale 1/2 and 2/2)" \
  grep -q "scales=.*1/2,2/2" <<<"$progress_report"
check "progress: texts come at most 1.25 s apart in every run" \
  bash -c '[[ "$1" =~ max_gap=([0-9.]+) ]] && python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 1.25 else 1)" "${BASH_REMATCH[1]}"' _ "$progress_report"
check "progress: some runs lasted over 2 s (so the 1 s refresh was exercised)" \
  bash -c '[[ "$1" =~ long_runs=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 1 ]' _ "$progress_report"

# The kill.
check "kill: the watcher SIGKILLed the running plug-in" test -f "$work/killed"
check "kill: the call failed" grep -q "^BAD killed failed" "$log"
check "kill: the image has no new layer" test "$(layers after-kill)" = 5
check "kill: the content layer is byte-identical to before" \
  cmp -s "$out/content-before.pam" "$out/content-after-kill.pam"

# --- README's folder script, verbatim but for faster settings -------------------
folder_function=$(sed -n '/^(define (neural-style-folder /,/^    (file-glob pattern 0)))$/p' "$source_root/README.md")
check "README.md has the folder script" test -n "$folder_function"
read -r -d '' folder_script <<SCM
(script-fu-use-v3)
${folder_function//#:iterations 35 #:max-size 512/#:iterations 2 #:max-size 32 #:optimizer \"adam\"}
(neural-style-folder "$work/photos/*.pam" "$work/styled" "$work/style.png")
(display "FOLDER-END\n")
SCM
folder_log="$work/gimp-folder.log"
run_console "$profile" "$folder_log" "$folder_script"
cp "$folder_log" "$artefacts/gimp-folder.log"
check "README's folder script ran to its end" grep -q "^FOLDER-END" "$folder_log"
for name in one two; do
  stats=$(pam_stats "$work/photos/$name.pam" "$work/styled/$name.pam")
  tap_note "folder script, $name.pam: $stats"
  check "README's folder script wrote a stylised styled/$name.pam of the same size" \
    greater "$(value_of "$stats" mean_diff)" 0.5
done

check "the plug-in never crashed (except when killed)" \
  bash -c '[ "$(grep -ciE "neural-style.*(crash|terminated)|(crash|terminated).*neural-style" "$1")" -le 1 ]' _ "$log"
check_no_plugin_warnings "$log"
finish "$log" 60
