#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The command-line front end: usage, refusals with a clear message, and (with
# the real weights of ../shared) a small run that writes a PNG.
#   cli_test.sh NEURAL_STYLE_EXECUTABLE
set -uo pipefail
cli=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=../common/tap.sh
. "$(dirname "$0")/../common/tap.sh"
check () {  # check DESCRIPTION COMMAND…  (passes when COMMAND succeeds)
  tap_check "$@"
}

"$cli" --help >"$work/help" 2>&1; status=$?
check "--help exits 0 and lists every option" \
  bash -c "[ $status -eq 0 ] && grep -q -- --optimizer '$work/help' && grep -q -- --keep-colors '$work/help' && grep -q -- --style-blend '$work/help' && grep -q -- --seed '$work/help'"

"$cli" --content a.png --out b.png >"$work/out" 2>&1; status=$?
check "no style: exit 2 with the usage" bash -c "[ $status -eq 2 ] && grep -q usage '$work/out'"

"$cli" --content a.png --style b.png --out c.png --iterations many >"$work/out" 2>&1; status=$?
check "a non-number: exit 2 naming the option" bash -c "[ $status -eq 2 ] && grep -q -- '--iterations wants a number' '$work/out'"

"$cli" --content a.png --style b.png --out c.png --optimizer sgd >"$work/out" 2>&1; status=$?
check "an unknown optimiser: exit 2" bash -c "[ $status -eq 2 ] && grep -q 'does not know \"sgd\"' '$work/out'"

"$cli" --weights "$work/none.safetensors" --content a.png --style b.png --out c.png --layers seed \
  --size 64 --min-scale 32 --single-scale --style-layer-weights 1,2,3,4,5 >"$work/out" 2>&1; status=$?
check "old spellings (--layers seed, --size, --min-scale, --single-scale, --style-layer-weights) still parse" \
  bash -c "[ $status -eq 1 ] && grep -q 'none.safetensors' '$work/out'"

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

weights=${NEURAL_STYLE_TEST_WEIGHTS:-}
samples=${NEURAL_STYLE_TEST_SAMPLES:-}
if [ -f "$weights" ] && [ -f "$samples/tubingen.jpg" ]; then
  "$cli" --weights "$weights" --content "$samples/tubingen.jpg" --style "$samples/the_scream.jpg" \
    --style "$samples/starry_night.jpg" --style-blend 0.3,0.7 --out "$work/out.png" --size 64 \
    --iterations 5 --keep-colors >"$work/out" 2>"$work/err"; status=$?
  check "a real run writes a PNG of the content's size (two styles, keep colours)" \
    bash -c "[ $status -eq 0 ] && [ \"\$(head -c 8 '$work/out.png' | od -An -tx1 | tr -d ' ')\" = 89504e470d0a1a0a ] && grep -q 'done: 1 scales, 5 iterations' '$work/out' && grep -q 'scale 1/1' '$work/err'"
  python3 -c "import struct,sys; d=open('$work/out.png','rb').read(24); w,h=struct.unpack('>II',d[16:24]); sys.exit(0 if (w,h)==(1024,768) else 1)"
  check "the PNG is 1024x768 like tubingen.jpg" [ $? -eq 0 ]
  "$cli" --weights "$weights" --content "$samples/tubingen.jpg" --style "$samples/starry_night.jpg" \
    --out "$work/none/out.png" --size 64 --iterations 1 >"$work/out" 2>&1; status=$?
  check "an unwritable output: exit 1 naming it" bash -c "[ $status -eq 1 ] && grep -q 'none/out.png' '$work/out'"
else
  echo "skip - real run (no weights or samples in ../shared)"
fi
tap_done
