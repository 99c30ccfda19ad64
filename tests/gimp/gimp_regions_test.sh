#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Several styles, a style per region and a region to keep, from Script-Fu in
# real GIMP (batch): gimp_regions_test.sh BUILD_ROOT SOURCE_ROOT
#
# The content is a 64x48 layer at offsets (8,6) of an 80x60 image; the left
# half of the layer (image x 8..40) is selected and saved as a channel.
# Three styles of clearly different colours: A yellow stripes, B blue
# checks, C red dots.  Checked from the outside (PAM exports, numpy):
#   - README's two-region function, run as written there (faster settings):
#     style B in the saved selection, style A elsewhere; the result's mean
#     colour inside the region is nearer B's than A's, outside nearer A's;
#   - the same region given as a layer mask of another layer (with other
#     offsets and size) gives the same result, byte for byte: the channel
#     and the mask are read over the same pixels of the image;
#   - the same two styles without a region give another result;
#   - a region to keep: with keep-region the region's pixels stay nearer the
#     content than without it, while the rest is painted as before;
#   - three styles with blend weights (a layer, a file, a layer): the heavy
#     style's colour wins (blends 8:1:1 against 1:1:8);
#   - bad calls fail with a clear message and add no layer: a region that is
#     a channel of another image (for a style and for the region to keep),
#     a layer instead of a channel, a region for a style without a layer or
#     file, a style with both.
# Weights: $NEURAL_STYLE_TEST_WEIGHTS when it exists, else random weights of
# VGG19's shapes (their first layers still see colour statistics).
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
gimp_test_init regions "${1:?usage: gimp_regions_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

make_test_profile
out="$work/out"
mkdir -p "$out"

# README's function, verbatim but for faster settings that paint from noise
# (the colours then come from the styles alone).
regions_function=$(sed -n '/^(define (neural-style-two-regions /,/^                          #:iterations 35 #:max-size 512)))$/p' "$source_root/README.md")
fast='#:iterations 40 #:max-size 64 #:multi-scale #f #:init "noise" #:content-weight 0.01 #:style-weight 10'
regions_function=${regions_function//#:iterations 35 #:max-size 512/$fast}
# The settings every other styled run here uses.
settings=$fast

read -r -d '' script <<SCM
$scheme_prelude

(define (report tag layer img)
  (let ((offsets (gimp-drawable-get-offsets layer)))
    (display (string-append "RESULT " tag
               " w=" (number->string (gimp-drawable-get-width layer))
               " h=" (number->string (gimp-drawable-get-height layer))
               " x=" (number->string (car offsets))
               " y=" (number->string (cadr offsets)) "\n"))))

; A styled run: exports its layer as TAG.pam and says "RAN TAG", or says
; "FAILED TAG" and the error, and the batch goes on.
(define (styled tag thunk)
  (set! last-error "")
  (let ((layer (catch #f (thunk))))
    (if layer
        (begin (export-layer layer (string-append "$out/" tag ".pam"))
               (display (string-append "RAN " tag "\n")))
        (begin (display (string-append "FAILED " tag " ")) (write last-error) (newline)))
    layer))

$regions_function

; The content: grey with a few shapes, 64x48 at (8,6) of an 80x60 image.
(define img (gimp-image-new 80 60 RGB))
(define content (gimp-layer-new img "content" 64 48 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img content 0 0)
(gimp-layer-set-offsets content 8 6)
(fill img content 8 6 64 48 '(128 128 128))
(fill img content 14 12 20 16 '(90 90 90))
(fill img content 46 24 20 20 '(170 170 170))
(gimp-selection-none img)

; The styles: A yellow stripes, B blue checks (as a layer and a file), C red dots.
(define (style-image tag base paint step)
  (let* ((simg (gimp-image-new 40 40 RGB))
         (layer (gimp-layer-new simg tag 40 40 RGB-IMAGE 100 LAYER-MODE-NORMAL)))
    (gimp-image-insert-layer simg layer 0 0)
    (fill simg layer 0 0 40 40 base)
    (let loop ((i 0))
      (if (< i 40)
          (begin (paint simg layer i) (loop (+ i step)))))
    (gimp-selection-none simg)
    (export-layer layer (string-append "$out/style-" tag ".pam"))
    layer))
(define style-a (style-image "a" '(230 200 20)
  (lambda (simg layer i) (fill simg layer i 0 3 40 '(120 90 0))) 8))
(define style-b (style-image "b" '(20 60 220)
  (lambda (simg layer i) (fill simg layer i i 5 5 '(40 190 230))) 10))
(define style-c (style-image "c" '(210 30 30)
  (lambda (simg layer i) (fill simg layer i (- 36 i) 4 4 '(250 200 200))) 6))
(gimp-file-save RUN-NONINTERACTIVE (gimp-item-get-image style-b) "$work/style-b.png")
(gimp-file-save RUN-NONINTERACTIVE (gimp-item-get-image style-a) "$work/style-a.png")

(export-layer content "$out/content.pam")

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

; 5. Three styles with blend weights (a layer, a file, a layer): A heavy,
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

; 6. Bad calls.
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
(try "style-with-both" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style-a #:style-layer-3 style-b #:style-file-3 "$work/style-b.png"
    #:iterations 1 #:max-size 32)))
(count-layers "after-bad-calls" img)
(try "layer-as-region" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style-a #:style-layer-2 style-b #:style-region-2 holder
    #:iterations 1 #:max-size 32)))

(gimp-image-delete other-img)
(gimp-image-delete img)
(display "BATCH-END\n")
SCM

log="$work/gimp.log"
tap_note "running gimp-console-3.0 (profile $profile)"
start=$(date +%s)
run_console "$profile" "$log" "$script" G_MESSAGES_DEBUG=neural-style
gimp_status=$?
tap_note "GIMP took $(( $(date +%s) - start )) s"
cp "$log" "$artefacts/gimp.log"

check "README.md has the two-region function" test -n "$regions_function"
check "gimp-console-3.0 ran the batch to its end (exit $gimp_status)" \
  bash -c '[ "$1" -eq 0 ] && grep -q "^BATCH-END" "$2"' _ "$gimp_status" "$log"
check "README's function saved the selection as a channel and cleared the selection" \
  grep -q "^CHANNELS 1 selection-empty=yes" "$log"
check "the region run's layer covers the content layer (64x48 at 8,6)" \
  grep -q "^RESULT region w=64 h=48 x=8 y=6$" "$log"
for tag in region region-mask no-region plain keep a-heavy c-heavy; do
  failure=$(grep "^FAILED $tag " "$log")
  [ -n "$failure" ] && tap_note "$failure"
  check "the $tag run succeeded" grep -q "^RAN $tag$" "$log"
done
check "each of the seven runs added one layer" \
  test "$(layers before)" = 2 -a "$(layers after-runs)" = 9

# What the plug-in read (its debug log): the channels arrive as regions.
debug_line () {  # debug_line PATTERN: the plug-in logged a line matching it
  grep -qE "neural-style-DEBUG: [0-9:.]+ $1\$" "$log"
}
check "README's function gave style 2 the saved selection as its region, style 1 none" \
  bash -c "grep -qE 'DEBUG: [0-9:.]+ style 1: file .*style-a.png., blend 1, region none\$' \"\$1\" &&
           grep -qE 'DEBUG: [0-9:.]+ style 2: file .*style-b.png., blend 1, region Selection Mask copy\$' \"\$1\"" _ "$log"
check "the layer mask arrived as style 2's region" debug_line "style 2: file .*style-b.png., blend 1, region holder mask"
check "the region to keep arrived" debug_line "region to keep: Selection Mask copy"
check "three styles arrived with their blends: layer a 8, file b 1, layer c 1" \
  bash -c 'grep -qE "style 1: layer .a., blend 8, region none$" "$1" && grep -qE "style 3: layer .c., blend 1, region none$" "$1"' _ "$log"

# Figures: mean colours of the left (region) and right halves of each result,
# 6 px from the border between them, and distances to the styles' means.
figures=$(python3 - "$out" <<'PY'
import os, sys
import numpy as np
out = sys.argv[1]
def read_pam(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return None
    data = open(path, 'rb').read()
    end = data.index(b'ENDHDR\n') + len(b'ENDHDR\n')
    fields = dict(line.split(None, 1) for line in data[:end].decode().splitlines()[1:]
                  if ' ' in line)
    w, h, d = int(fields['WIDTH']), int(fields['HEIGHT']), int(fields['DEPTH'])
    return np.frombuffer(data[end:end + w * h * d], np.uint8).reshape(h, w, d)[..., :3].astype(float)
styles = {k: read_pam('style-%s.pam' % k).reshape(-1, 3).mean(0) for k in 'abc'}
content = read_pam('content.pam')
def dist(x, y):
    return float(np.linalg.norm(x - y))
for name in ('region', 'region-mask', 'no-region', 'plain', 'keep', 'a-heavy', 'c-heavy'):
    r = read_pam(name + '.pam')
    if r is None:
        print('%s missing=1' % name)
        continue
    inside, outside = r[:, :26], r[:, 38:]
    mi, mo, m = inside.reshape(-1, 3).mean(0), outside.reshape(-1, 3).mean(0), r.reshape(-1, 3).mean(0)
    ci, co = np.abs(inside - content[:, :26]).mean(), np.abs(outside - content[:, 38:]).mean()
    print('%s in_a=%.1f in_b=%.1f out_a=%.1f out_b=%.1f all_a=%.1f all_c=%.1f '
          'keep_in=%.2f keep_out=%.2f mean=%s' % (
          name, dist(mi, styles['a']), dist(mi, styles['b']), dist(mo, styles['a']),
          dist(mo, styles['b']), dist(m, styles['a']), dist(m, styles['c']), ci, co,
          ','.join('%.0f' % v for v in m)))
PY
)
while read -r line; do tap_note "$line"; done <<<"$figures"
fig () {  # fig RUN KEY
  sed -n "s/^$1 .*\\b$2=\\([-0-9.]*\\).*/\\1/p" <<<"$figures"
}
less () {  # less A B: A < B
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "${1:-nan}" "${2:-nan}" 2>/dev/null
}

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

check "three styles: with A's blend 8 the colours are nearer A's than with C's ($(fig a-heavy all_a) < $(fig c-heavy all_a))" \
  less "$(fig a-heavy all_a)" "$(fig c-heavy all_a)"
check "three styles: with C's blend 8 the colours are nearer C's than with A's ($(fig c-heavy all_c) < $(fig a-heavy all_c))" \
  less "$(fig c-heavy all_c)" "$(fig a-heavy all_c)"

error_of () { error_line "$log" "$1"; }
check_bad () {  # check_bad TAG EXPECTED-MESSAGE
  check "bad call $1 fails" grep -q "^BAD $1 failed" "$log"
  check "bad call $1 reports: $2" grep -qF -- "$2" <(error_of "$1")
}
check_bad region-of-another-image "The region of style 2 (\\\"Selection Mask copy\\\") belongs to another image: choose a channel or a layer mask of the image you are painting."
check_bad keep-of-another-image "The region to keep (\\\"Selection Mask copy\\\") belongs to another image"
check_bad region-without-style "Style 2 has a region but no layer or image file."
check_bad style-with-both "Style 3 has both a layer and an image file: choose only one of them."
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

check "the plug-in never crashed" \
  bash -c '! grep -qiE "neural-style.*(crash|terminated)|(crash|terminated).*neural-style" "$1"' _ "$log"
check_no_plugin_warnings "$log"
finish "$log" 60
