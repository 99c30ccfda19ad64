#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/unit/exported_symbols_test.sh LIBRARY.a…
#
# Every symbol a core library defines with external linkage starts with
# ns_, so that the engine shares no name with the programs and libraries it
# is linked with (jansson, liblbfgs, …).  Lists each library's defined global
# symbols with nm and fails naming any other.
set -euo pipefail
# shellcheck source=../common/tap.sh
. "$(dirname "$0")/../common/tap.sh"
if [ $# -eq 0 ]; then
  echo "usage: $0 LIBRARY.a..." >&2
  exit 2
fi
for library in "$@"; do
  # defined globals: T (code), D/B/R/G/S (data), W/V (weak), i (ifunc);
  # undefined (U) and local (lower case) symbols are not the library's own;
  # AddressSanitizer adds an ODR indicator __odr_asan.NAME per global NAME;
  # a C++ file's weak copies of the standard library's and OpenCV's inline
  # code (_Z…) and the unwinder's references (DW.ref.…) are those
  # libraries' names, which the linker merges with theirs
  own=$(nm --defined-only --extern-only "$library" |
        awk 'NF == 3 && $2 ~ /^[TDBRGSVWi]$/ && !($2 ~ /^[VW]$/ && $3 ~ /^(_Z|DW\.ref\.)/) { print $3 }' |
        sed 's/^__odr_asan[._]//' | sort -u)
  bad=$(echo "$own" | grep -v '^ns_' || true)
  count=$(echo "$own" | grep -c . || true)
  if [ -n "$bad" ]; then
    tap_not_ok "$(basename "$library"): symbols without the ns_ prefix: $(echo "$bad" | tr '\n' ' ')"
  else
    tap_ok "$(basename "$library"): $count global symbols, all ns_"
  fi
done
tap_done
