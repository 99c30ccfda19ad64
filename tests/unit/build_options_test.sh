#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tools/build-dir gives a build folder the same options on every run: two
# set-ups in a row (as two runs of tools/test make) compile with the same
# flags, and a folder set up with other options is set up afresh.
# usage: build_options_test.sh SOURCE-ROOT SCRATCH-DIR
set -uo pipefail
top=$1 scratch=$2
dir="$scratch/build-options"
rm -rf "$dir"
# shellcheck source=../common/tap.sh
. "$(dirname "$0")/../common/tap.sh"
check () {
  if [ "$1" = ok ]; then tap_ok "$2"; else tap_not_ok "$2"; fi
}
# The optimisation flag meson would pass to a core source file.
core_flags () {
  python3 - "$dir/compile_commands.json" <<'PY'
import json, re, sys
for entry in json.load(open(sys.argv[1])):
    if entry["file"].endswith("objective.c"):
        print(" ".join(re.findall(r"(?<= )-O\S*", entry["command"])))
        break
PY
}
optimization () {
  meson introspect --buildoptions "$dir" |
    python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "optimization"][0])'
}

options=(-Dcore_only=true -Dcli=disabled -Doptimization=1 -Ddebug=true)
for run in 1 2; do
  if out=$("$top/tools/build-dir" "$dir" "${options[@]}" 2>&1); then
    tap_note "$out"
    check ok "run $run: tools/build-dir set up and checked the options"
  else
    check fail "run $run: tools/build-dir set up and checked the options"
  fi
  o=$(optimization) flags=$(core_flags)
  [ "$o" = 1 ] && check ok "run $run: meson holds optimization=1" ||
    check fail "run $run: meson holds optimization=1 (holds $o)"
  [ "$flags" = "-O1" ] && check ok "run $run: a core file compiles with -O1" ||
    check fail "run $run: a core file compiles with -O1 (compiles with '$flags')"
done
# Other options: the folder is made anew with them.
"$top/tools/build-dir" "$dir" -Dcore_only=true -Dcli=disabled -Doptimization=0 -Ddebug=true >/dev/null 2>&1
o=$(optimization) flags=$(core_flags)
[ "$o" = 0 ] && [ "$flags" = "-O0" ] && check ok "other options: set up afresh, -O0" ||
  check fail "other options: set up afresh, -O0 (optimization=$o, flags '$flags')"
# A stale option is refused, not silently built with.
if "$top/tools/build-dir" "$dir" -Dcore_only=true -Dno_such_option=1 >/dev/null 2>&1; then
  check fail "an unknown option is refused"
else
  check ok "an unknown option is refused"
fi
rm -rf "$dir"
tap_done
