#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# run_fuzzer.sh FUZZER SECONDS SEED_MAKER DICTIONARY WORK_DIR
# Runs a libFuzzer target for SECONDS from the seeds SEED_MAKER writes (it
# takes a directory); seeds, new inputs and any crash go to WORK_DIR (never
# into the source tree).  Non-zero on any crash.
set -euo pipefail
# shellcheck source=../common/tap.sh
. "$(dirname "$0")/../common/tap.sh"
fuzzer=$1 seconds=$2 seed_maker=$3 dictionary=$4 work=$5
seeds=$work/seeds
mkdir -p "$work/corpus" "$work/artifacts" "$seeds"
python3 "$seed_maker" "$seeds"
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -dict="$dictionary" -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" \
  >"$work/fuzzer.log" 2>&1 || status=$?
tap_note "$(grep -E "stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Done [0-9]+ runs" "$work/fuzzer.log" || true)"
if [ "$status" -ne 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
  tap_not_ok "the fuzzer found a crash (status $status): $(ls "$work/artifacts")"
else
  tap_ok "no crash in ${seconds} s of fuzzing"
fi
tap_done
