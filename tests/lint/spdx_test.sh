#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every source file says its licence in an SPDX line near its top (COPYING
# holds the GPL-3.0-or-later text).  One TAP line per file.
#   spdx_test.sh SOURCE-ROOT
set -uo pipefail
# shellcheck source=../common/tap.sh
. "$(dirname "$0")/../common/tap.sh"
cd "$1" || exit 1
[ -f COPYING ] && tap_ok "COPYING is there" || tap_not_ok "COPYING is there"
while IFS= read -r f; do
  if head -n 5 "$f" | grep -q 'SPDX-License-Identifier: GPL-3.0-or-later'; then
    tap_ok "SPDX line in $f"
  else
    tap_not_ok "SPDX line in $f"
  fi
done < <({ find bench cli core include plugin ui tests weights po -type f \
             \( -name '*.[ch]' -o -name '*.cpp' -o -name '*.sh' -o -name '*.py' -o -name meson.build \) ;
           find tools weights .ci -type f ! -name '*.*' ! -name README.md ;
           echo meson.build; echo meson_options.txt; } | sort -u)
tap_done
