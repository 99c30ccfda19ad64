#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The end-to-end half of tools/bench (--e2e): whole runs of the
command-line tool against G'MIC's patch-based `stylize`, what a GIMP user
picks today, on the same pair.

Runs, alternating, REPEATS times each: our CLI with its defaults, the same
with --precision exact, our CLI with the settings of the "Quick preview"
preset (read from its preset file), and `gmic` with stylize's defaults on
the content and style scaled to the same working size, what GIMP users have
today.  Each run is its own process: wall time and peak RSS are its own.
Prints every run, the medians, the final losses of our runs, and as its
last lines e2e_default_s, e2e_default_exact_s and e2e_quick_s (medians of
seconds) with the final loss of each (median).  Writes the three results
side by side (same height) to OUT_DIR/side-by-side.png, and the loss
against the wall time of each default run (from its progress lines) to
OUT_DIR/trace-N.tsv, with a summary per scale.

  bench_e2e.py --cli NEURAL_STYLE --weights FILE --content IMAGE --style IMAGE
               --quick-preset FILE --out-dir DIR [--size 512] [--repeats 3]
"""
import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

PROGRESS = re.compile(r"scale (\d+)/\d+ \((\d+)x(\d+)[^)]*\) \[[# ]*\] (\d+)/(\d+)\s+"
                      r"loss (\S+) \(content \S+, style \S+\)\s+(\S+) s")
DONE = re.compile(r"^done: .* loss (\S+) -> (\S+), content (\S+) -> (\S+), style (\S+) -> (\S+)$", re.M)


def timed(command, log_path):
    """Runs COMMAND, its output into LOG_PATH; returns (seconds, peak RSS MB, output)."""
    with open(log_path, "w") as log:
        start = time.monotonic()
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    with open(log_path) as log:
        output = log.read()
    if code != 0:
        sys.stderr.write(output[-2000:])
        raise SystemExit(f"bench: {shlex.join(command)} failed ({code})")
    return seconds, usage.ru_maxrss / 1024.0, output


def trace(output, path):
    """The loss against the wall time of a run from its progress lines,
    written to PATH (TSV); returns a summary line per scale."""
    rows = {}
    for line in re.split(r"[\r\n]", output):
        match = PROGRESS.search(line)
        if match:
            scale, width, height, iteration, iterations = (int(v) for v in match.groups()[:5])
            rows[(scale, iteration)] = (scale, width, height, iteration, iterations,
                                        float(match.group(6)), float(match.group(7)))
    rows = [rows[key] for key in sorted(rows)]
    with open(path, "w") as f:
        f.write("scale\twidth\theight\titeration\titerations\tloss\tseconds\n")
        for row in rows:
            f.write("\t".join(str(v) for v in row) + "\n")
    summary, start = [], 0.0
    for scale in sorted({row[0] for row in rows}):
        its = [row for row in rows if row[0] == scale]
        half = its[len(its) // 2]
        summary.append(f"scale {scale} ({its[0][1]}x{its[0][2]}): {its[-1][6] - start:6.2f} s, "
                       f"{its[-1][3]} iterations, loss {its[0][5]:.4g} -> {half[5]:.4g} (half) "
                       f"-> {its[-1][5]:.4g}")
        start = its[-1][6]
    return summary


def preset_options(path):
    """The CLI options of a preset file's settings (GimpConfig text: one
    `(name value)` per line); the preset's own name is not a setting."""
    options = []
    with open(path) as f:
        for line in f:
            match = re.match(r'^\((\S+)\s+(.*)\)\s*$', line.strip())
            if not match or match.group(1) == "name":
                continue
            key, value = match.group(1), match.group(2).strip('"')
            if value in ("yes", "no"):
                options.append(f"--{key}" if value == "yes" else f"--no-{key}")
            else:
                options += [f"--{key}", value]
    return options


def scaled_for_gmic(image, size, out):
    """IMAGE with its longest side SIZE, as G'MIC reads it (PNG)."""
    fit = f"{{round(w*{size}/max(w,h))}},{{round(h*{size}/max(w,h))}},100%,100%,5"
    subprocess.run(["gmic", "-v", "-", image, "resize", fit, "cut", "0,255", "output", out], check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--content", required=True)
    parser.add_argument("--style", required=True)
    parser.add_argument("--quick-preset", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    out = lambda name: os.path.join(args.out_dir, name)

    content_small, style_small = out("content-gmic.png"), out("style-gmic.png")
    scaled_for_gmic(args.content, args.size, content_small)
    scaled_for_gmic(args.style, args.size, style_small)

    ours = [args.cli, "--weights", args.weights, "--content", args.content, "--style", args.style,
            "--max-size", str(args.size)]
    quick_options = preset_options(args.quick_preset)
    commands = {
        "ours default": ours + ["--out", out("ours-default.png")],
        "ours exact": ours + ["--precision", "exact", "--out", out("ours-exact.png")],
        "ours quick": ours + quick_options + ["--out", out("ours-quick.png")],
        "gmic stylize": ["gmic", "-v", "-", content_small, style_small, "stylize[0]", "[1]",
                         "keep[0]", "output", out("gmic-stylize.png")],
    }
    print(f"e2e: {os.path.basename(args.content)} x {os.path.basename(args.style)} at {args.size} px; "
          f"quick preview = {' '.join(quick_options)}; load average {os.getloadavg()[0]:.2f}")
    sys.stdout.flush()

    results = {name: [] for name in commands}
    losses = {name: [] for name in commands if name.startswith("ours")}
    for r in range(args.repeats):
        for name, command in commands.items():
            seconds, rss, output = timed(command, out(f"{name.replace(' ', '-')}-{r + 1}.log"))
            results[name].append((seconds, rss))
            note = ""
            if name in losses:
                done = DONE.search(output)
                if not done:
                    raise SystemExit(f"bench: no 'done:' line from {shlex.join(command)}")
                loss = tuple(float(v) for v in done.groups()[1::2])
                losses[name].append(loss)
                note = f"  final loss {loss[0]:.6g} (content {loss[1]:.6g}, style {loss[2]:.6g})"
            if name == "ours default":
                summary = trace(output, out(f"trace-{r + 1}.tsv"))
            print(f"  run {r + 1} {name:13s} {seconds:7.2f} s  peak RSS {rss:7.1f} MB{note}")
            sys.stdout.flush()

    medians = {name: (statistics.median(s for s, _ in runs), statistics.median(m for _, m in runs))
               for name, runs in results.items()}
    subprocess.run(["gmic", "-v", "-", out("ours-default.png"), out("ours-quick.png"),
                    out("gmic-stylize.png"), "resize2dy", "384,5", "cut", "0,255", "append", "x",
                    "output", out("side-by-side.png")], check=True)
    print()
    print(f"{'':15s} {'seconds':>8s} {'peak RSS MB':>12s}   (medians of {args.repeats})")
    for name, (seconds, rss) in medians.items():
        print(f"{name:15s} {seconds:8.2f} {rss:12.1f}")
    print(f"where the time of ours default went (run {args.repeats}; loss against time in "
          f"{out(f'trace-{args.repeats}.tsv')}):")
    for line in summary:
        print(f"  {line}")
    final = {name: statistics.median(loss for loss, _, _ in runs) for name, runs in losses.items()}
    print(f"pictures: {out('side-by-side.png')} (ours default, ours quick, gmic stylize)")
    for name, key in (("ours default", "default"), ("ours exact", "default_exact"),
                      ("ours quick", "quick")):
        print(f"e2e_{key}_s={medians[name][0]:.2f}")
        print(f"e2e_{key}_loss={final[name]:.6g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
