#!/usr/bin/env bash
# tests/exported_symbols_test.sh LIBRARY.a…
#
# Every symbol a core library defines with external linkage starts with
# ns_, so that the engine shares no name with the programs and libraries it
# is linked with (jansson, liblbfgs, …).  Lists each library's defined global
# symbols with nm and fails naming any other.
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 LIBRARY.a..." >&2
  exit 2
fi
status=0
for library in "$@"; do
  # defined globals: T (code), D/B/R/G/S (data), W/V (weak), i (ifunc);
  # undefined (U) and local (lower case) symbols are not the library's own
  bad=$(nm --defined-only --extern-only "$library" |
        awk 'NF == 3 && $2 ~ /^[TDBRGSVWi]$/ { print $3 }' |
        grep -v '^ns_' | sort -u || true)
  count=$(nm --defined-only --extern-only "$library" | awk 'NF == 3 { n++ } END { print n + 0 }')
  if [ -n "$bad" ]; then
    echo "$(basename "$library"): symbols without the ns_ prefix:"
    printf '  %s\n' $bad
    status=1
  else
    echo "$(basename "$library"): $count global symbols, all ns_"
  fi
done
exit $status
