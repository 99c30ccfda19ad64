#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every shell script of the project through shellcheck (warnings and errors):
# tools/, weights/, .ci/ and the shell tests.  One TAP line per script.
# usage: shellcheck_test.sh SOURCE-ROOT
set -uo pipefail
# shellcheck source=../common/tap.sh
. "$(dirname "$0")/../common/tap.sh"
top=$1
command -v shellcheck >/dev/null || tap_skip_all "shellcheck is not installed (tools/gimp3-env's root has it)"
cd "$top" || exit 1
scripts=()
for f in tools/* weights/* .ci/* tests/*/*.sh tests/common/tap.sh; do
  [ -f "$f" ] || continue
  if [[ $f == *.sh ]] || head -n 1 "$f" | grep -qE '^#!.*\b(ba)?sh\b'; then
    scripts+=("$f")
  fi
done
for f in "${scripts[@]}"; do
  if out=$(shellcheck -x -P SCRIPTDIR --severity=warning "$f" 2>&1); then
    tap_ok "shellcheck $f"
  else
    tap_not_ok "shellcheck $f"
    tap_note "$out"
  fi
done
tap_done
