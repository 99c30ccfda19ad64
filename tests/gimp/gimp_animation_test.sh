#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# An animation in real GIMP (batch): gimp_animation_test.sh BUILD_ROOT SOURCE_ROOT
#
# One gimp-console-3.0 session paints, with #:paint "animation":
#   - a 6-layer image (one layer a frame, the bottom first, names with delay
#     and disposal tags; frame 3 a smaller "(combine)" layer at an offset,
#     frame 5 a layer group): a new image of the canvas's size with 6
#     layers, the same names in the same order, every frame after the
#     first held to the one before it (the plug-in's debug lines), the
#     source image and its layers unchanged, no other image left behind;
#   - README's GIF script, as written there but for faster settings: a GIF
#     animation opened, painted and exported as a GIF animation, which
#     opens again with as many frames.
# Weights: $NEURAL_STYLE_TEST_WEIGHTS when it exists, else random ones.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
gimp_test_init animation "${1:?usage: gimp_animation_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

make_test_profile

gif_function=$(sed -n '/^(define (neural-style-gif /,/^      (gimp-image-delete img))))$/p' "$source_root/README.md")
check "README.md has the GIF script" test -n "$gif_function"

names=("frame 1 (100ms) (replace)" "frame 2 (100ms) (replace)" "frame 3 (80ms) (combine)"
       "frame 4 (100ms) (replace)" "frame 5 (100ms) (replace)" "frame 6 (250ms) (replace)")

read -r -d '' script <<SCM
$scheme_prelude
${gif_function//#:iterations 35 #:max-size 512/#:iterations 2 #:max-size 48 #:multi-scale #f}

(define style-img (gimp-image-new 48 48 RGB))
(define style (striped-style style-img 0))
(gimp-selection-none style-img)

(define img (gimp-image-new 64 48 RGB))
(square-frame img "${names[0]}" 0)
(square-frame img "${names[1]}" 3)
; a smaller layer at an offset, laid over frame 2
(let ((small (gimp-layer-new img "${names[2]}" 24 16 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
  (gimp-image-insert-layer img small 0 0)
  (gimp-layer-set-offsets small 30 4)
  (fill img small 30 4 24 16 '(240 220 40)))
(square-frame img "${names[3]}" 9)
; a group: its composite is the frame
(let ((group (gimp-group-layer-new img "${names[4]}")))
  (gimp-image-insert-layer img group 0 0)
  (let ((inside (gimp-layer-new img "inside" 64 48 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
    (gimp-image-insert-layer img inside group 0)
    (fill img inside 0 0 64 48 '(40 90 200))
    (fill img inside 20 14 16 16 '(220 60 40))))
(square-frame img "${names[5]}" 15)
(gimp-selection-none img)
(print-layers "source-before" img)
(define images-before (vector-length (gimp-get-images)))

; At the frames' own size: shrunk to 48x36, the flat fields leave the flow
; too little to match for frames 3 and 4 to count as held.
(try "animation" (lambda ()
  (let* ((top (plug-in-neural-style #:image img #:drawables (vector (vector-ref (gimp-image-get-layers img) 0))
                #:style-layer style #:paint "animation" #:iterations 3 #:max-size 64
                #:multi-scale #f))
         (painted (gimp-item-get-image top)))
    (display (string-append "PAINTED size=" (number->string (gimp-image-get-width painted))
               "x" (number->string (gimp-image-get-height painted))
               " new=" (if (= painted img) "no" "yes")
               " top=" (if (= top (vector-ref (gimp-image-get-layers painted) 0)) "yes" "no")
               " images=" (number->string (- (vector-length (gimp-get-images)) images-before)) "\n"))
    (print-layers "painted" painted))))
(print-layers "source-after" img)

; README's GIF script on a GIF made here: the six frames, indexed.
(let ((copy (gimp-image-duplicate img)))
  ; GIMP converts no image with a layer group to indexed: frame 5's merged
  (gimp-group-layer-merge (vector-ref (gimp-image-get-layers copy) 1))
  (gimp-image-convert-indexed copy CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE 255 #f #f "")
  (file-gif-export #:run-mode RUN-NONINTERACTIVE #:image copy #:file "$work/clip.gif"
                   #:as-animation #t)
  (gimp-image-delete copy))
(gimp-file-save RUN-NONINTERACTIVE style-img "$work/style.png")
(try "gif" (lambda () (neural-style-gif "$work/clip.gif" "$work/painted.gif" "$work/style.png")))
(let ((again (gimp-file-load RUN-NONINTERACTIVE "$work/painted.gif")))
  (display (string-append "GIF frames=" (number->string (vector-length (gimp-image-get-layers again)))
             " size=" (number->string (gimp-image-get-width again)) "x"
             (number->string (gimp-image-get-height again)) "\n")))
(display "BATCH-END\n")
SCM

run_batch "$script"

expected="(\"${names[5]}\" \"${names[4]}\" \"${names[3]}\" \"${names[2]}\" \"${names[1]}\" \"${names[0]}\")"
check "the animation call succeeds" grep -q "^BAD animation succeeded" "$log"
check "a new image of the canvas's size, the returned layer its top, nothing else left open" \
  grep -q "^PAINTED size=64x48 new=yes top=yes images=1$" "$log"
check "the new image has the 6 frames' names, in their order, tags kept" \
  grep -qxF "LAYERS-OF painted $expected" "$log"
check "the source image keeps its 6 layers and their names" \
  bash -c '[ "$(grep -c "^LAYERS-OF source-[a-z]* $1$" "$2")" = 2 ]' _ "$expected" "$log"
held=$(sed -n '1,/^BAD animation/p' "$log" | grep -cE "neural-style-DEBUG: .*frame [2-6]/6: held to the frame before")
tap_note "frames held to the frame before: $held of 5"
check "frames 2 to 6 start from the frame before, held to it" test "$held" = 5
check "frame 1 is painted afresh" grep -qE "neural-style-DEBUG: .*frame 1/6: afresh" "$log"
check "README's GIF script ran" grep -q "^BAD gif succeeded" "$log"
check "its GIF opens again with 6 frames of 64x48" grep -q "^GIF frames=6 size=64x48$" "$log"
check_no_crash "$log"
check_no_plugin_warnings "$log"
finish "$log" 60
