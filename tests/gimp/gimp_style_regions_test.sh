#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A style per region and a region to keep, from Script-Fu in real GIMP
# (batch): gimp_style_regions_test.sh BUILD_ROOT SOURCE_ROOT
#
# The content is a 64x48 layer at offsets (8,6) of an 80x60 image; the left
# half of the layer (image x 8..40) is selected and saved as a channel.
# Styles of clearly different colours (gimp_styles_common.sh): A yellow
# stripes, B blue checks, C red dots.  Checked from the outside (PAM
# exports, numpy):
#   - README's two-region function, run as written there (faster settings):
#     style B in the saved selection, style A elsewhere; the result's mean
#     colour inside the region is nearer B's than A's, outside nearer A's;
#   - the same region given as a layer mask of another layer (with other
#     offsets and size) gives the same result, byte for byte: the channel
#     and the mask are read over the same pixels of the image;
#   - the same two styles without a region give another result;
#   - a region to keep: with keep-region the region's pixels stay nearer the
#     content than without it, while the rest is painted as before;
#   - bad calls fail with a clear message and add no layer: a region that is
#     a channel of another image (for a style and for the region to keep),
#     a layer instead of a channel, a region for a style without a layer or
#     file.
# Weights: $NEURAL_STYLE_TEST_WEIGHTS when it exists, else random weights of
# VGG19's shapes (their first layers still see colour statistics).
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
. "$here/gimp_styles_common.sh"
gimp_test_init style-regions "${1:?usage: gimp_style_regions_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

make_test_profile
styles_init

# README's function, verbatim but for faster settings that paint from noise
# (the colours then come from the styles alone).
regions_function=$(sed -n '/^(define (neural-style-two-regions /,/^                          #:iterations 35 #:max-size 512)))$/p' "$source_root/README.md")
regions_function=${regions_function//#:iterations 35 #:max-size 512/$settings}

read -r -d '' script <<SCM
$scheme_prelude
$styles_scheme

$regions_function

; The region: the left half of the layer (image x 8..40), as the same
; pixels of a layer mask of a 40x60 layer at (0,0).
(define holder (gimp-layer-new img "holder" 40 60 RGBA-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img holder 0 2)
(gimp-item-set-visible holder #f)
(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 8 0 32 60)
(define holder-mask (gimp-layer-create-mask holder ADD-MASK-SELECTION))
(gimp-layer-add-mask holder holder-mask)
(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 8 0 32 60)
(count-layers "before" img)

;; 1. README's function: B in the saved selection, A elsewhere.
(define region-result (styled "region" (lambda ()
  (neural-style-two-regions img content "$work/style-b.png" "$work/style-a.png"))))
(if region-result (report "region" region-result img))
(define sky (vector-ref (gimp-image-get-channels img) 0))
(display (string-append "CHANNELS " (number->string (vector-length (gimp-image-get-channels img)))
                        " selection-empty=" (if (gimp-selection-is-empty img) "yes" "no") "\n"))

; 2. The same region as a layer mask.
(styled "region-mask" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-file "$work/style-a.png"
    #:style-file-2 "$work/style-b.png" #:style-region-2 holder-mask $settings)))

; 3. No region: both styles blended everywhere.
(styled "no-region" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-file "$work/style-a.png" #:style-file-2 "$work/style-b.png" $settings)))

; 4. A region to keep, against the same run without it.
(styled "plain" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style-c #:iterations 30 #:max-size 64 #:multi-scale #f #:style-weight 30)))
(styled "keep" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style-c #:iterations 30 #:max-size 64 #:multi-scale #f #:style-weight 30
    #:keep-region sky #:keep-strength 10)))
(count-layers "after-runs" img)

; 5. Bad calls.
(define other-img (gimp-image-new 80 60 RGB))
(gimp-selection-all other-img)
(define other-channel (gimp-selection-save other-img))
(try "region-of-another-image" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style-a #:style-layer-2 style-b #:style-region-2 other-channel
    #:iterations 1 #:max-size 32)))
(try "keep-of-another-image" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style-a #:keep-region other-channel #:iterations 1 #:max-size 32)))
(try "region-without-style" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style-a #:style-region-2 sky #:iterations 1 #:max-size 32)))
(count-layers "after-bad-calls" img)
(try "layer-as-region" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style-a #:style-layer-2 style-b #:style-region-2 holder
    #:iterations 1 #:max-size 32)))

(gimp-image-delete other-img)
(gimp-image-delete img)
(display "BATCH-END\n")
SCM

check "README.md has the two-region function" test -n "$regions_function"
run_batch "$script"
check "README's function saved the selection as a channel and cleared the selection" \
  grep -q "^CHANNELS 1 selection-empty=yes" "$log"
check "the region run's layer covers the content layer (64x48 at 8,6)" \
  grep -q "^RESULT region w=64 h=48 x=8 y=6$" "$log"
for tag in region region-mask no-region plain keep; do
  failure=$(grep "^FAILED $tag " "$log")
  [ -n "$failure" ] && tap_note "$failure"
  check "the $tag run succeeded" grep -q "^RAN $tag$" "$log"
done
check "each of the five runs added one layer" \
  test "$(layers before)" = 2 -a "$(layers after-runs)" = 7

# What the plug-in read (its debug log): the channels arrive as regions.
debug_line () {  # debug_line PATTERN: the plug-in logged a line matching it
  grep -qE "neural-style-DEBUG: [0-9:.]+ $1\$" "$log"
}
check "README's function gave style 2 the saved selection as its region, style 1 none" \
  bash -c "grep -qE 'DEBUG: [0-9:.]+ style 1: file .*style-a.png., blend 1, region none\$' \"\$1\" &&
           grep -qE 'DEBUG: [0-9:.]+ style 2: file .*style-b.png., blend 1, region Selection Mask copy\$' \"\$1\"" _ "$log"
check "the layer mask arrived as style 2's region" debug_line "style 2: file .*style-b.png., blend 1, region holder mask"
check "the region to keep arrived" debug_line "region to keep: Selection Mask copy"

style_figures region region-mask no-region plain keep
check "region: inside the region the colours are nearer style B's than A's ($(fig region in_b) < $(fig region in_a))" \
  less "$(fig region in_b)" "$(fig region in_a)"
check "region: outside the region the colours are nearer style A's than B's ($(fig region out_a) < $(fig region out_b))" \
  less "$(fig region out_a)" "$(fig region out_b)"
check "region: the region takes more of B than the same styles blended everywhere ($(fig region in_b) < $(fig no-region in_b))" \
  less "$(fig region in_b)" "$(fig no-region in_b)"
check "region: outside, more of A than blended everywhere ($(fig region out_a) < $(fig no-region out_a))" \
  less "$(fig region out_a)" "$(fig no-region out_a)"
check "region: a layer mask over the same pixels (other offsets and size) gives the same result" \
  cmp -s "$out/region.pam" "$out/region-mask.pam"
check "region: the same styles without a region give another result" \
  bash -c '[ -f "$1" ] && [ -f "$2" ] && ! cmp -s "$1" "$2"' _ "$out/region.pam" "$out/no-region.pam"

# The region to keep: its pixels change less than without it; the rest is
# painted about as much as without it.
check "keep: the region to keep changed less than without it ($(fig keep keep_in) < 0.7 × $(fig plain keep_in))" \
  less "$(fig keep keep_in)" "$(python3 -c 'import sys; print(0.7 * float(sys.argv[1]))' "$(fig plain keep_in)" 2>/dev/null)"
check "keep: outside it the layer is still painted (changed by $(fig keep keep_out), over half of $(fig plain keep_out))" \
  less "$(python3 -c 'import sys; print(0.5 * float(sys.argv[1]))' "$(fig plain keep_out)" 2>/dev/null)" "$(fig keep keep_out)"

check_bad region-of-another-image "The region of style 2 (\\\"Selection Mask copy\\\") belongs to another image: choose a channel or a layer mask of the image you are painting."
check_bad keep-of-another-image "The region to keep (\\\"Selection Mask copy\\\") belongs to another image"
check_bad region-without-style "Style 2 has a region but no layer or image file."
# A layer where a channel belongs: Script-Fu 3.0.4 hands the plug-in no
# channel at all (the plug-in logs "region none"), so the call runs as one
# without a region; a known limit, not ours to mend.
if grep -q "^BAD layer-as-region succeeded" "$log" &&
   grep -q "neural-style-DEBUG: .*style 2: layer 'b', blend 1, region none$" "$log"; then
  tap_todo "bad call layer-as-region fails" "Script-Fu 3.0.4 passes a layer given for a channel argument as no channel"
else
  check_bad layer-as-region "style-region-2"
fi
check "the bad calls added no layer" \
  test -n "$(layers after-runs)" -a "$(layers after-bad-calls)" = "$(layers after-runs)"

check_no_crash "$log"
check_no_plugin_warnings "$log"
finish "$log" 60
