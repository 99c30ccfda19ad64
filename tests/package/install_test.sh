#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian package as a user gets it (TAP):
#   install_test.sh DEB
# run as root in a system that has only GIMP (tools/gimp3-env with
# NEURAL_STYLE_ROOT_PACKAGES=tools/gimp-only-root.packages on a throw-away
# overlay): apt installs the .deb with its dependencies from the Debian
# mirror; the plug-in, its presets, translations, the CLI and the weights
# tool are where GIMP and a shell look; gimp-console-3.0 finds
# plug-in-neural-style in a new profile, says how to get weights while there
# are none, and, with the shared weights ($NEURAL_STYLE_WEIGHTS; SKIP without
# them) converted to F16 where the plug-in looks by itself, paints a new layer
# in a batch call; apt removes it all again.
set -uo pipefail
# tap.sh and the Scheme prelude (fill, last-error) of the GIMP tests
# shellcheck source=../gimp/gimp_common.sh
. "$(dirname "$0")/../gimp/gimp_common.sh"

deb=$(readlink -f "${1:?usage: install_test.sh DEB}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DEBIAN_FRONTEND=noninteractive

tap_check "the system has GIMP 3 and not the plug-in" \
  bash -c 'command -v gimp-console-3.0 >/dev/null && ! dpkg -s gimp-plugin-neural-style >/dev/null 2>&1'
if apt-get update -qq >"$work/apt.log" 2>&1 &&
   apt-get install -y -qq "$deb" >>"$work/apt.log" 2>&1; then
  tap_ok "apt installs $(basename "$deb") and its dependencies"
else
  tap_not_ok "apt installs $(basename "$deb") and its dependencies"
  tail -n 20 "$work/apt.log" | sed 's/^/# /'
  tap_done
fi

plugin=$(dpkg -L gimp-plugin-neural-style | grep '/gimp/3\.0/plug-ins/neural-style/neural-style$' || true)
tap_note "plug-in: ${plugin:-none}"
tap_check "the plug-in is in GIMP's system plug-ins folder, executable" test -x "$plugin"
dir=$(dirname "$plugin")
tap_check "the shipped presets are next to it" \
  bash -c 'ls "$1"/presets/*.preset | grep -q .' _ "$dir"
for lang in de zh_CN; do
  tap_check "the $lang catalog is where libgimp looks" \
    test -f "$dir/locale/$lang/LC_MESSAGES/gimp-neural-style.mo"
done
tap_check "the CLI runs from PATH (neural-style --help)" \
  bash -c 'neural-style --help | grep -q -- --content-weight'
tap_check "the weights tool is on PATH (neural-style-get-weights)" \
  bash -c 'command -v neural-style-get-weights >/dev/null'
tap_check "the manual pages are installed" \
  bash -c 'test -f /usr/share/man/man1/neural-style.1.gz && test -f /usr/share/man/man1/neural-style-get-weights.1.gz'

# GIMP's own view, from a profile that has never seen the plug-in, first
# with no weights anywhere, then with the F16 file neural-style-get-weights
# would make (the installed CLI converts the shared weights) where the plug-in
# looks by itself: the one-step weights but for the download.
weights=${NEURAL_STYLE_WEIGHTS:-}
unset NEURAL_STYLE_WEIGHTS
prelude="$scheme_prelude
(define img (gimp-image-new 64 48 RGB))
(define content (gimp-layer-new img \"content\" 64 48 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img content 0 0)
(fill img content 0 0 64 48 '(128 128 128))
(define simg (gimp-image-new 64 64 RGB))
(define style (gimp-layer-new simg \"style\" 64 64 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer simg style 0 0)
(fill simg style 0 0 64 64 '(250 220 30))
(let stripe ((x 0))
  (when (< x 64) (fill simg style x 0 8 64 '(20 40 200)) (stripe (+ x 16))))
(gimp-selection-none img)"
run_gimp () {  # run_gimp LOG SCHEME
  env HOME="$work" GIMP3_DIRECTORY="$work/profile" LANG=C.UTF-8 OMP_NUM_THREADS=2 \
    timeout --kill-after=10 600 gimp-console-3.0 -i -d -f --quit \
      --batch-interpreter=plug-in-script-fu-eval -b "$prelude
$2
(gimp-image-delete simg)
(gimp-image-delete img)" >"$1" 2>&1
  grep -E '^(EXISTS|NO-WEIGHTS|LAYERS|NAME|SPREAD) ' "$1" | sed 's/^/# /'
}

run_gimp "$work/first.log" "
(display (string-append \"EXISTS \" (if (gimp-pdb-procedure-exists \"plug-in-neural-style\") \"yes\" \"no\")))
(newline)
(catch \"failed\" (plug-in-neural-style #:image img #:drawables (vector content)
                   #:style-layer style #:iterations 1 #:max-size 32))
(display \"NO-WEIGHTS \") (write last-error) (newline)"
tap_check "gimp-console-3.0 finds plug-in-neural-style" grep -q '^EXISTS yes' "$work/first.log"
tap_check "without weights the call fails naming the command that gets them" \
  grep -q '^NO-WEIGHTS .*Run neural-style-get-weights' "$work/first.log"

if [ -z "$weights" ] || [ ! -f "$weights" ]; then
  tap_skip "no weights (NEURAL_STYLE_WEIGHTS; ../shared/weights/vgg19-conv.safetensors): the batch call is not run"
else
  tap_note "weights: $weights"
  user_weights="$work/.local/share/gimp-neural-style/vgg19-conv.safetensors"
  mkdir -p "$(dirname "$user_weights")"
  tap_check "neural-style convert-weights writes the F16 file (about 40 MB)" \
    bash -c 'neural-style convert-weights "$1" "$2" >/dev/null 2>&1 &&
             size=$(stat -c %s "$2") && echo "# $size bytes" &&
             [ "$size" -gt 38000000 ] && [ "$size" -lt 42000000 ]' _ "$weights" "$user_weights"
  # A flat grey content starts near a stationary point of the loss: at the
  # default style weight 1, ten iterations change it by less than one 8-bit
  # level, so the stripes are asked for with style weight 3.
  run_gimp "$work/run.log" "
(define result (plug-in-neural-style #:image img #:drawables (vector content)
                 #:style-layer style #:iterations 10 #:max-size 64 #:style-weight 3))
(display (string-append \"LAYERS \" (number->string (vector-length (gimp-image-get-layers img)))))
(newline)
(display (string-append \"NAME \" (gimp-item-get-name result)))
(newline)
(define (spread layer) (list-ref (gimp-drawable-histogram layer HISTOGRAM-VALUE 0 1) 1))
(display (string-append \"SPREAD \" (number->string (spread content)) \" \" (number->string (spread result))))
(newline)"
  tap_check "a batch call, with the F16 file found in the user's data folder, adds one layer" \
    grep -q '^LAYERS 2$' "$work/run.log"
  tap_check "it is named after the content" grep -q '^NAME content (neural style)' "$work/run.log"
  tap_check "the result takes the style's stripes (spread of value above 0.02, the flat content's 0)" \
    awk '/^SPREAD / { ok = ($2 == 0 && $3 > 0.02) } END { exit !ok }' "$work/run.log"
fi
if [ "$tap_failures" -ne 0 ]; then
  for log in "$work"/first.log "$work"/run.log; do
    [ -f "$log" ] && grep -v '^$' "$log" | tail -n 30 | sed 's/^/# /'
  done
fi

if apt-get remove -y -qq gimp-plugin-neural-style >"$work/remove.log" 2>&1; then
  tap_check "apt removes it again, leaving no file in GIMP's plug-ins folder" test ! -e "$dir"
else
  tap_not_ok "apt removes it again"
  tail -n 20 "$work/remove.log" | sed 's/^/# /'
fi
tap_done
