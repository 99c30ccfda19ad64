# SPDX-License-Identifier: GPL-3.0-or-later
# The one way every shell test reports: a TAP stream (testanything.org),
# which meson's `protocol: 'tap'` reads check by check.  Source it, then:
#   tap_check DESCRIPTION COMMAND…   runs COMMAND: "ok N - …" or "not ok N - …"
#   tap_ok DESCRIPTION / tap_not_ok DESCRIPTION
#   tap_note TEXT…                   "# TEXT": anything else the test has to say
#   tap_todo DESCRIPTION REASON      a known failure, not ours to mend:
#                                    "not ok N - … # TODO REASON" (not counted)
#   tap_skip REASON                  one check that cannot run here: "ok N # SKIP REASON"
#   tap_skip_all REASON              nothing to test here: "1..0 # SKIP REASON", exit 0
#   tap_done                         the plan; exits 0 only when every check passed
# shellcheck shell=bash
tap_checks=0
tap_failures=0
tap_todos=0

tap_ok () {
  tap_checks=$((tap_checks + 1))
  echo "ok $tap_checks - $*"
}

tap_not_ok () {
  tap_checks=$((tap_checks + 1))
  tap_failures=$((tap_failures + 1))
  echo "not ok $tap_checks - $*"
}

tap_check () {
  local description=$1
  shift
  if "$@"; then
    tap_ok "$description"
  else
    tap_not_ok "$description"
  fi
}

tap_note () {
  printf '%s\n' "$*" | sed 's/^/# /'
}

tap_todo () {
  tap_checks=$((tap_checks + 1))
  tap_todos=$((tap_todos + 1))
  echo "not ok $tap_checks - $1 # TODO $2"
}

tap_skip () {
  tap_checks=$((tap_checks + 1))
  echo "ok $tap_checks # SKIP $*"
}

tap_skip_all () {
  echo "1..0 # SKIP $*"
  exit 0
}

tap_done () {
  echo "1..$tap_checks"
  local todo=""
  [ "$tap_todos" -eq 0 ] || todo=", $tap_todos known (TODO)"
  echo "# $((tap_checks - tap_failures - tap_todos)) passed, $tap_failures failed$todo"
  [ "$tap_failures" -eq 0 ] && [ "$tap_checks" -gt 0 ]
  exit
}
