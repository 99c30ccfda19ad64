#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Several styles blended, from Script-Fu in real GIMP (batch):
# gimp_style_blends_test.sh BUILD_ROOT SOURCE_ROOT
#
# On the scene of gimp_styles_common.sh (styles of clearly different
# colours: A yellow stripes, B blue checks, C red dots), checked from the
# outside (PAM exports, numpy):
#   - three styles with blend weights (a layer, a file, a layer): the heavy
#     style's colour wins (blends 8:1:1 against 1:1:8), and the plug-in
#     reads each style with its blend;
#   - a style given both a layer and a file fails with a clear message and
#     adds no layer.
# Weights: $NEURAL_STYLE_TEST_WEIGHTS when it exists, else random weights of
# VGG19's shapes (their first layers still see colour statistics).
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
. "$here/gimp_styles_common.sh"
gimp_test_init style-blends "${1:?usage: gimp_style_blends_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

make_test_profile
styles_init

read -r -d '' script <<SCM
$scheme_prelude
$styles_scheme
(count-layers "before" img)

; 1. Three styles with blend weights (a layer, a file, a layer): A heavy,
; then C heavy.
(styled "a-heavy" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style-a #:style-blend 8
    #:style-file-2 "$work/style-b.png" #:style-blend-2 1
    #:style-layer-3 style-c #:style-blend-3 1 $settings)))
(styled "c-heavy" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style-a #:style-blend 1
    #:style-file-2 "$work/style-b.png" #:style-blend-2 1
    #:style-layer-3 style-c #:style-blend-3 8 $settings)))
(count-layers "after-runs" img)

; 2. A bad call.
(try "style-with-both" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style-a #:style-layer-3 style-b #:style-file-3 "$work/style-b.png"
    #:iterations 1 #:max-size 32)))
(count-layers "after-bad-calls" img)

(gimp-image-delete img)
(display "BATCH-END\n")
SCM

run_batch "$script"
for tag in a-heavy c-heavy; do
  failure=$(grep "^FAILED $tag " "$log")
  [ -n "$failure" ] && tap_note "$failure"
  check "the $tag run succeeded" grep -q "^RAN $tag$" "$log"
done
check "each of the two runs added one layer" \
  test -n "$(layers before)" -a "$(layers after-runs)" = "$(( $(layers before) + 2 ))"

# What the plug-in read (its debug log).
check "three styles arrived with their blends: layer a 8, file b 1, layer c 1" \
  bash -c 'grep -qE "style 1: layer .a., blend 8, region none$" "$1" && grep -qE "style 3: layer .c., blend 1, region none$" "$1"' _ "$log"

style_figures a-heavy c-heavy
check "three styles: with A's blend 8 the colours are nearer A's than with C's ($(fig a-heavy all_a) < $(fig c-heavy all_a))" \
  less "$(fig a-heavy all_a)" "$(fig c-heavy all_a)"
check "three styles: with C's blend 8 the colours are nearer C's than with A's ($(fig c-heavy all_c) < $(fig a-heavy all_c))" \
  less "$(fig c-heavy all_c)" "$(fig a-heavy all_c)"

check_bad style-with-both "Style 3 has both a layer and an image file: choose only one of them."
check "the bad calls added no layer" \
  test -n "$(layers after-runs)" -a "$(layers after-bad-calls)" = "$(layers after-runs)"

check_no_crash "$log"
check_no_plugin_warnings "$log"
finish "$log" 60
