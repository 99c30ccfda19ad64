# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash disable=SC2154  # $work and $log: the sourcing test's
# What the Script-Fu call tests share (gimp_script_results_test.sh,
# gimp_script_refusals_test.sh), on top of gimp_common.sh:
#   script_test_init NAME BUILD_ROOT SOURCE_ROOT
#                       gimp_test_init, the profile, $weights, and
#                       $script_scene: Scheme that makes img (80x60) with its
#                       content layer (64x48 at 8,6: coloured shapes, a
#                       transparent corner) over a background, and style-img
#                       with its style layer (40x40 stripes), saved as
#                       $work/style.png;
#   field TAG KEY       a value from a "RESULT TAG k=v ..." line of $log;
#   pam_stats A B [X Y W H], value_of STATS KEY, greater A B: below.

# shellcheck source=gimp_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/gimp_common.sh"

script_test_init () {
  gimp_test_init "$@"
  make_test_profile
  weights=$(test_weights)
  script_scene_init
}

script_scene_init () {
  # shellcheck disable=SC2034  # used by the scripts that source this file
  read -r -d '' script_scene <<SCM
; The content: a 64x48 layer at offsets (8,6) of an 80x60 image, with
; coloured shapes and a transparent corner.
(define img (gimp-image-new 80 60 RGB))
(define content (gimp-layer-new img "content" 64 48 RGBA-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img content 0 0)
(gimp-layer-set-offsets content 8 6)
(define background (gimp-layer-new img "background" 80 60 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img background 0 1)
(gimp-context-set-foreground '(250 250 240))
(gimp-drawable-edit-fill background FILL-FOREGROUND)
(fill img content 8 6 64 48 '(40 90 200))
(fill img content 8 30 64 24 '(60 160 60))
(fill img content 20 12 20 16 '(220 60 40))
(gimp-image-select-ellipse img CHANNEL-OP-REPLACE 44 14 22 22)
(gimp-context-set-foreground '(250 220 50))
(gimp-drawable-edit-fill content FILL-FOREGROUND)
(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 60 6 12 10)
(gimp-drawable-edit-clear content)
(gimp-selection-none img)

; The style: 40x40 stripes, in a second image and as a file.
(define style-img (gimp-image-new 40 40 RGB))
(define style (gimp-layer-new style-img "style" 40 40 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer style-img style 0 0)
(fill style-img style 0 0 40 40 '(20 20 20))
(let loop ((i 0))
  (if (< i 40)
      (begin
        (fill style-img style i 0 3 40 '(240 200 30))
        (fill style-img style 0 (+ i 2) 40 2 '(200 40 160))
        (loop (+ i 8)))))
(gimp-selection-none style-img)
(gimp-file-save RUN-NONINTERACTIVE style-img "$work/style.png")
SCM
}

field () {
  # field TAG KEY: a value from a "RESULT TAG k=v ..." line.
  sed -n "s/^RESULT $1 .*\\b$2=\\([-0-9.a-z]*\\).*/\\1/p" "$log" | head -n 1
}

# PAM comparisons: mean absolute colour difference in 0..255 levels, and
# whether the alpha channels are identical ("(no FILE)" when the second
# PAM was not written).
pam_stats () {
  if [ ! -f "$2" ]; then
    echo "(no $(basename "$2"))"
    return
  fi
  python3 - "$@" <<'PY'
import sys
import numpy as np
def read_pam(path):
    data = open(path, 'rb').read()
    end = data.index(b'ENDHDR\n') + len(b'ENDHDR\n')
    fields = dict(line.split(None, 1) for line in data[:end].decode().splitlines()[1:]
                  if line and not line.startswith('#') and ' ' in line)
    w, h, d = int(fields['WIDTH']), int(fields['HEIGHT']), int(fields['DEPTH'])
    assert int(fields['MAXVAL']) == 255, 'expected 8-bit PAM'
    return np.frombuffer(data[end:end + w * h * d], np.uint8).reshape(h, w, d).astype(int)
a, b = read_pam(sys.argv[1]), read_pam(sys.argv[2])
if len(sys.argv) > 3:   # a window of a: x y w h
    x, y, w, h = map(int, sys.argv[3:7])
    a = a[y:y + h, x:x + w]
def colours(x):
    return x.shape[2] - 1 if x.shape[2] in (2, 4) else x.shape[2]
if a.shape[:2] != b.shape[:2] or colours(a) != colours(b):
    print('shape %s vs %s' % (a.shape, b.shape)); sys.exit(0)
colour = colours(a)
diff = np.abs(a[..., :colour] - b[..., :colour]).mean()
if colour < a.shape[2] and colour < b.shape[2]:
    alpha_same = bool((a[..., -1] == b[..., -1]).all())
    transparent = int((b[..., -1] == 0).sum())
else:
    alpha_same = colour == a.shape[2] and colour == b.shape[2]
    transparent = 0
print('mean_diff=%.3f alpha_same=%s transparent=%d' % (diff, alpha_same, transparent))
PY
}
value_of () {  # value_of STATS KEY
  sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"
}
greater () {  # greater A B (numbers)
  python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)' "${1:-nan}" "$2" 2>/dev/null
}
