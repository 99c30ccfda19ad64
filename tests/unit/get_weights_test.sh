#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# weights/get-weights without the network: a fake curl first on PATH serves
# a synthetic VGG19 file (zeros, F16) and a hub listing of its sha256.
# Download, check, convert, delete; --keep-download; the default DEST; a
# checksum mismatch (listed or pinned) discards the download and fails;
# no converter found fails before downloading.
#   get_weights_test.sh GET-WEIGHTS NEURAL_STYLE_EXECUTABLE
# Works in a folder it makes in the working directory (the build folder).
set -uo pipefail
script=$(readlink -f "$1")
cli=$(readlink -f "$2")
# shellcheck source=../common/tap.sh
. "$(dirname "$0")/../common/tap.sh"
work=$(mktemp -d "$PWD/get-weights-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
hub="$work/hub"
mkdir -p "$hub" "$work/bin"

# The synthetic download: VGG19's 32 convolution tensors, all zeros, F16.
python3 - "$hub/model.safetensors" <<'PY'
import json, struct, sys
channels = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256),
            (256, 256), (256, 512), (512, 512), (512, 512), (512, 512), (512, 512), (512, 512),
            (512, 512), (512, 512)]
index = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
header, offset = {}, 0
for (cin, cout), i in zip(channels, index):
    for part, shape in (("weight", [cout, cin, 3, 3]), ("bias", [cout])):
        size = 2
        for d in shape:
            size *= d
        header["features.%d.%s" % (i, part)] = {"dtype": "F16", "shape": shape,
                                                "data_offsets": [offset, offset + size]}
        offset += size
text = json.dumps(header).encode()
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + bytes(offset))
PY
sha=$(sha256sum "$hub/model.safetensors" | cut -d' ' -f1)
other=$(printf 'another file' | sha256sum | cut -d' ' -f1)
# The hub's listing as it looks: path last, an LFS file after ours.
listing () {  # listing SHA256
  printf '[{"type":"file","oid":"%s","size":1519,"path":".gitattributes"},' "$(printf a%.0s {1..40})"
  printf '{"type":"file","oid":"%s","size":1,"lfs":{"oid":"%s","size":1,"pointerSize":134},"path":"model.safetensors"},' \
    "$(printf b%.0s {1..40})" "$1"
  printf '{"type":"file","oid":"%s","size":1,"lfs":{"oid":"%s","size":1,"pointerSize":134},"path":"pytorch_model.bin"}]\n' \
    "$(printf c%.0s {1..40})" "$other"
}
listing "$sha" >"$hub/listing.json"

cat >"$work/bin/curl" <<'CURL'
#!/usr/bin/env bash
# curl -fL --retry 3 -o OUT URL, served from $FAKE_HUB; logs each URL
out="" url=""
while [ $# -gt 0 ]; do
  case $1 in
    -o|--retry) [ "$1" = -o ] && out=$2; shift ;;
    -*) ;;
    *) url=$1 ;;
  esac
  shift
done
echo "$url" >>"$FAKE_HUB/requests"
case $url in
  https://huggingface.co/api/models/timm/vgg19.tv_in1k/tree/main) cp "$FAKE_HUB/listing.json" "$out" ;;
  https://huggingface.co/timm/vgg19.tv_in1k/resolve/main/model.safetensors) cp "$FAKE_HUB/model.safetensors" "$out" ;;
  *) echo "curl: (22) fake hub has no $url" >&2; exit 22 ;;
esac
CURL
chmod +x "$work/bin/curl"
mkdir -p "$work/cli-bin"
ln -s "$cli" "$work/cli-bin/neural-style"

export FAKE_HUB="$hub"
run () {  # run NAME ARGS…: get-weights with the fake curl and neural-style on PATH
  local name=$1
  shift
  rm -f "$hub/requests"
  env -u NEURAL_STYLE_CLI PATH="$work/bin:$work/cli-bin:$PATH" "$@" >"$work/$name.out" 2>"$work/$name.err"
}
leftovers () {  # files other than DEST in DEST's folder
  find "$1" -mindepth 1 ! -name vgg19-conv.safetensors ! -name vgg19.tv_in1k.model.safetensors | head -n 5
}

# 1. Unpinned (this copy): warns loudly, checks the listed sha256, converts, deletes.
dest="$work/one/vgg19-conv.safetensors"
run one "$script" "$dest"; status=$?
tap_check "download, check, convert: exit 0, DEST the last line of stdout" \
  bash -c "[ $status -eq 0 ] && [ \"\$(tail -n 1 '$work/one.out')\" = '$dest' ] && [ -f '$dest' ]"
tap_check "this copy's checksum is not pinned: a loud warning says so" \
  grep -q 'NOT PINNED' "$work/one.err"
tap_check "DEST is a VGG19 file of 2 bytes a parameter (it converts again)" \
  bash -c "'$cli' convert-weights '$dest' '$work/again.safetensors' >/dev/null && [ \$(stat -c %s '$dest') -ge 40048768 ] && [ \$(stat -c %s '$dest') -lt 40060000 ]"
left=$(leftovers "$work/one")
tap_check "the download is deleted, no temporary folder left" [ -z "$left" ]
tap_note "$(tail -n 3 "$work/one.err")"

# 2. --keep-download keeps it next to DEST, and says where.
dest="$work/two/vgg19-conv.safetensors"
run two "$script" --keep-download "$dest"; status=$?
kept="$work/two/vgg19.tv_in1k.model.safetensors"
tap_check "--keep-download: exit 0, the download kept next to DEST and named" \
  bash -c "[ $status -eq 0 ] && cmp -s '$kept' '$hub/model.safetensors' && grep -q 'kept the download at $kept' '$work/two.err' && [ -f '$dest' ]"

# 3. The default DEST.
run three env XDG_DATA_HOME="$work/xdg" "$script"; status=$?
tap_check "no DEST: \$XDG_DATA_HOME/gimp-neural-style/vgg19-conv.safetensors" \
  bash -c "[ $status -eq 0 ] && [ \"\$(tail -n 1 '$work/three.out')\" = '$work/xdg/gimp-neural-style/vgg19-conv.safetensors' ] && [ -f '$work/xdg/gimp-neural-style/vgg19-conv.safetensors' ]"

# 4. A listed checksum that does not match: fails, nothing kept, DEST untouched.
listing "$other" >"$hub/listing.json"
dest="$work/four/vgg19-conv.safetensors"
mkdir -p "$work/four"
printf 'older weights' >"$dest"
run four "$script" --keep-download "$dest"; status=$?
left=$(leftovers "$work/four")
tap_check "checksum mismatch: exit 1, download discarded, DEST as it was" \
  bash -c "[ $status -ne 0 ] && grep -q 'checksum mismatch' '$work/four.err' && [ \"\$(cat '$dest')\" = 'older weights' ] && [ -z '$left' ] && [ ! -e '$work/four/vgg19.tv_in1k.model.safetensors' ]"
listing "$sha" >"$hub/listing.json"

# 5. Pinned: the listing is not asked for, no warning; a wrong pin fails.
sed "s/^pinned_sha256=\$/pinned_sha256=$sha/" "$script" >"$work/pinned"
sed "s/^pinned_sha256=\$/pinned_sha256=$other/" "$script" >"$work/pinned-wrong"
chmod +x "$work/pinned" "$work/pinned-wrong"
tap_check "the script has an empty pinned_sha256= line to fill" \
  bash -c "grep -q '^pinned_sha256=$sha\$' '$work/pinned'"
run five "$work/pinned" "$work/five/vgg19-conv.safetensors"; status=$?
tap_check "pinned: exit 0, checked against the pin, listing not fetched, no warning" \
  bash -c "[ $status -eq 0 ] && grep -q 'pinned in this script' '$work/five.err' && ! grep -q 'NOT PINNED' '$work/five.err' && ! grep -q api/models '$hub/requests'"
run six "$work/pinned-wrong" "$work/six/vgg19-conv.safetensors"; status=$?
tap_check "a wrong pin: exit 1, checksum mismatch, no DEST" \
  bash -c "[ $status -ne 0 ] && grep -q 'checksum mismatch' '$work/six.err' && [ ! -e '$work/six/vgg19-conv.safetensors' ]"

# 6. No converter: says so before downloading anything.
rm -f "$hub/requests"
env -u NEURAL_STYLE_CLI PATH="$work/bin:/usr/bin:/bin" "$script" "$work/seven/x.safetensors" \
  >"$work/seven.out" 2>"$work/seven.err"; status=$?
tap_check "no neural-style on PATH nor NEURAL_STYLE_CLI: exit 1 saying so, nothing downloaded" \
  bash -c "[ $status -eq 1 ] && grep -q 'cannot find the neural-style command' '$work/seven.err' && [ ! -e '$hub/requests' ]"
NEURAL_STYLE_CLI="$cli" PATH="$work/bin:/usr/bin:/bin" "$script" "$work/eight/vgg19-conv.safetensors" \
  >"$work/eight.out" 2>"$work/eight.err"; status=$?
tap_check "NEURAL_STYLE_CLI names the converter" \
  bash -c "[ $status -eq 0 ] && [ -f '$work/eight/vgg19-conv.safetensors' ]"
run nine "$script" --bogus; status=$?
tap_check "an unknown option: exit 2 with the usage" \
  bash -c "[ $status -eq 2 ] && grep -q 'usage: neural-style-get-weights' '$work/nine.err'"
tap_done
