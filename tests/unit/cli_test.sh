#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The command-line front end: usage, refusals with a clear message; with
# random weights the output's checks before the run, PNG and JPEG written
# whole, a full disk's picture kept in $TMPDIR, CMYK JPEGs read; and (with
# the real weights of ../shared) a small run that writes a PNG.
#   cli_test.sh NEURAL_STYLE_EXECUTABLE WRITE_SYNTHETIC_WEIGHTS
set -uo pipefail
cli=$(readlink -f "$1")  # the test works in its own folder
make_weights=$(readlink -f "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../common/tap.sh
. "$(dirname "$0")/../common/tap.sh"
check () {  # check DESCRIPTION COMMAND…  (passes when COMMAND succeeds)
  tap_check "$@"
}

# small PNGs made here: the refusals below come after the images are read;
# noise.png's pixel data fills several kilobytes, so cutting it loses data
python3 - "$work" <<'PY'
import random, struct, sys, zlib
def png(path, width, height, pixel):
    rows = b"".join(b"\0" + bytes(v for x in range(width) for v in pixel(x, y)) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
random.seed(5)
png(sys.argv[1] + "/a.png", 8, 8, lambda x, y: (x * 30, y * 30, 128))
png(sys.argv[1] + "/b.png", 8, 8, lambda x, y: (200, x * 20, y * 20))
png(sys.argv[1] + "/noise.png", 96, 96, lambda x, y: (random.randrange(256),) * 3)
png(sys.argv[1] + "/top.png", 8, 8, lambda x, y: (255 if y < 4 else 0,) * 3)
PY
cd "$work" || exit 1

"$cli" --help >"$work/help" 2>&1; status=$?
check "--help exits 0 and lists every option" \
  bash -c "[ $status -eq 0 ] && grep -q -- --optimizer '$work/help' && grep -q -- '--colors style|luminance|match-style|histogram' '$work/help' && grep -q -- 'the older --keep-colors is --colors luminance' '$work/help' && grep -q -- --style-blend '$work/help' && grep -q -- --seed '$work/help' && grep -q -- --style-region '$work/help' && grep -q -- --keep-region '$work/help' && grep -q -- --keep-strength '$work/help'"

"$cli" --content a.png --out b.png >"$work/out" 2>&1; status=$?
check "no style: exit 2 with the usage" bash -c "[ $status -eq 2 ] && grep -q usage '$work/out'"

"$cli" --content a.png --style-region top.png --style b.png --out c.png >"$work/out" 2>&1; status=$?
check "--style-region before any --style: exit 2 saying it follows its --style" bash -c "[ $status -eq 2 ] && grep -q -- '--style-region follows the --style it belongs to' '$work/out'"

# One limit for the styles and one range for the blends, the plug-in's:
# --help states them and a run beyond them is refused before any reading.
max_styles=$(sed -n 's/.*a style picture (up to \([0-9]*\): a blend).*/\1/p' "$work/help")
blend_max=$(sed -n 's/.*--style-blend .*each from 0 to \([0-9]*\) .*/\1/p' "$work/help")
tap_note "--help: up to ${max_styles:-?} styles, blends from 0 to ${blend_max:-?}"
check "--help gives 4 styles at most and blends from 0 to 100, the plug-in's limits" \
  bash -c "[ '$max_styles' = 4 ] && [ '$blend_max' = 100 ]"
styles=()
for _ in 1 2 3 4 5; do styles+=(--style b.png); done
"$cli" --weights "$work/none.safetensors" --content a.png "${styles[@]}" --out c.png >"$work/out" 2>&1; status=$?
check "five --style: exit 2 saying at most 4 styles" bash -c "[ $status -eq 2 ] && grep -q 'at most 4 styles (--style) in one run' '$work/out'"
"$cli" --weights "$work/none.safetensors" --content a.png "${styles[@]:0:8}" --out c.png >"$work/out" 2>&1; status=$?
check "four --style: past the limit check (exit 1 on the missing weights)" bash -c "[ $status -eq 1 ] && grep -q none.safetensors '$work/out'"
refused=0
for blend in 100.5 1e3 -1 nan inf; do
  "$cli" --weights "$work/none.safetensors" --content a.png --style b.png --style a.png \
    --style-blend "1,$blend" --out c.png >"$work/out" 2>&1; status=$?
  [ $status -eq 2 ] && grep -q -- "--style-blend wants weights from 0 to 100, not" "$work/out" &&
    refused=$((refused + 1))
done
check "a blend beyond 0 to 100 (100.5 1e3 -1 nan inf): exit 2 naming the range, 5 of 5" [ "$refused" -eq 5 ]
"$cli" --weights "$work/none.safetensors" --content a.png --style b.png --style a.png \
  --style-blend 0,100 --out c.png >"$work/out" 2>&1; status=$?
check "blends 0 and 100, the range's ends: accepted (exit 1 on the missing weights)" bash -c "[ $status -eq 1 ] && grep -q none.safetensors '$work/out'"

"$cli" --weights "$work/none.safetensors" --content a.png --style b.png --style-region no-such-region.png --out c.png >"$work/out" 2>&1; status=$?
check "a missing region file: exit 1 naming it" bash -c "[ $status -eq 1 ] && grep -q 'no-such-region.png' '$work/out'"

"$cli" --content a.png --style b.png --out c.png --iterations many >"$work/out" 2>&1; status=$?
check "a non-number: exit 2 naming the option and its range" bash -c "[ $status -eq 2 ] && grep -q -- '--iterations wants a whole number from 1 to 100000, not \"many\"' '$work/out'"

# Every numeric setting (read from --help, which the settings table writes)
# given what a typo or a hostile script gives: refused with exit 2 and a
# message naming the option or setting and its range; never a run.  -0 is
# 0: refused where 0 is out of range, else the run goes on to the missing
# weights (exit 1).
numeric=$(sed -n 's/^  \(--[a-z0-9-]*\)\(, --[a-z-]*\)* \(NUMBER\|N\)  (.*/\1 \3/p' "$work/help")
tap_note "numeric options: $(echo "$numeric" | cut -d' ' -f1 | tr '\n' ' ')"
refused=0 wrong=""
while read -r option kind; do
  name=${option#--}
  values=(nan NaN -nan inf -inf Infinity 1e39 -1e39 1e999 99999999999999999999 -99999999999999999999 "" " " junk "1,5" "1 2")
  [ "$kind" = N ] && values+=(1.5 2147483648 -2147483649)
  for value in "${values[@]}" -0; do
    "$cli" --weights "$work/none.safetensors" --content a.png --style b.png --out c.png \
      "$option" "$value" >"$work/out" 2>&1
    status=$?
    if [ "$value" = -0 ] && [ "$status" -eq 1 ] && grep -q none.safetensors "$work/out"; then
      continue
    fi
    if [ "$status" -eq 2 ] && grep -q -- "$name.* from [-0-9.e+]* to [-0-9.e+]*" "$work/out"; then
      refused=$((refused + 1))
    else
      wrong="$wrong $option='$value'(exit $status: $(head -c 120 "$work/out"))"
    fi
  done
done <<<"$numeric"
all_refused=0
[ -z "$wrong" ] && [ "$refused" -gt 100 ] && all_refused=1
check "every numeric option refuses NaN, infinities, overflow, huge and non-whole integers, empty and junk ($refused refusals)" \
  [ "$all_refused" -eq 1 ]
[ -z "$wrong" ] || tap_note "not refused as they should be:$wrong"

"$cli" --content a.png --style b.png --out c.png --optimizer sgd >"$work/out" 2>&1; status=$?
check "an unknown optimiser: exit 2" bash -c "[ $status -eq 2 ] && grep -q 'does not know \"sgd\"' '$work/out'"

"$cli" --weights "$work/none.safetensors" --content a.png --style b.png --out c.png --layers seed \
  --size 64 --min-scale 32 --single-scale --style-layer-weights 1,2,3,4,5 >"$work/out" 2>&1; status=$?
check "old spellings (--layers seed, --size, --min-scale, --single-scale, --style-layer-weights) still parse" \
  bash -c "[ $status -eq 1 ] && grep -q 'none.safetensors' '$work/out'"

for colors in style luminance match-style histogram; do
  "$cli" --weights "$work/none.safetensors" --content a.png --style b.png --out c.png \
    --colors "$colors" >"$work/out" 2>&1; status=$?
  check "--colors $colors parses (the run stops at the missing weights)" \
    bash -c "[ $status -eq 1 ] && grep -q 'none.safetensors' '$work/out'"
done
"$cli" --content a.png --style b.png --out c.png --colors sepia >"$work/out" 2>&1; status=$?
check "an unknown colour choice: exit 2" bash -c "[ $status -eq 2 ] && grep -q 'colors does not know \"sepia\"' '$work/out'"
"$cli" --weights "$work/none.safetensors" --content a.png --style b.png --out c.png --keep-colors \
  >"$work/out" 2>&1; status=$?
"$cli" --weights "$work/none.safetensors" --content a.png --style b.png --out c.png --no-keep-colors \
  >>"$work/out" 2>&1; status2=$?
check "the older --keep-colors and --no-keep-colors still parse" \
  bash -c "[ $status -eq 1 ] && [ $status2 -eq 1 ] && [ \$(grep -c 'none.safetensors' '$work/out') -eq 2 ]"

"$cli" --content a.png --style b.png --out c.png --layer-set seeds >"$work/out" 2>&1; status=$?
check "an unknown layer set: exit 2" bash -c "[ $status -eq 2 ] && grep -q 'does not know \"seeds\"' '$work/out'"

"$cli" --content a.png --style b.png --out c.png --tv-weight -1 >"$work/out" 2>&1; status=$?
check "a value out of the table's range: exit 2 naming the setting and range" \
  bash -c "[ $status -eq 2 ] && grep -q 'tv-weight must be a number from 0 to 1e+06' '$work/out'"

"$cli" --weights "$work/none.safetensors" --content a.png --style b.png --out c.png >"$work/out" 2>&1; status=$?
check "missing weights: exit 1 naming the file" bash -c "[ $status -eq 1 ] && grep -q 'none.safetensors' '$work/out'"

printf 'not weights' >"$work/bad.safetensors"
"$cli" --weights "$work/bad.safetensors" --content a.png --style b.png --out c.png >"$work/out" 2>&1; status=$?
check "corrupt weights: exit 1 with the loader's message" bash -c "[ $status -eq 1 ] && grep -q 'bad.safetensors' '$work/out'"

# No weights named: the file neural-style-get-weights stores, in
# ${XDG_DATA_HOME:-$HOME/.local/share}/gimp-neural-style, else a message
# naming that command and where the CLI looked.
env -u NEURAL_STYLE_WEIGHTS XDG_DATA_HOME="$work/data" "$cli" --content a.png --style b.png --out c.png >"$work/out" 2>&1; status=$?
check "no weights anywhere: exit 2 naming neural-style-get-weights and the place looked at" \
  bash -c "[ $status -eq 2 ] && grep -q 'Run neural-style-get-weights' '$work/out' && grep -q '$work/data/gimp-neural-style/vgg19-conv.safetensors' '$work/out'"
mkdir -p "$work/data/gimp-neural-style" "$work/home/.local/share/gimp-neural-style"
printf 'not weights' >"$work/data/gimp-neural-style/vgg19-conv.safetensors"
env -u NEURAL_STYLE_WEIGHTS XDG_DATA_HOME="$work/data" "$cli" --content a.png --style b.png --out c.png >"$work/out" 2>&1; status=$?
check "weights in \$XDG_DATA_HOME/gimp-neural-style are the default (a corrupt file there: exit 1 naming it)" \
  bash -c "[ $status -eq 1 ] && grep -q '$work/data/gimp-neural-style/vgg19-conv.safetensors: ' '$work/out'"
printf 'not weights' >"$work/home/.local/share/gimp-neural-style/vgg19-conv.safetensors"
env -u NEURAL_STYLE_WEIGHTS -u XDG_DATA_HOME HOME="$work/home" "$cli" --content a.png --style b.png --out c.png >"$work/out" 2>&1; status=$?
check "without XDG_DATA_HOME: \$HOME/.local/share/gimp-neural-style (exit 1 naming the file there)" \
  bash -c "[ $status -eq 1 ] && grep -q '$work/home/.local/share/gimp-neural-style/vgg19-conv.safetensors: ' '$work/out'"
NEURAL_STYLE_WEIGHTS="$work/none.safetensors" XDG_DATA_HOME="$work/data" "$cli" --content a.png --style b.png --out c.png >"$work/out" 2>&1; status=$?
check "NEURAL_STYLE_WEIGHTS comes before the default (exit 1 naming its file)" \
  bash -c "[ $status -eq 1 ] && grep -q 'none.safetensors' '$work/out'"

# convert-weights: bad arguments give the usage or a clear message and exit 2
"$cli" convert-weights >"$work/out" 2>&1; status=$?
check "convert-weights without files: exit 2 with its usage" \
  bash -c "[ $status -eq 2 ] && grep -q 'usage: neural-style convert-weights IN' '$work/out' && grep -q 'got 0 file names' '$work/out'"
"$cli" convert-weights a b c >"$work/out" 2>&1; status=$?
check "convert-weights with three files: exit 2 with its usage" \
  bash -c "[ $status -eq 2 ] && grep -q 'got 3 file names' '$work/out'"
"$cli" convert-weights in.safetensors out.safetensors --dtype f8 >"$work/out" 2>&1; status=$?
check "convert-weights --dtype f8: exit 2 naming the choices" \
  bash -c "[ $status -eq 2 ] && grep -q -- '--dtype is f16 or f32, not \"f8\"' '$work/out' && [ ! -e out.safetensors ]"
"$cli" convert-weights --bogus in out >"$work/out" 2>&1; status=$?
check "convert-weights --bogus: exit 2 with its usage" \
  bash -c "[ $status -eq 2 ] && grep -q 'usage: neural-style convert-weights' '$work/out'"
"$cli" convert-weights --help >"$work/out" 2>/dev/null; status=$?
check "convert-weights --help: exit 0, the usage on stdout" \
  bash -c "[ $status -eq 0 ] && grep -q -- '--dtype f16|f32' '$work/out'"
"$cli" convert-weights bad.safetensors out.safetensors >"$work/out" 2>&1; status=$?
check "convert-weights of a corrupt file: exit 1 naming it, no OUT" \
  bash -c "[ $status -eq 1 ] && grep -q 'bad.safetensors' '$work/out' && [ ! -e out.safetensors ] && [ -z \"\$(ls | grep tmp-)\" ]"

# files cut short or corrupt: refused naming the file, before any weights are read
size=$(stat -c %s noise.png)
head -c $((size / 2)) noise.png >cut.png
cp noise.png flipped.png
printf '\125\252\125' | dd of=flipped.png bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
for bad in cut.png flipped.png; do
  "$cli" --weights "$work/none.safetensors" --content "$bad" --style b.png --out c.png >"$work/out" 2>&1; status=$?
  check "a PNG $( [ $bad = cut.png ] && echo cut in half || echo with 3 bytes changed ): exit 1 naming it" \
    bash -c "[ $status -eq 1 ] && grep -q '$bad: not a readable PNG, cut short or corrupt' '$work/out'"
done
if command -v convert >/dev/null; then
  convert -size 256x256 -seed 4 plasma:fractal -quality 92 photo.jpg
  head -c 5000 photo.jpg >cut.jpg
  "$cli" --weights "$work/none.safetensors" --content a.png --style cut.jpg --out c.png >"$work/out" 2>&1; status=$?
  check "a JPEG cut after 5 kB of $(stat -c %s photo.jpg): exit 1 naming it" \
    bash -c "[ $status -eq 1 ] && grep -q 'cut.jpg: not a readable JPEG, cut short or corrupt (Premature end' '$work/out'"
  "$cli" --weights "$work/none.safetensors" --content photo.jpg --style b.png --out c.png >"$work/out" 2>&1; status=$?
  check "the whole JPEG is read (the run stops at the missing weights)" \
    bash -c "[ $status -eq 1 ] && grep -q 'none.safetensors' '$work/out'"
else
  tap_skip "JPEGs cut short (no ImageMagick convert to make one)"
fi
printf '\377\330\377\340' >stub.jpg
"$cli" --weights "$work/none.safetensors" --content stub.jpg --style b.png --out c.png >"$work/out" 2>&1; status=$?
check "a 4-byte JPEG: exit 1 naming it" bash -c "[ $status -eq 1 ] && grep -q 'stub.jpg: not a readable JPEG' '$work/out'"

# ---- the output, checked before the run and written whole (random weights) ----
"$cli" --weights "$work/none.safetensors" --content a.png --style b.png --out /no/such/dir/x.png >"$work/out" 2>&1; status=$?
check "--out in a missing folder: exit 1 before the weights are read, naming the folder" \
  bash -c "[ $status -eq 1 ] && grep -qx 'neural-style: cannot write /no/such/dir/x.png: the folder /no/such/dir does not exist' '$work/out'"
"$cli" --weights "$work/none.safetensors" --content a.png --style b.png --out "$work" >"$work/out" 2>&1; status=$?
check "--out a folder: exit 1 saying so" \
  bash -c "[ $status -eq 1 ] && grep -qx 'neural-style: cannot write $work: it is a folder' '$work/out'"
"$cli" --weights "$work/none.safetensors" --content a.png --style b.png --out a.png/x.png >"$work/out" 2>&1; status=$?
check "--out under a file: exit 1 saying it is not a folder" \
  bash -c "[ $status -eq 1 ] && grep -qx 'neural-style: cannot write a.png/x.png: a.png is not a folder' '$work/out'"
check "--help says that --out replaces a file, the --content one too" \
  grep -q 'the --content one too' "$work/help"

# Mounts (a read-only folder, a full disk) need a mount namespace of our own.
mkdir -p "$work/ro"
can_mount=0
if unshare -m sh -c "mount -t tmpfs -o ro tmpfs '$work/ro'" 2>/dev/null; then
  can_mount=1
fi
if [ $can_mount -eq 1 ]; then
  unshare -m sh -c "mount -t tmpfs -o ro tmpfs '$work/ro' && exec '$cli' --weights '$work/none.safetensors' --content a.png --style b.png --out '$work/ro/x.png'" >"$work/out" 2>&1; status=$?
  check "--out in a read-only folder: exit 1 naming it and why" \
    bash -c "[ $status -eq 1 ] && grep -qx 'neural-style: cannot write $work/ro/x.png: no file can be made in $work/ro (Read-only file system)' '$work/out'"
else
  tap_skip "a read-only folder (no mount namespace: needs root)"
fi

synthetic="$work/synthetic.safetensors"
"$make_weights" "$synthetic"
run=(--weights "$synthetic" --style b.png --size 64 --single-scale --iterations 2 --quiet)
is_png () {  # is_png FILE WIDTH HEIGHT
  python3 -c "import struct,sys,zlib; d=open(sys.argv[1],'rb').read(); w,h=struct.unpack('>II',d[16:24]); sys.exit(0 if d[:8]==b'\x89PNG\r\n\x1a\n' and (w,h)==(int(sys.argv[2]),int(sys.argv[3])) and d.endswith(b'IEND\xaeB\x60\x82') else 1)" "$@"
}
"$cli" "${run[@]}" --content noise.png --out run.png >"$work/out" 2>&1; status=$?
check "a run writes a whole PNG of the content's size, nothing left beside it" \
  bash -c "[ $status -eq 0 ] && grep -q 'done: 1 scales, 2 iterations' '$work/out' && [ -z \"\$(ls -a | grep tmp-)\" ]"
is_png run.png 96 96
check "run.png: a PNG, 96x96" [ $? -eq 0 ]
"$cli" "${run[@]}" --content noise.png --out run.jpeg >"$work/out" 2>&1; status=$?
check "--out run.jpeg writes a JPEG" \
  bash -c "[ $status -eq 0 ] && [ \"\$(head -c 3 run.jpeg | od -An -tx1 | tr -d ' ')\" = ffd8ff ]"
cp noise.png same.png
"$cli" "${run[@]}" --content same.png --out same.png >"$work/out" 2>&1; status=$?
is_png same.png 96 96; is=$?
check "--content X --out X replaces X with the result, a 96x96 PNG" \
  bash -c "[ $status -eq 0 ] && [ $is -eq 0 ] && ! cmp -s noise.png same.png"

mkdir -p "$work/tmp"
TMPDIR="$work/tmp" "$cli" "${run[@]}" --content noise.png --out /dev/full >"$work/out" 2>&1; status=$?
kept=$(ls "$work/tmp")
check "--out /dev/full: exit 1, the picture in \$TMPDIR, named" \
  bash -c "[ $status -eq 1 ] && grep -qx 'neural-style: cannot write the PNG to /dev/full (No space left on device); the picture is in $work/tmp/$kept instead' '$work/out'"
is_png "$work/tmp/$kept" 96 96
check "the picture kept is a whole PNG, 96x96" [ $? -eq 0 ]
rm -f "$work/tmp/"*
if [ $can_mount -eq 1 ]; then
  # A disk that fills during the run: 64 kB, an older out.png, the rest
  # filled before the run starts (the check before it makes an empty file,
  # which a full tmpfs still allows).
  mkdir -p "$work/full"
  unshare -m bash -c "mount -t tmpfs -o size=64k tmpfs '$work/full' && echo old >'$work/full/out.png' &&
    { dd if=/dev/zero of='$work/full/fill' bs=1k 2>/dev/null; true; } &&
    TMPDIR='$work/tmp' '$cli' ${run[*]} --content noise.png --out '$work/full/out.png' >'$work/out' 2>&1
    echo \$? >'$work/status'; cat '$work/full/out.png' >'$work/kept'; ls -a '$work/full' >'$work/listing'"
  kept=$(ls "$work/tmp")
  check "a full disk: exit 1, out.png as it was, nothing left beside it, the picture in \$TMPDIR, named" \
    bash -c "[ \"\$(cat '$work/status')\" = 1 ] && [ \"\$(cat '$work/kept')\" = old ] && ! grep -q tmp- '$work/listing' && grep -qx 'neural-style: cannot write the PNG to $work/full/out.png (No space left on device); the picture is in $work/tmp/$kept instead' '$work/out'"
  is_png "$work/tmp/$kept" 96 96
  check "the picture kept from the full disk is a whole PNG, 96x96" [ $? -eq 0 ]
else
  tap_skip "a full disk (mounting a small tmpfs needs root)"
fi

# CMYK JPEGs, as print shops write them (ImageMagick writes Adobe's
# inverted CMYK); test_image_io.c checks the colours of each kind
if command -v convert >/dev/null; then
  convert -size 48x32 gradient:red-blue -colorspace CMYK -quality 90 cmyk.jpg
  "$cli" "${run[@]}" --content cmyk.jpg --style cmyk.jpg --out cmyk.png >"$work/out" 2>&1; status=$?
  is_png cmyk.png 48 32; is=$?
  check "a CMYK JPEG ($(identify -format %r cmyk.jpg)) as content and style: a run writes a 48x32 PNG" \
    bash -c "[ $status -eq 0 ] && [ $is -eq 0 ] && grep -q CMYK <(identify -format %r cmyk.jpg)"
else
  tap_skip "a CMYK JPEG (no ImageMagick convert to make one)"
fi

weights=${NEURAL_STYLE_TEST_WEIGHTS:-}
samples=${NEURAL_STYLE_TEST_SAMPLES:-}
if [ -f "$weights" ] && [ -f "$samples/tubingen.jpg" ]; then
  "$cli" --weights "$weights" --content "$samples/tubingen.jpg" --style "$samples/the_scream.jpg" \
    --style "$samples/starry_night.jpg" --style-blend 0.3,0.7 --out "$work/out.png" --size 64 \
    --iterations 5 --colors match-style >"$work/out" 2>"$work/err"; status=$?
  check "a real run writes a PNG of the content's size (two styles, their colours matched to the content)" \
    bash -c "[ $status -eq 0 ] && [ \"\$(head -c 8 '$work/out.png' | od -An -tx1 | tr -d ' ')\" = 89504e470d0a1a0a ] && grep -q 'done: 1 scales, 5 iterations' '$work/out' && grep -q 'scale 1/1' '$work/err'"
  python3 -c "import struct,sys; d=open('$work/out.png','rb').read(24); w,h=struct.unpack('>II',d[16:24]); sys.exit(0 if (w,h)==(1024,768) else 1)"
  check "the PNG is 1024x768 like tubingen.jpg" [ $? -eq 0 ]
  "$cli" --weights "$weights" --content "$samples/tubingen.jpg" --style "$samples/starry_night.jpg" \
    --style-region top.png --style "$samples/the_scream.jpg" --keep-region top.png --keep-strength 5 \
    --out "$work/regions.png" --size 64 --iterations 3 >"$work/out" 2>"$work/err"; status=$?
  check "a real run with a style region and a region to keep writes a PNG" \
    bash -c "[ $status -eq 0 ] && [ -s '$work/regions.png' ] && grep -q 'done: 1 scales, 3 iterations' '$work/out'"
  "$cli" --weights "$weights" --content "$samples/tubingen.jpg" --style "$samples/starry_night.jpg" \
    --out "$work/none/out.png" --size 64 --iterations 1 >"$work/out" 2>&1; status=$?
  check "an unwritable output: exit 1 naming it" bash -c "[ $status -eq 1 ] && grep -q 'none/out.png' '$work/out'"
else
  tap_skip "a real run (no weights or samples in ../shared)"
fi
tap_done
