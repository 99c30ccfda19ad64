# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash disable=SC2154  # $work, $log: the sourcing test's
# What the tests of several styles share (gimp_style_regions_test.sh,
# gimp_style_blends_test.sh; sourced after gimp_common.sh, once $work
# exists):
#   styles_init      $out (the PAM exports), $settings (fast runs that paint
#                    from noise, so the colours come from the styles alone),
#                    $styles_scheme: Scheme defining (report TAG LAYER IMG),
#                    (styled TAG THUNK), img with its content layer (64x48 at
#                    8,6 of 80x60, grey with a few shapes) and three styles
#                    of clearly different colours: style-a yellow stripes,
#                    style-b blue checks, style-c red dots (A and B also as
#                    $work/style-a.png, style-b.png);
#   style_figures RUN…  $figures: each run's mean colours and distances;
#   fig RUN KEY, less A B: below.

styles_init () {
  out="$work/out"
  mkdir -p "$out"
  # shellcheck disable=SC2034  # used by the scripts that source this file
  settings='#:iterations 40 #:max-size 64 #:multi-scale #f #:init "noise" #:content-weight 0.01 #:style-weight 10'
  # shellcheck disable=SC2034  # used by the scripts that source this file
  read -r -d '' styles_scheme <<SCM
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
SCM
}

# Figures: mean colours of the left (region) and right halves of each result,
# 6 px from the border between them, and distances to the styles' means.
style_figures () {
  figures=$(python3 - "$out" "$@" <<'PY'
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
for name in sys.argv[2:]:
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
}
fig () {  # fig RUN KEY
  sed -n "s/^$1 .*\\b$2=\\([-0-9.]*\\).*/\\1/p" <<<"$figures"
}
less () {  # less A B: A < B
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "${1:-nan}" "${2:-nan}" 2>/dev/null
}
