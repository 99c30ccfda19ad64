#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every image type a GIMP filter takes, in real GIMP: gimp_types_test.sh BUILD_ROOT SOURCE_ROOT
#
# One gimp-console-3.0 session makes a 32x32 image of each kind: RGB in
# every precision (8/16/32-bit integer, half, float and double), linear and
# non-linear, with and without alpha; grayscale in every precision, with
# linear and non-linear, alpha and no alpha alternating; plus images
# with an ICC profile (a wide-gamut RGB one whose pure green lies far outside
# sRGB, and a gray one).  On each it runs the plug-in as an identity (content
# weight 1, style weight 0, one Adam step, at the layer's own size), so the
# result must equal the content: any read or write in the wrong space, the
# wrong precision or with clipping shows up as a difference.  Then it checks
# that the new layer has the image's precision and mode and an alpha
# channel, that a few styled runs do change the pixels, and that an indexed
# image is refused with a clear message.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
gimp_test_init types "${1:?usage: gimp_types_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

make_test_profile

python3 "$here/gimp_make_icc.py" rgb "$work/wide-gamut.icc" &&
  python3 "$here/gimp_make_icc.py" gray "$work/gray.icc" ||
  { tap_not_ok "the test ICC profiles are written"; tap_done; }

out="$work/out"
mkdir -p "$out"

# Cases: tag base precision alpha(#t/#f) profile(path or -) bytes-per-channel.
# RGB: every precision, linear and non-linear, each with and without alpha
# (one per curve); grayscale: every precision, curves and alpha alternating.
cases=()
i=0
for precision in U8:1 U16:2 U32:4 HALF:2 FLOAT:4 DOUBLE:8; do
  name=${precision%%:*}
  bytes=${precision##*:}
  cases+=("rgb-$name-LINEAR RGB PRECISION-$name-LINEAR #t - $bytes")
  cases+=("rgb-$name-NON-LINEAR RGB PRECISION-$name-NON-LINEAR #f - $bytes")
  if [ $((i % 2)) -eq 0 ]; then
    cases+=("gray-$name-NON-LINEAR GRAY PRECISION-$name-NON-LINEAR #t - $bytes")
  else
    cases+=("gray-$name-LINEAR GRAY PRECISION-$name-LINEAR #f - $bytes")
  fi
  i=$((i + 1))
done
cases+=("rgb-U16-NON-LINEAR-icc RGB PRECISION-U16-NON-LINEAR #t $work/wide-gamut.icc 2")
cases+=("rgb-FLOAT-LINEAR-icc RGB PRECISION-FLOAT-LINEAR #f $work/wide-gamut.icc 4")
cases+=("rgb-U8-PERCEPTUAL-icc RGB PRECISION-U8-PERCEPTUAL #t $work/wide-gamut.icc 1")
cases+=("gray-U8-NON-LINEAR-icc GRAY PRECISION-U8-NON-LINEAR #t $work/gray.icc 1")

styled=("styled-rgb-U8 RGB PRECISION-U8-NON-LINEAR #t -"
        "styled-gray-U16-LINEAR GRAY PRECISION-U16-LINEAR #f -"
        "styled-rgb-FLOAT-icc RGB PRECISION-FLOAT-NON-LINEAR #f $work/wide-gamut.icc")
case_count=$(( ${#cases[@]} + ${#styled[@]} ))

calls=""
index=0
for case in "${cases[@]}"; do
  read -r tag base precision alpha icc bytes <<<"$case"
  [ "$icc" = - ] && icc=""
  calls+="(run-case $index \"$tag\" $base $precision $alpha \"$icc\" $bytes)
"
  index=$((index + 1))
done
styled_calls=""
for case in "${styled[@]}"; do
  read -r tag base precision alpha icc <<<"$case"
  [ "$icc" = - ] && icc=""
  styled_calls+="(styled $index \"$tag\" $base $precision $alpha \"$icc\")
"
  index=$((index + 1))
done

read -r -d '' script <<SCM
$scheme_prelude


; The style: a striped RGB layer in its own image.
(define style-img (gimp-image-new 48 48 RGB))
(define style (striped-style style-img 0))
(gimp-selection-none style-img)

(define (make-content tag base precision alpha icc)
  (let* ((img (gimp-image-new-with-precision 32 32 base precision))
         (type (if (= base RGB) (if alpha RGBA-IMAGE RGB-IMAGE)
                                (if alpha GRAYA-IMAGE GRAY-IMAGE)))
         (layer (gimp-layer-new img "content" 32 32 type 100 LAYER-MODE-NORMAL)))
    (gimp-image-insert-layer img layer 0 0)
    (fill img layer 0 0 32 32 '(40 90 200))
    (fill img layer 0 16 32 16 '(0 255 0))
    (fill img layer 6 4 12 8 '(230 30 30))
    (fill img layer 20 20 8 8 '(255 255 255))
    (fill img layer 0 0 4 4 '(0 0 0))
    (fill img layer 4 24 10 6 '(128 128 128))
    (if alpha (begin (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 26 0 6 6)
                     (gimp-drawable-edit-clear layer)))
    (gimp-selection-none img)
    ; Assigned, not converted: the same numbers now mean other colours
    ; (the pure green becomes a green far outside sRGB).
    (if (> (string-length icc) 0)
        (gimp-image-set-color-profile-from-file img icc))
    (list img layer)))

; Every content and result is copied side by side into one float image,
; exported once at the end (a PFM keeps every value, even outside 0..1).
(define case-count $case_count)
(define collect (gimp-image-new-with-precision 64 (* 32 case-count) RGB PRECISION-FLOAT-LINEAR))
(define (collect-layer layer x y)
  (let ((copy (gimp-layer-new-from-drawable layer collect)))
    (gimp-image-insert-layer collect copy 0 0)
    (gimp-layer-set-offsets copy x y)))

(define (run-case index tag base precision alpha icc bytes)
  (let* ((made (make-content tag base precision alpha icc))
         (img (car made))
         (layer (cadr made))
         (precision-before (gimp-image-get-precision img))
         (result (catch #f (plug-in-neural-style #:image img #:drawables (vector layer)
                             #:style-layer style #:content-weight 1 #:style-weight 0
                             #:optimizer "adam" #:learning-rate 0.01 #:iterations 1
                             #:max-size 0 #:multi-scale #f))))
    (if (not result)
        (begin (display (string-append "TYPE " tag " failed ")) (write last-error) (newline))
        (begin
          (collect-layer layer 0 (* 32 index))
          (collect-layer result 32 (* 32 index))
          (display (string-append "TYPE " tag " ok"
                     " bpp=" (number->string (gimp-drawable-get-bpp result))
                     " expected-bpp=" (number->string (* bytes (if (= base RGB) 4 2)))
                     " precision=" (number->string precision-before)
                     "/" (number->string (gimp-image-get-precision img))
                     " gray=" (if (gimp-drawable-is-gray result) "yes" "no")
                     " want-gray=" (if (= base GRAY) "yes" "no")
                     " alpha=" (if (gimp-drawable-has-alpha result) "yes" "no")
                     " layers=" (number->string (vector-length (gimp-image-get-layers img)))))
          (newline)))
    (gimp-image-delete img)))

$calls

; Styled runs change the pixels (a few kinds).
(define (styled index tag base precision alpha icc)
  (let* ((made (make-content tag base precision alpha icc))
         (img (car made))
         (layer (cadr made))
         (result (catch #f (plug-in-neural-style #:image img #:drawables (vector layer)
                             #:style-layer style #:style-weight 5 #:optimizer "adam"
                             #:learning-rate 0.05 #:iterations 2 #:max-size 0
                             #:multi-scale #f))))
    (if (not result)
        (begin (display (string-append "STYLED " tag " failed ")) (write last-error) (newline))
        (begin
          (collect-layer layer 0 (* 32 index))
          (collect-layer result 32 (* 32 index))
          (display (string-append "STYLED " tag " ok")) (newline)))
    (gimp-image-delete img)))
$styled_calls
(gimp-file-save RUN-NONINTERACTIVE collect "$out/collected.pfm")
(gimp-image-delete collect)

; Indexed images are refused.
(define indexed-img (gimp-image-new 32 32 INDEXED))
(define indexed (gimp-layer-new indexed-img "indexed" 32 32 INDEXED-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer indexed-img indexed 0 0)
(try "indexed-image" (lambda ()
  (plug-in-neural-style #:image indexed-img #:drawables (vector indexed)
    #:style-layer style #:iterations 1 #:max-size 32)))
(gimp-image-delete indexed-img)
(gimp-image-delete style-img)
(display "BATCH-END\n")
SCM

log="$work/gimp.log"
tap_note "running gimp-console-3.0 with ${#cases[@]} image types (profile $profile)"
start=$(date +%s)
run_console "$profile" "$log" "$script"
gimp_status=$?
tap_note "GIMP took $(( $(date +%s) - start )) s"
cp "$log" "$artefacts/gimp.log"

check "gimp-console-3.0 ran the batch to its end (exit $gimp_status)" \
  bash -c '[ "$1" -eq 0 ] && grep -q "^BATCH-END" "$2"' _ "$gimp_status" "$log"

# max and mean |result - content| of the tiles of case INDEX in the
# collected PFM (content at x 0..31, result at x 32..63).
pfm_diff () {
  python3 - "$out/collected.pfm" "$1" <<'PY'
import sys
import numpy as np
with open(sys.argv[1], 'rb') as f:
    kind = f.readline().strip()
    w, h = map(int, f.readline().split())
    scale = float(f.readline())
    channels = 3 if kind == b'PF' else 1
    data = np.frombuffer(f.read(), dtype='<f4' if scale < 0 else '>f4')
image = data[:w * h * channels].reshape(h, w, channels)[::-1].astype(np.float64)  # PFM rows run bottom-up
i = int(sys.argv[2])
a = image[32 * i:32 * (i + 1), 0:32]
b = image[32 * i:32 * (i + 1), 32:64]
d = np.abs(a - b)
print('max=%.6g mean=%.6g range=%.3f..%.3f' % (d.max(), d.mean(), a.min(), a.max()))
PY
}
below () {  # below STATS KEY LIMIT
  python3 -c 'import sys
s = dict(kv.split("=") for kv in sys.argv[1].split() if "=" in kv)
sys.exit(0 if sys.argv[2] in s and float(s[sys.argv[2]]) <= float(sys.argv[3]) else 1)' "$1" "$2" "$3"
}
above () {
  ! below "$@"
}

index=0
for case in "${cases[@]}"; do
  read -r tag base precision alpha icc bytes <<<"$case"
  line=$(grep "^TYPE $tag " "$log" | head -n 1)
  case $precision in
    *U8*) tolerance=0.0021 ;;      # half an 8-bit step, plus float noise
    *HALF*) tolerance=0.002 ;;     # half floats: 11 bits
    *) tolerance=0.0002 ;;
  esac
  if [[ "$line" == *" ok "* ]] && [ -f "$out/collected.pfm" ]; then
    stats=$(pfm_diff "$index" 2>&1)
  else
    stats="(no result)"
  fi
  index=$((index + 1))
  tap_note "$tag: ${line#TYPE $tag } | result vs content: $stats"
  check "$tag: the plug-in ran" bash -c '[[ "$1" == *" ok "* ]]' _ "$line"
  check "$tag: the new layer is in the image's precision (bytes per pixel)" \
    bash -c '[[ "$1" =~ bpp=([0-9]+)\ expected-bpp=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]' _ "$line"
  check "$tag: the image's precision is unchanged" \
    bash -c '[[ "$1" =~ precision=([0-9]+)/([0-9]+) ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]' _ "$line"
  check "$tag: the new layer has the image's mode and an alpha channel" \
    bash -c '[[ "$1" =~ gray=(yes|no)\ want-gray=(yes|no)\ alpha=yes ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]' _ "$line"
  check "$tag: an identity run gives back the content (max diff <= $tolerance)" \
    below "$stats" max "$tolerance"
done

for case in "${styled[@]}"; do
  read -r tag rest <<<"$case"
  if grep -q "^STYLED $tag ok" "$log" && [ -f "$out/collected.pfm" ]; then
    stats=$(pfm_diff "$index" 2>&1)
  else
    stats="(no result)"
  fi
  index=$((index + 1))
  tap_note "$tag: result vs content: $stats"
  check "$tag: a styled run changes the pixels (mean diff > 0.01)" above "$stats" mean 0.01
done

check "an indexed image is refused" grep -q "^BAD indexed-image failed" "$log"
check "... with a clear message" \
  grep -qF "Neural Style works on RGB and grayscale images; convert the indexed image first" "$log"
check "the plug-in never crashed" \
  bash -c '! grep -qiE "neural-style.*(crash|terminated|killed)|(crash|terminated|killed).*neural-style" "$1"' _ "$log"
check_no_plugin_warnings "$log"
finish "$log" 60
