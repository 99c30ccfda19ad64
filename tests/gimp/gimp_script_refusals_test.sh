#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Bad Script-Fu calls refused, in real GIMP (batch):
# gimp_script_refusals_test.sh BUILD_ROOT SOURCE_ROOT
#
# One gimp-console-3.0 session calls plug-in-neural-style wrongly on the
# scene of gimp_script_common.sh: no style, both styles, iterations 0, a
# missing style file, a folder as the style file, a style layer of a closed
# image, missing or broken weights, impossible settings, a selection off
# the layer, a channel.  Each call must fail with a clear message, add no
# layer and crash nothing.
# Weights: $NEURAL_STYLE_TEST_WEIGHTS (the real VGG19 file) when it exists,
# else random weights of VGG19's shapes.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_script_common.sh"
script_test_init script-refusals "${1:?usage: gimp_script_refusals_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"
# A broken weights file, for an engine error.
head -c 1000 "$weights" > "$work/broken-weights.safetensors"

read -r -d '' script <<SCM
$scheme_prelude
$script_scene
(count-layers "before" img)

; Bad calls: each must fail (caught here) without adding a layer.
(try "no-style" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:iterations 1 #:max-size 32)))
(try "both-styles" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style #:style-file "$work/style.png" #:iterations 1 #:max-size 32)))
(try "iterations-0" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style #:iterations 0 #:max-size 32)))
(try "missing-style-file" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-file "$work/no-such-style.png" #:iterations 1 #:max-size 32)))
(try "folder-style-file" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-file "$work" #:iterations 1 #:max-size 32)))
(define closed-img (gimp-image-new 32 32 RGB))
(define closed-layer (gimp-layer-new closed-img "closed" 32 32 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer closed-img closed-layer 0 0)
(gimp-image-delete closed-img)
(try "closed-image-style" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer closed-layer #:iterations 1 #:max-size 32)))
(try "missing-weights" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style #:iterations 1 #:max-size 32
    #:weights-file "$work/no-such-weights.safetensors")))
(try "broken-weights" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style #:iterations 1 #:max-size 32
    #:weights-file "$work/broken-weights.safetensors")))
(try "no-style-layer-weight" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style #:iterations 1 #:max-size 32
    #:style-layer-weight-1 0 #:style-layer-weight-2 0 #:style-layer-weight-3 0
    #:style-layer-weight-4 0 #:style-layer-weight-5 0)))
(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 0 56 80 4)
(try "selection-off-layer" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style #:iterations 1 #:max-size 32)))
(gimp-selection-none img)
(define channel (gimp-channel-new img "channel" 80 60 50 '(0 0 0)))
(gimp-image-insert-channel img channel 0 0)
(try "channel" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector channel)
    #:style-layer style #:iterations 1 #:max-size 32)))
(count-layers "after-bad-calls" img)

(gimp-image-delete style-img)
(gimp-image-delete img)
(display "BATCH-END\n")
SCM

run_batch "$script"
check_bad no-style "No style given: choose a style layer or a style image file."
check_bad both-styles "Both a style layer and a style image file were given: choose only one of them."
check_bad iterations-0 "value 0 out of range: 1 to 100000"
check_bad missing-style-file "no-such-style.png' does not exist."
check_bad folder-style-file "' cannot be read: "
check_bad closed-image-style "for argument 'style-layer'"
check_bad missing-weights "no-such-weights.safetensors' does not exist."
check_bad broken-weights "broken-weights.safetensors"
check_bad no-style-layer-weight "Invalid settings: at least one style layer needs a weight above 0."
check_bad selection-off-layer "The selection does not touch the layer: there is nothing to paint."
check_bad channel "Neural Style works on a layer; select a layer, not a channel or a mask."
check "the bad calls added no layer" test -n "$(layers before)" -a "$(layers after-bad-calls)" = "$(layers before)"

check_no_crash "$log"
check_no_plugin_warnings "$log"
finish "$log" 60
