#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tools/neural-style on files outside the checkout, run from the host as a
# user runs it (tools/test does, after the suites): where the host has no
# GIMP 3 the run goes through tools/gimp3-env's root, which sees only what it
# mounts.  In a temporary folder under /tmp, in sub-folders whose names have
# spaces: the weights (synthetic, written through the root), the content
# named relative to the folder the tool is run in, the style absolute, the
# output relative with "..", into a folder that only the host has; then an
# output into a folder that does not exist, which must fail with the CLI's
# own message naming it.  32 px, 3 iterations.
#   outside_files_test.sh SOURCE-ROOT
set -uo pipefail
# shellcheck source=../common/tap.sh
. "$(dirname "$0")/../common/tap.sh"
top=$(cd "$1" && pwd)

if [ -n "${NEURAL_STYLE_IN_ROOT:-}" ]; then
  tap_skip_all "inside tools/gimp3-env's root: the path into it is what this checks (run it from the host)"
fi
if pkg-config --exists libpng libjpeg openblas liblbfgs jansson 2>/dev/null && command -v meson >/dev/null &&
     { pkg-config --exists opencv4 || [ -e /usr/include/opencv4/opencv2/video/tracking.hpp ]; }; then
  tap_note "this host builds the CLI itself: tools/neural-style runs here, not in a root"
elif [ "$(id -u)" -ne 0 ]; then
  tap_skip_all "this host has not the CLI's build dependencies, and tools/gimp3-env's root needs root (mmdebstrap, chroot)"
fi

work=$(mktemp -d "/tmp/neural-style outside.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in put" "$work/style s" "$work/weights here" "$work/out only here"
tap_note "folder: $work"

# A 40x28 gradient with a disc (content) and 24x24 diagonal stripes (style).
python3 - "$work/in put/content.png" "$work/style s/style.png" <<'PY'
import struct, sys, zlib
def write_png(path, width, height, rgb):
    raw = bytearray()
    for y in range(height):
        raw.append(0)
        for x in range(width):
            raw.extend(rgb(x, y))
    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw)))
                  + chunk(b"IEND", b""))
write_png(sys.argv[1], 40, 28, lambda x, y: (x * 6, y * 9, 240 if (x - 20) ** 2 + (y - 14) ** 2 < 64 else 40))
write_png(sys.argv[2], 24, 24, lambda x, y: (250, 200, 30) if (x + y) // 4 % 2 else (20, 40, 160))
PY

weights="$work/weights here/vgg19.safetensors"
# written where the tools run (through the root where they do): its numpy
"$top/tools/gimp3-env" bash -c '. tests/gimp/gimp_common.sh; write_synthetic_weights "$1"' _ "$weights" \
  >"$work/weights.log" 2>&1
tap_check "synthetic weights written into a folder outside the checkout" test -s "$weights"
[ -s "$weights" ] || tap_note "$(tail -n 20 "$work/weights.log")"

# stylize OUT LOG: tools/neural-style run in "in put" (the first run builds it)
stylize () {
  (cd "$work/in put" && NEURAL_STYLE_WEIGHTS=$weights \
    timeout --kill-after=10 1800 "$top/tools/neural-style" --content content.png \
      --style "$work/style s/style.png" --out "$1" --size 32 --iterations 3 --quiet) >"$2" 2>&1
}

out="$work/out only here/result.png"
stylize "../out only here/result.png" "$work/run.log"
status=$?
tap_check "the run ends with exit 0 and its \"done:\" line (exit $status)" \
  bash -c '[ "$1" -eq 0 ] && grep -q "^done: " "$2"' _ "$status" "$work/run.log"
[ "$status" -eq 0 ] || tap_note "$(tail -n 30 "$work/run.log")"

# The output: a whole PNG of the content's size (the engine returns that
# whatever the working size, include/neural_style.h), every row there, not one
# flat colour (its rows, filtered, hold more than 16 distinct bytes).
sane=$(python3 - "$out" <<'PY' 2>&1
import struct, sys, zlib
try:
    data = open(sys.argv[1], "rb").read()
except OSError as error:
    sys.exit("no output: %s" % error)
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("not a PNG")
pos, idat, size = 8, b"", None
while pos < len(data):
    length, tag = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if tag == b"IHDR":
        size = struct.unpack(">IIBB", body[:10])
    elif tag == b"IDAT":
        idat += body
    pos += 12 + length
width, height, depth, kind = size
channels = {0: 1, 2: 3, 4: 2, 6: 4}[kind]
raw = zlib.decompress(idat)
expected = height * (1 + width * channels * depth // 8)
if len(raw) != expected:
    sys.exit("%dx%d: %d bytes of pixels, not %d" % (width, height, len(raw), expected))
values = {raw[k] for k in range(len(raw)) if k % (1 + width * channels * depth // 8)}
print("%dx%d %d-bit, %d distinct values" % (width, height, depth, len(values)))
sys.exit(0 if (width, height) == (40, 28) and len(values) > 16 else 1)
PY
)
ok=$?
tap_check "the output is a whole 40x28 PNG with varied pixels, in the folder only the host has ($sane)" [ "$ok" -eq 0 ]
tap_check "nothing was written into the checkout" test ! -e "$top/result.png"

missing="$work/no such folder/result.png"
stylize "$missing" "$work/missing.log"
status=$?
tap_check "an output into a missing folder: exit 1 with the CLI's message naming it (exit $status)" \
  bash -c '[ "$1" -eq 1 ] && grep -qF "neural-style: cannot write $2: the folder $(dirname "$2") does not exist" "$3"' \
  _ "$status" "$missing" "$work/missing.log"
tap_note "$(grep '^neural-style: ' "$work/missing.log")"
tap_check "and the missing folder was not made" test ! -e "$work/no such folder"
tap_done
