#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every C and C++ file is laid out as .clang-format says (GNU style, as GIMP's).
# One TAP line per file; `clang-format -i FILE` mends one that fails.
#   format_test.sh SOURCE-ROOT
set -uo pipefail
# shellcheck source=../common/tap.sh
. "$(dirname "$0")/../common/tap.sh"
top=$1
formatter=$(command -v clang-format clang-format-19 | head -n 1)
[ -n "$formatter" ] || tap_skip_all "clang-format is not installed (tools/gimp3-env's root has it)"
cd "$top" || exit 1
tap_note "$("$formatter" --version)"
while IFS= read -r f; do
  if out=$("$formatter" --dry-run --Werror --style=file "$f" 2>&1); then
    tap_ok "format of $f"
  else
    tap_not_ok "format of $f (clang-format -i $f mends it)"
    tap_note "$(printf '%s\n' "$out" | head -n 20)"
  fi
done < <(find cli core include plugin ui tests bench \( -name '*.[ch]' -o -name '*.cpp' \) | sort)
tap_done
