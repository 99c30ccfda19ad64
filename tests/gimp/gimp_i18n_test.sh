#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Translations: gimp_i18n_test.sh BUILD_ROOT SOURCE_ROOT
#
#   - every user-visible string of the sources in po/POTFILES is translated
#     in every language of po/LINGUAS (zh_CN, de): none untranslated, none
#     fuzzy, format strings consistent (msgfmt -c);
#   - `meson install` puts the catalogs and the shipped presets under the
#     plug-in's own directory, where its set_i18n and preset list look;
#   - GIMP run with LANG=zh_CN.UTF-8 (and with LANG=de_DE.UTF-8) shows the
#     plug-in's error message, progress text and new layer's name in that
#     language;
#   - in each language the dialog, opened in GIMP with its windows on Xvfb,
#     gives every control its own mnemonic: the translated labels, with
#     GIMP's own buttons translated beside them, can clash where the
#     English ones do not (skipped without Xvfb, xdotool and the like).
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no GIMP 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gimp_common.sh"
gimp_test_init i18n "${1:?usage: gimp_i18n_test.sh BUILD_ROOT SOURCE_ROOT}" "${2:?}"

# --- The catalogs are complete ------------------------------------------------
if command -v xgettext >/dev/null && command -v msgmerge >/dev/null; then
  pot="$work/gimp-neural-style.pot"
  # The keywords of meson's i18n 'glib' preset.
  (cd "$source_root" &&
    xgettext --from-code=UTF-8 --add-comments=TRANSLATORS \
      --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
      --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
      -f po/POTFILES -o "$pot")
  strings=$(grep -c '^msgid ' "$pot")
  strings=$((strings - 1))   # the header
  tap_note "the sources have $strings translatable strings"
  check "the sources have translatable strings (more than 100)" test "$strings" -gt 100
  for lang in $(cat "$source_root/po/LINGUAS"); do
    merged="$work/$lang.po"
    msgmerge --quiet --no-fuzzy-matching "$source_root/po/$lang.po" "$pot" -o "$merged"
    stats=$(LC_ALL=C msgfmt -c --statistics -o /dev/null "$merged" 2>&1)
    tap_note "$lang: $stats"
    check "$lang: all $strings strings translated, none fuzzy" \
      test "$stats" = "$strings translated messages."
  done
  check "the languages are zh_CN and de" \
    bash -c 'grep -qw zh_CN "$1" && grep -qw de "$1"' _ "$source_root/po/LINGUAS"
else
  tap_skip "xgettext/msgmerge not installed: catalog completeness not checked"
fi

# --- Installed under the plug-in's directory -----------------------------------
layout=$(cd "$build_root" && meson introspect --installed 2>/dev/null | python3 -c '
import json, os, sys
try:
    paths = list(json.load(sys.stdin).values())
except ValueError:
    paths = []
plugin = [p for p in paths if p.endswith("/neural-style/neural-style")]
if not plugin:
    print("no-plugin"); raise SystemExit
d = os.path.dirname(plugin[0])
want = [d + "/locale/zh_CN/LC_MESSAGES/gimp-neural-style.mo",
        d + "/locale/de/LC_MESSAGES/gimp-neural-style.mo"]
presets = [p for p in paths if os.path.dirname(p) == d + "/presets" and p.endswith(".preset")]
print("plugin=%s catalogs=%d presets=%d" % (d, sum(w in paths for w in want), len(presets)))
')
tap_note "install layout: $layout"
check "meson installs both catalogs as <plug-in dir>/locale/<lang>/LC_MESSAGES/gimp-neural-style.mo" \
  grep -q "catalogs=2" <<<"$layout"
check "meson installs the five shipped presets in <plug-in dir>/presets" \
  grep -q "presets=5" <<<"$layout"

# --- GIMP in Chinese and in German -------------------------------------------
make_test_profile

read -r -d '' script <<SCM
$scheme_prelude
(define img (gimp-image-new 32 32 RGB))
(define layer (gimp-layer-new img "content" 32 32 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img layer 0 0)
(gimp-context-set-foreground '(200 60 40))
(gimp-drawable-edit-fill layer FILL-FOREGROUND)
(try "no-style" (lambda () (plug-in-neural-style #:image img #:drawables (vector layer))))
(define result (plug-in-neural-style #:image img #:drawables (vector layer) #:style-layer layer
                 #:optimizer "adam" #:iterations 1 #:max-size 32))
(display (string-append "NAME " (gimp-item-get-name result) "\n"))
(gimp-image-delete img)
(display "BATCH-END\n")
SCM

for lang in zh_CN de_DE; do
  log="$work/gimp-$lang.log"
  run_console "$profile" "$log" "$script" LANG="$lang.UTF-8" LANGUAGE= G_MESSAGES_DEBUG=neural-style
  cp "$log" "$artefacts/gimp-$lang.log"
  case $lang in
    zh_CN)
      message="未指定风格：请选择一个风格图层或一个风格图像文件。"
      progress="尺度 1/1 · 迭代 1/1 · 损失"
      name="content（神经风格）" ;;
    de_DE)
      message="Kein Stil angegeben: Wählen Sie eine Stil-Ebene oder eine Stil-Bilddatei."
      progress="Stufe 1/1 · Iteration 1/1 · Verlust"
      name="content (neuronaler Stil)" ;;
  esac
  tap_note "$lang: $(grep -m1 '^ERROR no-style' "$log")"
  tap_note "$lang: $(grep -m1 -o 'progress [0-9.]* s: .* 1/1 · .*' "$log")"
  tap_note "$lang: $(grep -m1 '^NAME' "$log")"
  check "LANG=$lang.UTF-8: GIMP ran the batch to its end" grep -q "^BATCH-END" "$log"
  check "LANG=$lang.UTF-8: the error message is translated ($message)" \
    grep -qF -- "$message" "$log"
  check "LANG=$lang.UTF-8: the progress text is translated ($progress …)" \
    grep -qF -- "$progress" "$log"
  check "LANG=$lang.UTF-8: the new layer's name is translated ($name)" \
    grep -qxF -- "NAME $name" "$log"
  check "LANG=$lang.UTF-8: the plug-in found its catalog" \
    bash -c '! grep -q "Localization disabled\|catalog directory does not exist" "$1"' _ "$log"
done

# --- The dialog's mnemonics in each language ----------------------------------
read -r -d '' script <<SCM
$scheme_prelude
(define img (gimp-image-new 32 32 RGB))
(define layer (gimp-layer-new img "content" 32 32 RGB-IMAGE 100 LAYER-MODE-NORMAL))
(gimp-image-insert-layer img layer 0 0)
(striped-style img 0)
(try "dialog" (lambda ()
  (plug-in-neural-style #:run-mode RUN-INTERACTIVE #:image img #:drawables (vector layer))))
(display "BATCH-END\n")
SCM

if tool=$(missing_display_tool); then
  tap_skip "$tool is not installed: the translated dialogs' mnemonics not checked"
else
  start_display
  for lang in de_DE zh_CN; do
    case $lang in
      de_DE) title="Neuronaler Stil" ;;
      zh_CN) title="神经风格" ;;
    esac
    log="$work/dialog-$lang.log"
    start_gimp "$script" LANG="$lang.UTF-8"
    # GimpProcedureDialog checks the mnemonics as it shows the dialog;
    # Escape cancels it and the batch goes on to its end.
    dialog=$(wait_window "^$title\$" 120)
    check "LANG=$lang.UTF-8: the dialog opened, titled $title" test -n "$dialog"
    if [ -n "$dialog" ]; then
      shot_settled "$dialog" "dialog-$lang"
      keys "$dialog" Escape
    fi
    wait_log '^BATCH-END' 30
    kill "$gimp_pid" 2>/dev/null
    wait "$gimp_pid"
    gimp_pid=""
    cp "$log" "$artefacts/dialog-$lang.log"
    check_no_mnemonic_warnings "$log" "LANG=$lang.UTF-8"
  done
fi

finish
