#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A soak run: gimp_soak_test.sh BUILD_ROOT SOURCE_ROOT
#
# One GIMP session (gimp-3.0 on Xvfb, driven by a Script-Fu batch) runs the
# plug-in 30 times on a 1024x512 layer: 27 calls without a dialog, the
# shipped presets in turn (each preset's settings as named arguments, at a
# working size of 48 pixels and 3 iterations so that the soak stays short),
# and three from the dialog: two stopped ("Stop (keep result)", runs 5 and
# 16) and one cancelled (run 17) in their progress window.  Stop and Cancel
# are the progress window's buttons: only a run with a dialog has one (a
# run without is cancelled by GIMP killing it, which gimp_script_results_test.sh
# tests), hence the display.  It checks:
#   - every run without a dialog added its layer, the stopped runs theirs,
#     the cancelled run none;
#   - GIMP's resident memory (VmRSS of the gimp process, /proc) grew from
#     after run 5 to after run 30 by no more than the pixel bytes of the
#     layers added in between plus MARGIN_MIB.  Run 5 is the first from the
#     dialog: its layer and image previews make GIMP build caches once
#     (about 120 MiB here for a 1024x512 image), which later dialogs reuse;
#   - no plug-in process is left once the runs are done.
# The memory is read while GIMP is idle: after each run from the fifth on
# the batch waits on a FIFO ("SYNC K") until this script has read it.
# Exit status: 0 all passed, 1 a check failed, 77 skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
gimp_test_init soak "${1:?usage: gimp_soak_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

need_display_tools
make_test_profile
log="$work/gimp.log"
: > "$log"
sync_fifo="$work/sync"
mkfifo "$sync_fifo"

# What GIMP may keep beyond the layers' pixels: the heap does not give
# back freed memory below its top (glibc), and each layer brings its object,
# its undo step and its tiles' bookkeeping, a few KiB.  A leak of what one
# run moves (the layer's 2 MiB read or written) over the 25 runs counted is
# 50 MiB: far above it.
MARGIN_MIB=8
SIZE='#:max-size 48 #:iterations 3'

# preset_args FILE: the preset's settings as named arguments, but its
# working size and iterations (SIZE); yes/no as #t/#f.
preset_args () {
  local key value
  while read -r key value; do
    case $key in name | max-size | iterations) continue ;; esac
    case $value in yes) value='#t' ;; no) value='#f' ;; esac
    printf ' #:%s %s' "$key" "$value"
  done < <(sed -n 's/^(\([a-z-]*\) \(.*\))$/\1 \2/p' "$1")
  printf ' %s' "$SIZE"
}

mapfile -t presets < <(ls "$source_root"/ui/presets/*.preset)
tap_note "presets: ${#presets[@]}"
# batch_calls FROM TO: Scheme for runs FROM..TO without a dialog, the
# presets in turn; from the fifth on, each followed by a (sync K).
batch_calls () {
  local k preset
  for k in $(seq "$1" "$2"); do
    preset=${presets[$(( (k - 1) % ${#presets[@]} ))]}
    printf '(note "%d-%s" (catch #f (plug-in-neural-style #:image img #:drawables (vector content) #:style-layer style%s)))\n' \
      "$k" "$(basename "$preset" .preset)" "$(preset_args "$preset")"
    [ "$k" -lt 5 ] || printf '(sync "%d")\n' "$k"
  done
}
first=$(batch_calls 1 4)
middle=$(batch_calls 6 15)
last=$(batch_calls 18 30)
batch_runs=$(printf '%s\n' "$first" "$middle" "$last" | grep -c '^(note')

read -r -d '' script <<SCM
$scheme_prelude
(define img (gimp-image-new 1024 512 RGB))
(define content (gimp-layer-new img "content" 1024 512 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img content 0 0)
(fill img content 0 0 1024 512 '(40 90 200))
(fill img content 0 300 1024 212 '(60 160 60))
(fill img content 200 100 300 150 '(220 60 40))
(fill img content 640 60 200 200 '(250 220 50))
(define style (striped-style img 1))
(gimp-selection-none img)
(gimp-image-set-selected-layers img (vector content))
; The pixel bytes of the layers added since the baseline (with their masks).
(define counting #f)
(define added 0)
(define (bytes drawable)
  (* (gimp-drawable-get-width drawable) (gimp-drawable-get-height drawable)
     (gimp-drawable-get-bpp drawable)))
(define (note tag layer)
  (if (and (integer? layer) (gimp-item-id-is-layer layer))
      (begin
        (if counting
            (set! added (+ added (bytes layer)
                           (if (> (gimp-layer-get-mask layer) 0)
                               (bytes (gimp-layer-get-mask layer)) 0))))
        (display (string-append "RUN " tag " added\n")))
      (begin (display (string-append "RUN " tag " none ")) (write last-error) (newline))))
; Waits until the test has read GIMP's memory (it writes to the FIFO).
(define (sync tag)
  (display (string-append "SYNC " tag " layers "
             (number->string (vector-length (gimp-image-get-layers img)))
             " added " (number->string added) "\n"))
  (let ((port (open-input-file "$sync_fifo")))
    (read-char port)
    (close-input-port port)))
$first
(note "5-stopped" (catch #f (plug-in-neural-style #:run-mode RUN-INTERACTIVE #:image img
                               #:drawables (vector content))))
(sync "5")
(set! counting #t)
$middle
(note "16-stopped" (catch #f (plug-in-neural-style #:run-mode RUN-INTERACTIVE #:image img
                                #:drawables (vector content))))
(sync "16")
(note "17-cancelled" (catch #f (plug-in-neural-style #:run-mode RUN-INTERACTIVE #:image img
                                  #:drawables (vector content))))
(sync "17")
$last
(gimp-image-delete img)
(display "BATCH-END\n")
SCM

start_display

# gimp_memory_kib: VmRSS of GIMP's process (kB).
gimp_memory_kib () {
  sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$gimp/status" 2>/dev/null
}
# plugin_processes: the ids of this profile's plug-in processes.
plugin_processes () {
  local dir
  for dir in /proc/[0-9]*; do
    if tr '\0' ' ' < "$dir/cmdline" 2>/dev/null | grep -qF "$profile/plug-ins/neural-style/neural-style"; then
      echo "${dir#/proc/}"
    fi
  done
}
# wait_log_from LINE PATTERN SECONDS: until a line of $log after LINE matches.
wait_log_from () {
  for _ in $(seq $(( $3 * 4 ))); do
    tail -n "+$(( $1 + 1 ))" "$log" | grep -qE "$2" && return 0
    sleep 0.25
  done
  return 1
}
# wait_sync TAG: until the batch waits at (sync TAG); fails once GIMP is gone.
wait_sync () {
  until grep -q "^SYNC $1 " "$log"; do
    kill -0 "$gimp_pid" 2>/dev/null || return 1
    sleep 0.25
  done
}
# release: the batch goes on past its (sync TAG).
release () {
  echo x > "$sync_fifo"
}

started=$(date +%s)
env GIMP3_DIRECTORY="$profile" LANG=C.UTF-8 LANGUAGE= OMP_NUM_THREADS=1 \
    G_MESSAGES_DEBUG=neural-style NO_AT_BRIDGE=1 \
  timeout --kill-after=10 400 \
  gimp-3.0 -d -f -s --batch-interpreter=plug-in-script-fu-eval -b "$script" --quit \
  >"$log" 2>&1 &
gimp_pid=$!
# GIMP itself: timeout's child.
gimp=""
for _ in $(seq 100); do
  gimp=$(cat /proc/"$gimp_pid"/task/*/children 2>/dev/null | tr ' ' '\n' | head -n 1)
  [ -n "$gimp" ] && break
  sleep 0.1
done
tap_note "GIMP's process: ${gimp:-not found} ($(cat "/proc/$gimp/comm" 2>/dev/null))"

# from_dialog stop|cancel: OK in the dialog, then Stop in the progress
# window once an iteration is reported, or Cancel once the run has begun.
from_dialog () {
  local dialog progress from
  dialog=$(wait_window '^Neural Style$' 120)
  check "the dialog opened for the run to $1" test -n "$dialog"
  [ -n "$dialog" ] || return 1
  sleep 1
  from=$(wc -l < "$log")
  keys "$dialog" alt+o
  progress=$(wait_window '^Neural Style Progress$' 60)
  check "OK opened the progress window (run to $1)" test -n "$progress"
  [ -n "$progress" ] || return 1
  if [ "$1" = stop ]; then
    wait_log_from "$from" 'neural-style-DEBUG: .* iteration [1-9][0-9]*/' 90
    keys "$progress" alt+s
  else
    wait_log_from "$from" 'neural-style-DEBUG: .*(Preparing|iteration)' 60
    keys "$progress" alt+c
  fi
}

# GIMP's memory after each run from the fifth on, read while the batch waits.
base_kib="" end_kib="" trace=""
for k in $(seq 5 30); do
  case $k in
    5 | 16) from_dialog stop ;;
    17) from_dialog cancel ;;
  esac
  wait_sync "$k" || break
  now=$(gimp_memory_kib)
  trace+=" $(( now / 1024 ))"
  [ "$k" != 5 ] || base_kib=$now
  if [ "$k" = 30 ]; then
    end_kib=$now
    left=$(plugin_processes | tr '\n' ' ')
  fi
  release
done
tap_note "GIMP's memory after runs 5 to 30 (MiB):$trace"
wait "$gimp_pid"
gimp_status=$?
gimp_pid=""
seconds=$(( $(date +%s) - started ))
cp "$log" "$artefacts/gimp.log"
left_after=$(plugin_processes | tr '\n' ' ')

tap_note "GIMP exit status $gimp_status after $seconds s"
check "GIMP ran the batch to its end" grep -q "^BATCH-END" "$log"
added_runs=$(grep -c '^RUN [0-9]*-[0-9a-z-]* added' "$log")
check "all $batch_runs runs without a dialog added their layer ($(grep -c '^RUN [0-9]*-[0-9]*-' "$log") reported)" \
  test "$(grep -c '^RUN [0-9]*-[0-9]*-[a-z-]* added' "$log")" = "$batch_runs"
check "the stopped runs added their layers" \
  test "$(grep -c '^RUN [0-9]*-stopped added' "$log")" = 2
check "the cancelled run added none" grep -q '^RUN 17-cancelled none' "$log"
check "the cancelled run reported a cancel" \
  grep -q "neural-style-DEBUG: .*finished after .*: cancelled" "$log"

base_layers=$(sed -n 's/^SYNC 5 layers \([0-9]*\) .*/\1/p' "$log")
end_layers=$(sed -n 's/^SYNC 30 layers \([0-9]*\) .*/\1/p' "$log")
added_bytes=$(sed -n 's/^SYNC 30 .* added \([0-9]*\)$/\1/p' "$log")
check "the image gained a layer for each run that added one (${base_layers:-?} after run 5, ${end_layers:-?} at the end; $added_runs added)" \
  test "${end_layers:-0}" -eq $(( ${base_layers:-0} + added_runs - 5 ))
if [ -n "$base_kib" ] && [ -n "$end_kib" ] && [ -n "$added_bytes" ]; then
  grown_kib=$(( end_kib - base_kib ))
  allowed_kib=$(( added_bytes / 1024 + MARGIN_MIB * 1024 ))
  check "GIMP's memory grew by $(( grown_kib / 1024 )) MiB over 25 runs ($(( base_kib / 1024 )) -> $(( end_kib / 1024 )) MiB): within the $(( added_bytes / 1048576 )) MiB of the $(( ${end_layers:-0} - ${base_layers:-0} )) layers added and $MARGIN_MIB MiB" \
    test "$grown_kib" -le "$allowed_kib"
else
  check "GIMP's memory was read at both points (base: ${base_kib:-none}, end: ${end_kib:-none})" false
fi
check "no plug-in process left after the 30 runs (left: ${left:-none})" test -z "${left:-}"
check "no plug-in process left after GIMP quit (left: ${left_after:-none})" test -z "$left_after"
check_no_plugin_warnings "$log"
finish "$log" 60
