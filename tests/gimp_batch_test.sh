#!/usr/bin/env bash
# A real-GIMP test of the plug-in: gimp_batch_test.sh BUILD_ROOT
#
# Installs the built plug-in into a throw-away GIMP profile, runs
# gimp-console-3.0 with a Script-Fu v3 batch that calls plug-in-neural-style
# on two small generated images (style from a layer, then from a file, then
# a few bad calls), and checks the results from the outside:
#   - a new layer above the content, with the content's size and offsets,
#     whose colours differ from the content's and whose alpha is the content's;
#   - the content and style layers unchanged, byte for byte;
#   - the style-file call works too;
#   - bad calls (no style, both styles, a missing style file, missing or
#     broken weights) fail with a clear message, add no layer, crash nothing.
# Weights: $NEURAL_STYLE_TEST_WEIGHTS (the real VGG19 file) when it exists,
# else random weights of VGG19's shapes written here (enough for mechanics).
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3).
set -u

build_root=${1:?usage: gimp_batch_test.sh BUILD_ROOT}
plugin_exe="$build_root/plugin/neural-style"

if ! command -v gimp-console-3.0 >/dev/null 2>&1; then
  echo "SKIP: gimp-console-3.0 is not installed (run the tests through tools/gimp3-env)"
  exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "SKIP: python3 is needed to compare pixels"
  exit 77
fi
if [ ! -x "$plugin_exe" ]; then
  echo "FAIL: the plug-in was not built: $plugin_exe"
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/neural-style-batch.XXXXXX")
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT

passed=0
failed=0
check () {
  # check DESCRIPTION COMMAND...: one line per check.
  local description=$1
  shift
  if "$@"; then
    echo "PASS: $description"
    passed=$((passed + 1))
  else
    echo "FAIL: $description"
    failed=$((failed + 1))
  fi
}
finish () {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

# --- A private GIMP profile with the plug-in in it -------------------------
profile="$work/profile"
plugin_dir="$profile/plug-ins/neural-style"
mkdir -p "$plugin_dir"
cp "$plugin_exe" "$plugin_dir/neural-style"
chmod 755 "$plugin_dir/neural-style"
# Its translations, laid out as `meson install` does (<plug-in dir>/locale).
mkdir -p "$plugin_dir/locale"
translations=0
for mo in "$build_root"/po/*/LC_MESSAGES/gimp-neural-style.mo; do
  [ -f "$mo" ] || continue
  lang=$(basename "$(dirname "$(dirname "$mo")")")
  mkdir -p "$plugin_dir/locale/$lang/LC_MESSAGES"
  cp "$mo" "$plugin_dir/locale/$lang/LC_MESSAGES/"
  translations=$((translations + 1))
done
# The plug-in must find its weights by itself, next to its binary.
unset NEURAL_STYLE_WEIGHTS GIMP3_PLUGINDIR

weights="$work/vgg19-conv.safetensors"
if [ -n "${NEURAL_STYLE_TEST_WEIGHTS:-}" ] && [ -f "$NEURAL_STYLE_TEST_WEIGHTS" ]; then
  weights=$(readlink -f "$NEURAL_STYLE_TEST_WEIGHTS")
  echo "weights: real, $weights"
else
  echo "weights: synthetic (random) VGG19 weights (\$NEURAL_STYLE_TEST_WEIGHTS not found)"
  python3 - "$weights" <<'PY' || { echo "FAIL: could not write synthetic weights"; exit 1; }
# Random VGG19 convolutions in torchvision's naming (features.N.weight/bias,
# F32, OIHW), He-scaled so that activations neither vanish nor explode.
import json, struct, sys
import numpy as np

channels = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256),
            (256, 256), (256, 256), (256, 512), (512, 512), (512, 512),
            (512, 512), (512, 512), (512, 512), (512, 512), (512, 512)]
indices = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
rng = np.random.default_rng(1234)
header, blobs, offset = {}, [], 0
for (cin, cout), index in zip(channels, indices):
    weight = rng.normal(0.0, np.sqrt(2.0 / (9 * cin)), (cout, cin, 3, 3)).astype('<f4')
    bias = rng.normal(0.0, 0.01, (cout,)).astype('<f4')
    for name, array in (('weight', weight), ('bias', bias)):
        data = array.tobytes()
        header['features.%d.%s' % (index, name)] = {
            'dtype': 'F32', 'shape': list(array.shape),
            'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
text = json.dumps(header).encode()
text += b' ' * (-len(text) % 8)
with open(sys.argv[1], 'wb') as out:
    out.write(struct.pack('<Q', len(text)))
    out.write(text)
    for data in blobs:
        out.write(data)
PY
fi
ln -s "$weights" "$plugin_dir/vgg19-conv.safetensors"

# A broken weights file, for an engine error.
head -c 1000 "$weights" > "$work/broken-weights.safetensors"

# --- The batch ---------------------------------------------------------------
out="$work/out"
mkdir -p "$out"

# Exports one layer alone (its own pixels, no offsets, no other layers) as
# PAM, which keeps alpha and embeds no time stamp.
read -r -d '' script <<SCM
(script-fu-use-v3)

(define (export-layer layer path)
  (let* ((w (gimp-drawable-get-width layer))
         (h (gimp-drawable-get-height layer))
         (tmp (gimp-image-new w h RGB))
         (copy (gimp-layer-new-from-drawable layer tmp)))
    (gimp-image-insert-layer tmp copy 0 0)
    (gimp-layer-set-offsets copy 0 0)
    (gimp-file-save RUN-NONINTERACTIVE tmp path)
    (gimp-image-delete tmp)))

(define (fill-rect img layer x y w h color)
  (gimp-image-select-rectangle img CHANNEL-OP-REPLACE x y w h)
  (gimp-context-set-foreground color)
  (gimp-drawable-edit-fill layer FILL-FOREGROUND))

(define (report tag layer img)
  (let ((offsets (gimp-drawable-get-offsets layer)))
    (display (string-append "RESULT " tag
               " w=" (number->string (gimp-drawable-get-width layer))
               " h=" (number->string (gimp-drawable-get-height layer))
               " x=" (number->string (car offsets))
               " y=" (number->string (cadr offsets))
               " pos=" (number->string (gimp-image-get-item-position img layer))))
    (newline)))

(define (count-layers tag img)
  (display (string-append "LAYERS " tag " "
             (number->string (vector-length (gimp-image-get-layers img)))))
  (newline))

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
(fill-rect img content 8 6 64 48 '(40 90 200))
(fill-rect img content 8 30 64 24 '(60 160 60))
(fill-rect img content 20 12 20 16 '(220 60 40))
(gimp-image-select-ellipse img CHANNEL-OP-REPLACE 44 14 22 22)
(gimp-context-set-foreground '(250 220 50))
(gimp-drawable-edit-fill content FILL-FOREGROUND)
(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 60 6 12 10)
(gimp-drawable-edit-clear content)
(gimp-selection-none img)

; The style: 40x40 diagonal-ish stripes, in a second image and as a file.
(define style-img (gimp-image-new 40 40 RGB))
(define style (gimp-layer-new style-img "style" 40 40 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer style-img style 0 0)
(fill-rect style-img style 0 0 40 40 '(20 20 20))
(let loop ((i 0))
  (if (< i 40)
      (begin
        (fill-rect style-img style i 0 3 40 '(240 200 30))
        (fill-rect style-img style 0 (+ i 2) 40 2 '(200 40 160))
        (loop (+ i 8)))))
(gimp-selection-none style-img)
(gimp-file-save RUN-NONINTERACTIVE style-img "$work/style.png")

(export-layer content "$out/content-before.pam")
(export-layer style "$out/style-before.pam")
(count-layers "before" img)

; 1. Style from a layer, weights found next to the plug-in.
(define result1 (plug-in-neural-style #:image img #:drawables (vector content)
                  #:style-layer style #:iterations 3 #:max-size 64))
(report "layer-style" result1 img)
(report "content" content img)
(count-layers "after-layer-style" img)
(export-layer result1 "$out/result-layer-style.pam")

; 2. Style from a file, weights given explicitly, a smaller working size.
(define result2 (plug-in-neural-style #:image img #:drawables (vector content)
                  #:style-file "$work/style.png" #:iterations 3 #:max-size 48
                  #:weights-file "$weights"))
(report "file-style" result2 img)
(report "content-2" content img)
(count-layers "after-file-style" img)
(export-layer result2 "$out/result-file-style.pam")

(export-layer content "$out/content-after.pam")
(export-layer style "$out/style-after.pam")

; 3. Bad calls: each must fail (caught here) without adding a layer.
(define (bad tag thunk)
  (display (string-append "BAD " tag " "
             (catch "failed" (begin (thunk) "succeeded"))))
  (newline))
(bad "no-style" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:iterations 1 #:max-size 32)))
(bad "both-styles" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style #:style-file "$work/style.png" #:iterations 1 #:max-size 32)))
(bad "missing-style-file" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-file "$work/no-such-style.png" #:iterations 1 #:max-size 32)))
(bad "missing-weights" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style #:iterations 1 #:max-size 32
    #:weights-file "$work/no-such-weights.safetensors")))
(bad "broken-weights" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector content)
    #:style-layer style #:iterations 1 #:max-size 32
    #:weights-file "$work/broken-weights.safetensors")))
(count-layers "after-bad-calls" img)

; 4. Other image kinds: grayscale works (a gray layer with alpha comes
;    back); indexed images and channels are refused.
(define gray-img (gimp-image-new 48 32 GRAY))
(define gray (gimp-layer-new gray-img "gray" 48 32 GRAY-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer gray-img gray 0 0)
(fill-rect gray-img gray 0 0 48 32 '(90 90 90))
(fill-rect gray-img gray 10 8 20 12 '(230 230 230))
(gimp-selection-none gray-img)
(define gray-result (plug-in-neural-style #:image gray-img #:drawables (vector gray)
                      #:style-layer style #:iterations 2 #:max-size 32))
(display (string-append "GRAY"
           " w=" (number->string (gimp-drawable-get-width gray-result))
           " h=" (number->string (gimp-drawable-get-height gray-result))
           " gray=" (if (gimp-drawable-is-gray gray-result) "yes" "no")
           " alpha=" (if (gimp-drawable-has-alpha gray-result) "yes" "no")))
(newline)
(define indexed-img (gimp-image-new 16 16 INDEXED))
(define indexed (gimp-layer-new indexed-img "indexed" 16 16 INDEXED-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer indexed-img indexed 0 0)
(bad "indexed-image" (lambda ()
  (plug-in-neural-style #:image indexed-img #:drawables (vector indexed)
    #:style-layer style #:iterations 1 #:max-size 32)))
(define channel (gimp-channel-new img "channel" 80 60 50 '(0 0 0)))
(gimp-image-insert-channel img channel 0 0)
(bad "channel" (lambda ()
  (plug-in-neural-style #:image img #:drawables (vector channel)
    #:style-layer style #:iterations 1 #:max-size 32)))
(display "BATCH-END") (newline)
SCM

log="$work/gimp.log"
echo "running gimp-console-3.0 (profile $profile)"
GIMP3_DIRECTORY="$profile" LANG=C.UTF-8 LANGUAGE= \
  timeout --kill-after=10 600 \
  gimp-console-3.0 -i -d -f --quit \
    --batch-interpreter=plug-in-script-fu-eval -b "$script" >"$log" 2>&1
gimp_status=$?

show_log () {
  echo "----- GIMP output (last 40 lines) -----"
  tail -n 40 "$log"
  echo "---------------------------------------"
}

check "gimp-console-3.0 ran the batch to its end (exit $gimp_status)" \
  bash -c '[ "$1" -eq 0 ] && grep -q "^BATCH-END" "$2"' _ "$gimp_status" "$log"
if [ "$gimp_status" -ne 0 ] || ! grep -q '^BATCH-END' "$log"; then
  show_log
fi

field () {
  # field TAG KEY: a value from a "RESULT TAG k=v ..." line.
  sed -n "s/^RESULT $1 .*\\b$2=\\(-\\?[0-9]*\\).*/\\1/p" "$log" | head -n 1
}
layers () {
  sed -n "s/^LAYERS $1 \\([0-9]*\\)$/\\1/p" "$log" | head -n 1
}

# PAM comparisons: mean absolute colour difference in 0..255 levels, and
# whether the alpha channels are identical.
pam_stats () {
  python3 - "$1" "$2" <<'PY'
import sys
def read_pam(path):
    data = open(path, 'rb').read()
    end = data.index(b'ENDHDR\n') + len(b'ENDHDR\n')
    fields = {}
    for line in data[:end].decode().splitlines()[1:]:
        if line and not line.startswith('#') and ' ' in line:
            key, value = line.split(None, 1)
            fields[key] = value
    w, h, d = int(fields['WIDTH']), int(fields['HEIGHT']), int(fields['DEPTH'])
    assert int(fields['MAXVAL']) == 255, 'expected 8-bit PAM'
    return w, h, d, data[end:end + w * h * d]
a, b = read_pam(sys.argv[1]), read_pam(sys.argv[2])
if a[:3] != b[:3]:
    print('shape %s vs %s' % (a[:3], b[:3]))
    sys.exit(0)
w, h, d, pa = a
pb = b[3]
colour = d - 1 if d in (2, 4) else d
diff = 0
alpha_same = True
for i in range(0, w * h * d, d):
    for c in range(colour):
        diff += abs(pa[i + c] - pb[i + c])
    if colour < d and pa[i + d - 1] != pb[i + d - 1]:
        alpha_same = False
print('mean_diff=%.3f alpha_same=%s' % (diff / (w * h * colour), alpha_same))
PY
}

mean_diff_above () {
  # mean_diff_above STATS THRESHOLD
  python3 -c 'import sys; s = sys.argv[1]; t = float(sys.argv[2])
sys.exit(0 if "mean_diff=" in s and float(s.split("mean_diff=")[1].split()[0]) > t else 1)' "$1" "$2"
}

content_w=$(field content w); content_h=$(field content h)
content_x=$(field content x); content_y=$(field content y)
content_pos=$(field content pos)
echo "content layer: ${content_w}x${content_h} at (${content_x},${content_y}), position $content_pos"

for tag in layer-style file-style; do
  w=$(field "$tag" w); h=$(field "$tag" h); x=$(field "$tag" x); y=$(field "$tag" y)
  pos=$(field "$tag" pos)
  if [ "$tag" = layer-style ]; then content_tag=content; else content_tag=content-2; fi
  cpos=$(field "$content_tag" pos)
  echo "$tag result: ${w}x${h} at (${x},${y}), position $pos (content now at $cpos)"
  check "$tag: the call returned a new layer" test -n "$w"
  check "$tag: the new layer has the content's size (64x48)" \
    test "$w" = 64 -a "$h" = 48 -a "$w" = "$content_w" -a "$h" = "$content_h"
  check "$tag: the new layer has the content's offsets (8,6)" \
    test "$x" = 8 -a "$y" = 6 -a "$x" = "$content_x" -a "$y" = "$content_y"
  check "$tag: the new layer is directly above the content" \
    test -n "$pos" -a -n "$cpos" -a "$((cpos - 1))" = "${pos:--9}"
  if [ -f "$out/result-$tag.pam" ]; then
    stats=$(pam_stats "$out/content-before.pam" "$out/result-$tag.pam")
  else
    stats="(no export)"
  fi
  echo "$tag result vs content: $stats"
  check "$tag: the new layer's colours differ from the content's" \
    mean_diff_above "$stats" 0.5
  check "$tag: the new layer keeps the content's alpha" \
    bash -c '[[ "$1" == *alpha_same=True* ]]' _ "$stats"
done

check "the image gained exactly one layer per successful call" \
  test "$(layers before)" = 2 -a "$(layers after-layer-style)" = 3 -a "$(layers after-file-style)" = 4
check "the content layer is byte-identical to before" \
  cmp -s "$out/content-before.pam" "$out/content-after.pam"
check "the style layer is byte-identical to before" \
  cmp -s "$out/style-before.pam" "$out/style-after.pam"

check_bad () {
  # check_bad TAG EXPECTED-MESSAGE
  check "bad call $1 fails" grep -q "^BAD $1 failed" "$log"
  check "bad call $1 reports: $2" grep -qF "$2" "$log"
}
check_bad no-style "No style given: choose a style layer or a style image file."
check_bad both-styles "Both a style layer and a style image file were given"
check_bad missing-style-file "no-such-style.png' does not exist."
check_bad missing-weights "no-such-weights.safetensors' does not exist."
check_bad broken-weights "broken-weights.safetensors"
check "the bad calls added no layer" test "$(layers after-bad-calls)" = 4
check "grayscale content gives a gray layer with alpha of its size" \
  grep -q "^GRAY w=48 h=32 gray=yes alpha=yes$" "$log"
check_bad indexed-image "convert the indexed image first"
check_bad channel "Neural Style works on a layer; select a layer, not a channel or a mask."
check "the plug-in never crashed" \
  bash -c '! grep -qiE "neural-style.*(crash|terminated|killed)|(crash|terminated|killed).*neural-style" "$1"' _ "$log"

if [ "$failed" -ne 0 ]; then
  show_log
fi

# --- The translations: the same bad call in German --------------------------
if [ "$translations" -gt 0 ]; then
  read -r -d '' script_de <<SCM
(script-fu-use-v3)
(define img (gimp-image-new 32 32 RGB))
(define layer (gimp-layer-new img "content" 32 32 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img layer 0 0)
(display (string-append "BAD de-no-style "
           (catch "failed" (begin (plug-in-neural-style #:image img
                                    #:drawables (vector layer)) "succeeded"))))
(newline)
SCM
  log_de="$work/gimp-de.log"
  GIMP3_DIRECTORY="$profile" LANG=de_DE.UTF-8 LANGUAGE=de \
    timeout --kill-after=10 300 \
    gimp-console-3.0 -i -d -f --quit \
      --batch-interpreter=plug-in-script-fu-eval -b "$script_de" >"$log_de" 2>&1
  check "German: the bad call fails" grep -q "^BAD de-no-style failed" "$log_de"
  check "German: its message is translated (Kein Stil angegeben)" \
    grep -qF "Kein Stil angegeben: Wählen Sie eine Stil-Ebene oder eine Stil-Bilddatei." "$log_de"
  if [ "$failed" -ne 0 ]; then
    tail -n 20 "$log_de"
  fi
else
  echo "SKIP: translations (no compiled catalogs under $build_root/po)"
fi
finish
