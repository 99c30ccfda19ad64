#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The plug-in's windows on a real display: gimp_display_test.sh BUILD_ROOT SOURCE_ROOT
#
# Starts Xvfb with a laptop's screen (1366x768) and GIMP 3 (with its user
# interface) on it, opens an image and
# runs plug-in-neural-style interactively, then drives the windows with the
# keyboard (xdotool; GIMP ignores synthetic pointer events) and photographs
# them (xwd → PNG):
#   1. the dialog as it opens (dialog.png), its preview beside the
#      settings: the style layer preselected (a
#      layer other than the content), the "Paper (L-BFGS)" preset shown,
#      and a one-line note of the hostile preset files planted in the
#      profile (binary junk, 10 MB of text, an infinite value, an unknown
#      setting), which opens their list (dialog-preset-problems.png);
#      the good presets, among them one named like a path, still listed;
#      then its "Style 2" page (dialog-styles.png) with a second style
#      layer (the next other layer, suggested) and its region chooser
#      switched on (a saved selection, suggested); every run uses both
#      styles, the second in its region;
#   2. the preset combo moved to "Quick preview" (dialog-preset.png), and
#      saved as a user preset with "Save as…" (the file must appear in the
#      profile with its values and no layer);
#   3. the "Advanced" expander open (dialog-advanced.png): the dialog fits
#      a laptop's screen with the preview beside it (see the bounds
#      at the check); its last controls scroll into view when reached
#      with the keyboard (dialog-advanced-end.png);
#   4. OK: the progress window with its live preview (progress.png), then
#      "Stop (keep result)": the run stops early and the image gets the
#      result layer;
#   5. a second run cancelled from the progress window: no new layer;
#   6. a repeated run (last values, no dialog): a new layer.
# It fails on any GTK/GLib critical or warning of the plug-in, any GTK
# critical at all, or any mnemonic GIMP's dialog code finds missing or taken
# twice.  The PNGs and GIMP's log stay in BUILD_ROOT/artefacts/display/.
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3 GUI,
# Xvfb, xdotool, xwd or ImageMagick).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
gimp_test_init display "${1:?usage: gimp_display_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

need_display_tools

make_test_profile
log="$work/gimp.log"
: > "$log"

# Hostile preset files beside the good ones: three not loaded, one loaded
# without its unknown setting, one good preset named like a path.
presets_dir="$profile/neural-style/presets"
mkdir -p "$presets_dir"
head -c 4096 /dev/urandom > "$presets_dir/junk.preset"
python3 -c 'print("(name \"Huge\")"); print("#" * 10_000_000)' > "$presets_dir/huge.preset"
printf '(name "Infinite")\n(content-weight 1e999)\n' > "$presets_dir/infinite.preset"
printf '(name "Newer")\n(iterations 40)\n(colour-magic 3)\n' > "$presets_dir/newer.preset"
printf '(name "../../escaped")\n(iterations 41)\n' > "$presets_dir/path-name.preset"

start_display 1366x768

# --- GIMP, running the plug-in interactively twice -------------------------------
read -r -d '' script <<SCM
$scheme_prelude
(define img (gimp-image-new 120 90 RGB))
(define content (gimp-layer-new img "content" 120 90 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img content 0 0)
(fill img content 0 0 120 90 '(40 90 200))
(fill img content 0 50 120 40 '(60 160 60))
(fill img content 24 15 38 30 '(220 60 40))
(fill img content 75 10 30 30 '(250 220 50))
(define style (striped-style img 0))
; A second style layer (below the others: the first style stays "style")
; and a selection saved as a channel, for the second style's page.
(define style2 (gimp-layer-new img "style2" 48 48 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img style2 0 2)
(gimp-item-set-visible style2 #f)
(fill img style2 0 0 48 48 '(230 230 230))
(fill img style2 8 8 16 16 '(200 30 30))
(fill img style2 28 20 12 24 '(30 30 200))
(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 0 0 120 45)
(gimp-item-set-name (gimp-selection-save img) "sky")
(gimp-selection-none img)
(gimp-image-set-selected-layers img (vector content))
(gimp-display-new img)
(count-layers "before" img)
(try "stopped" (lambda ()
  (plug-in-neural-style #:run-mode RUN-INTERACTIVE #:image img #:drawables (vector content))))
(count-layers "after-stop" img)
(try "cancelled" (lambda ()
  (plug-in-neural-style #:run-mode RUN-INTERACTIVE #:image img #:drawables (vector content))))
(count-layers "after-cancel" img)
(try "repeated" (lambda ()
  (plug-in-neural-style #:run-mode RUN-WITH-LAST-VALS #:image img #:drawables (vector content))))
(count-layers "after-repeat" img)
(display "BATCH-END\n")
SCM

start_gimp --quit "$script"

# --- 1. The dialog ------------------------------------------------------------
dialog=$(wait_window '^Neural Style$' 120)
check "the dialog opened" test -n "$dialog"
if [ -z "$dialog" ]; then show_log "$log"; finish; fi
shot_settled "$dialog" dialog

# The one-line note of the hostile preset files opens their list: Alt+P
# focuses the preset combo, Tab "Save as…", Tab the note ("Delete" is off
# for a shipped preset), Space opens it, Escape closes it.
keys "$dialog" alt+p Tab Tab space
shot_settled "$dialog" dialog-preset-problems dialog
keys "$dialog" Escape

# --- 1b. A second style with a region chooser ---------------------------------
# Alt+2: the "Style 2" page; Alt+F: its source, Down: "A layer" (the
# suggested style2); Alt+A: "Limit to a region" (the suggested channel
# "sky").  Then the first page is shown again.
keys "$dialog" alt+2 alt+f Down alt+a
shot_settled "$dialog" dialog-styles dialog
keys "$dialog" alt+1

# --- 2. A preset, and "Save as…" ------------------------------------------------
# The preview off first: a preview of the preset's settings could finish
# before OK (in 8 s on a Zen 4), and OK's run, which goes on from the
# preview's work, would end at once with nothing left to Stop.  The switch
# is the last control of the preview's column: Shift+Tab from the preset
# list.  The dialog remembers it off for the second run.
keys "$dialog" alt+p shift+Tab space
check "the preview switch turned off stopped the preview" \
  wait_log 'neural-style-DEBUG: .*preview stopped$' 60
# Alt+P focuses the preset combo; Down twice: Paper → Adam, last ReLU of each
# block → Quick preview.
keys "$dialog" alt+p Down Down
shot_settled "$dialog" dialog-preset dialog-styles
# Tab to "Save as…", press it, name the preset.
keys "$dialog" Tab space
save=$(wait_window '^Save Preset$' 20)
check "\"Save as…\" opened the Save Preset dialog" test -n "$save"
if [ -n "$save" ]; then
  xdotool windowfocus --sync "$save" 2>/dev/null
  xdotool type --delay 60 "My test preset"
  shot_settled "$save" save-preset
  keys "$save" Return
  wait_window_gone '^Save Preset$' 20
fi

# --- 3. Advanced ------------------------------------------------------------------
size () {  # size WINDOW WIDTH|HEIGHT: its allocated width or height in pixels
  xdotool getwindowgeometry --shell "$1" 2>/dev/null | sed -n "s/^$2=//p"
}
closed_height=$(size "$dialog" HEIGHT)
keys "$dialog" alt+v
shot_settled "$dialog" dialog-advanced dialog-preset
open_width=$(size "$dialog" WIDTH)
open_height=$(size "$dialog" HEIGHT)
# Alt+I: "Initial image", below the part of Advanced shown: it scrolls
# into view.
keys "$dialog" alt+i
shot_settled "$dialog" dialog-advanced-end dialog-advanced

# --- 4. OK, the progress window, Stop -------------------------------------------
keys "$dialog" alt+o
progress=$(wait_window '^Neural Style Progress$' 60)
check "OK opened the progress window" test -n "$progress"
if [ -n "$progress" ]; then
  # Wait for a few iterations, so that the preview shows a result; then one
  # screenshot and Stop at once: the window changes at every iteration, so
  # it never settles, and the run has 30-odd iterations left in which to
  # take the Stop (a settling wait lasted the whole run on a Zen 4).
  wait_log 'neural-style-DEBUG: .* iteration [3-9]/40 ' 120
  shot "$progress" progress
  keys "$progress" alt+s
fi
wait_log '^LAYERS after-stop' 120

# --- 5. A second run, cancelled --------------------------------------------------
dialog2=$(wait_window '^Neural Style$' 60)
check "the dialog opened again" test -n "$dialog2"
if [ -n "$dialog2" ]; then
  shot_settled "$dialog2" dialog-again
  keys "$dialog2" alt+o
  progress2=$(wait_window '^Neural Style Progress$' 60)
  if [ -n "$progress2" ]; then
    # this run's own start (the first run's lines are in the log too)
    wait_log_after '^LAYERS after-stop' 'neural-style-DEBUG: .*(Preparing|iteration)' 60
    keys "$progress2" alt+c
  fi
fi

wait "$gimp_pid"
gimp_status=$?
gimp_pid=""
cp "$log" "$artefacts/gimp.log"

# --- Checks ---------------------------------------------------------------------
tap_note "GIMP exit status: $gimp_status"
check "GIMP ran the batch to its end" grep -q "^BATCH-END" "$log"

for name in dialog dialog-styles dialog-preset dialog-advanced progress; do
  check_screenshot "$name"
done
check "the Advanced expander opened (the dialog grew: $closed_height → $open_height px)" \
  test "${open_height:-0}" -gt "${closed_height:-0}" 2>/dev/null
# A scroll moves every row of Advanced; focus alone changes a few
# thousand pixels (two focus frames).
moved=$(compare -metric AE "$artefacts/dialog-advanced.png" "$artefacts/dialog-advanced-end.png" null: 2>&1 |
        awk '{ printf "%d", $1 }')
check "a control below the part of Advanced shown scrolled into view on its mnemonic (${moved:-?} pixels changed)" \
  test "${moved:-0}" -gt 20000 2>/dev/null
# The dialog with Advanced open, on a laptop's screen.  Height: a 768 px
# screen less a desktop's panel (GNOME's top bar 32 px, a task bar up to
# 40 px) and the window's title bar (about 30 px) leaves 700 px.  Width:
# the preview beside the settings, the whole dialog fits the narrower
# screen, 1280 px.  800 px of height (1280x800) is more than 768.
tap_note "the dialog with Advanced open: ${open_width:-?}x${open_height:-?} px"
check "with Advanced open the dialog is at most 700 px high (${open_height:-?})" \
  test "${open_height:-9999}" -le 700 2>/dev/null
check "with Advanced open the dialog and its preview fit a 1280 px wide screen (${open_width:-?} <= 1280)" \
  test "${open_width:-9999}" -le 1280 2>/dev/null
stats=$(image_stats "$artefacts/progress.png")
check "the progress window shows a coloured live preview (over 2000 strongly coloured pixels)" \
  test "$(stats_value "$stats" saturated)" -gt 2000 2>/dev/null
check "the dialog preselected the other layer as the style" \
  grep -q "neural-style-DEBUG: .*suggested style layer: style$" "$log"
check "the note of the preset files with problems opened their list (dialog-preset-problems.png differs from dialog.png)" \
  bash -c '[ -f "$1" ] && [ -f "$2" ] && ! cmp -s "$1" "$2"' _ "$artefacts/dialog.png" "$artefacts/dialog-preset-problems.png"
check "the Style 2 page was shown (dialog-styles.png differs from dialog.png)" \
  bash -c '[ -f "$1" ] && [ -f "$2" ] && ! cmp -s "$1" "$2"' _ "$artefacts/dialog.png" "$artefacts/dialog-styles.png"
check "the dialog suggested the next other layer for the second style" \
  grep -q "neural-style-DEBUG: .*suggested style layer 2: style2$" "$log"
check "the first run used two styles: 'style' and, chosen on the Style 2 page, 'style2' in the region 'sky'" \
  bash -c 'grep -q "neural-style-DEBUG: .*style 1: layer .style., blend 1, region none$" "$1" && grep -q "neural-style-DEBUG: .*style 2: layer .style2., blend 1, region sky$" "$1"' _ "$log"
check "every run (stopped, cancelled, repeated) used the second style in its region" \
  test "$(grep -c "neural-style-DEBUG: .*style 2: layer .style2., blend 1, region sky$" "$log")" -ge 3

preset_file="$presets_dir/My test preset.preset"
[ -f "$preset_file" ] || preset_file=""
tap_note "saved preset: ${preset_file:-none}"
[ -n "$preset_file" ] && cp "$preset_file" "$artefacts/"
check "\"Save as…\" wrote the user preset into the GIMP profile" test -n "$preset_file"
check "the saved preset is named 'My test preset' and holds Quick preview's values" \
  bash -c 'grep -qF "(name \"My test preset\")" "$1" && grep -qF "(iterations 40)" "$1" && grep -qF "(max-size 256)" "$1" && grep -qF "(multi-scale no)" "$1"' _ "${preset_file:-/nonexistent}"
check "the saved preset holds no layer and no file" \
  bash -c '! grep -qE "style-layer |style-file|weights-file" "$1"' _ "${preset_file:-/nonexistent}"

# The first listing: 5 shipped presets and the 2 good user ones, and one
# note for each of the 4 files with a problem.
first_listing=$(grep -m 1 -E "neural-style-DEBUG: .*presets: [0-9]+ listed" "$log")
tap_note "${first_listing:-no listing}"
check "the dialog listed the shipped and the good user presets (7) beside the hostile files" \
  grep -qE "presets: 7 listed, 4 preset files with problems" <<<"$first_listing"
for file in junk.preset:"not a text file" huge.preset:"too large" \
            infinite.preset:"content-weight must be a number from 0 to" \
            newer.preset:'"colour-magic"'; do
  check "the dialog named ${file%%:*}: ${file#*:}" \
    grep -qF -- "preset problem: $presets_dir/${file%%:*}: " <(grep -F -- "${file#*:}" "$log")
done

check "the run used the chosen preset (40 iterations, one scale)" \
  grep -qE "neural-style-DEBUG: .*Scale 1/1 · iteration [0-9]+/40 " "$log"
first_pid=$(sed -n 's/^(neural-style:\([0-9]*\)): neural-style-DEBUG: .* iteration [0-9]*\/40 .*/\1/p' "$log" | head -n 1)
last=$(grep -F "(neural-style:${first_pid:-none}):" "$log" | grep -oE "iteration [0-9]+/40 " | tail -n 1 | sed 's/iteration \([0-9]*\)\/40 /\1/')
check "Stop ended the run early (last iteration ${last:-?} of 40)" test "${last:-40}" -lt 40
check "the stopped run succeeded" grep -q "^BAD stopped succeeded" "$log"
check "the stopped run added its layer" \
  test "$(layers before)" = 3 -a "$(layers after-stop)" = 4
check "the cancelled run reported a cancel" grep -q "neural-style-DEBUG: .*finished after .*: cancelled" "$log"
check "the cancelled run added no layer" test "$(layers after-cancel)" = 4
check "a repeated run (last values, no dialog) succeeded with the suggested style layer" \
  bash -c 'grep -q "^BAD repeated succeeded" "$1" && [ "$(grep -c "suggested style layer: style$" "$1")" -ge 3 ]' _ "$log"
check "the repeated run added its layer" test "$(layers after-repeat)" = 5

# Criticals: any from the plug-in (and any warning), any GTK/GDK one from
# anywhere.  GIMP 3.0.4 itself prints one GLib-GObject critical at exit, even
# with an empty batch: that one is not ours.
problems=$(grep -E "\(neural-style:[0-9]+\): [A-Za-z-]+-(WARNING|CRITICAL)|Gtk-CRITICAL|Gdk-CRITICAL" "$log" |
           grep -v "gimp_flush(): error: Broken pipe")
[ -n "$problems" ] && tap_note "$problems"
check "no GTK critical, and no warning or critical from the plug-in" test -z "$problems"
check_no_mnemonic_warnings "$log"

tap_note "$(ls "$artefacts")"
finish "$log" 50
