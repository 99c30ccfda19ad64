#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""tools/bench-animation's runs: an animation painted by `neural-style
animate` against its frames painted alone (--independent), on each clip.

For each clip: one still (the first frame, `neural-style` with the same
settings) for the time a still takes, the animation, and the frames alone;
then bench-animation-eval's steadiness figures of both.  Prints every run,
then per clip and, as the last lines, over the clips (the static flicker
from the clips that have static pixels, the flow's end-point error from
the synthetic clip, whose motion is known):
  temporal_error_ratio= static_flicker_ratio= frame_seconds_ratio=
  style_loss_ratio= flow_epe_px= peak_rss_mb_animation= peak_rss_mb_still=
Writes every painted frame and an animated GIF of each clip (ours left,
frames alone right) to OUT_DIR/<clip>/.

  bench_animation.py --cli NEURAL_STYLE --eval BENCH_ANIMATION_EVAL --weights FILE
                     --style IMAGE --out-dir DIR [--size 512] [--frames 24]
                     [--setting=--name=value ...] CLIP=FRAME_DIR [CLIP=FRAME_DIR ...]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_e2e import timed  # noqa: E402

FRAME = re.compile(r"^frame (\d+)/\d+ (\S+): (.*), (\d+) iterations in ([0-9.]+) s; "
                   r"loss \S+ -> (\S+), content \S+ -> (\S+), style \S+ -> (\S+)$", re.M)
DONE = re.compile(r"^done: .* in ([0-9.]+) s; loss \S+ -> (\S+), content \S+ -> (\S+), "
                  r"style \S+ -> (\S+)$", re.M)


def frames_of(folder, count):
    names = sorted(n for n in os.listdir(folder)
                   if n.lower().endswith((".png", ".jpg", ".jpeg")))
    return [os.path.join(folder, n) for n in names[:count]]


def gif(ours, alone, names, path):
    """An animated GIF, ours left and the frames alone right, when
    ImageMagick is there; returns its path or None."""
    if not shutil.which("convert"):
        return None
    pairs = []
    for name in names:
        pair = os.path.join(os.path.dirname(path), "pair-" + os.path.splitext(name)[0] + ".png")
        subprocess.run(["convert", os.path.join(ours, name), os.path.join(alone, name),
                        "+append", pair], check=True)
        pairs.append(pair)
    subprocess.run(["convert", "-delay", "10", "-loop", "0"] + pairs + [path], check=True)
    for pair in pairs:
        os.remove(pair)
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--eval", required=True)
    parser.add_argument("--png-frames", required=True)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--style", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--frames", type=int, default=24)
    parser.add_argument("--setting", action="append", default=[])
    parser.add_argument("--ours", action="append", default=[],
                        help="NAME=VALUE or NAME: a setting for the animation only, not for "
                        "its frames painted alone")
    parser.add_argument("--reuse-alone", action="store_true",
                        help="keep the frames painted alone of the last run with these settings")
    parser.add_argument("--flow-epe", type=float, default=None)
    parser.add_argument("clips", nargs="+")
    args = parser.parse_args()
    args.ours = [part for setting in args.ours for part in
                 ["--" + setting.split("=", 1)[0]] + setting.split("=", 1)[1:]]

    settings = ["--weights", args.weights, "--style", args.style, "--max-size", str(args.size),
                "--quiet"] + args.setting
    totals = {"error": [], "flicker": [], "seconds": [], "style": [], "rss": [], "still_rss": []}
    for clip in args.clips:
        name, folder = clip.split("=", 1)
        out = os.path.join(args.out_dir, name)
        content, ours, alone = (os.path.join(out, d) for d in ("content", "ours", "alone"))
        # --ours settings leave the frames painted alone as they are: a
        # sheet of them paints those once
        alone_said = os.path.join(out, "alone.settings")
        alone_settings = " ".join(settings + [str(args.frames), folder])
        reuse = (args.reuse_alone and os.path.isfile(alone_said)
                 and open(alone_said).read() == alone_settings)
        for entry in os.listdir(out) if os.path.isdir(out) else []:
            if not (reuse and entry in ("alone", "alone.log", "alone.settings")):
                path = os.path.join(out, entry)
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        os.makedirs(content)
        # as PNG: the paintings are written as their frames are, and a JPEG
        # encoder's noise would be measured as flicker
        sources = frames_of(folder, args.frames)
        subprocess.run([args.png_frames, content] + sources, check=True)
        frames = [os.path.join(content, os.path.splitext(os.path.basename(path))[0] + ".png")
                  for path in sources]
        names = [os.path.basename(f) for f in frames]

        still_seconds, still_rss, still_out = timed(
            [args.cli, "--content", frames[0], "--out", os.path.join(out, "still.png")] + settings,
            os.path.join(out, "still.log"))
        still = DONE.search(still_out)
        seconds, rss, ours_out = timed([args.cli, "animate", "--out-dir", ours] + settings +
                                       args.ours + frames, os.path.join(out, "ours.log"))
        if reuse:
            with open(os.path.join(out, "alone.log")) as f:
                alone_out = f.read()
            print(f"{name}: the frames painted alone are those of the last run, whose settings "
                  f"were these")
        else:
            _, _, alone_out = timed([args.cli, "animate", "--independent", "--out-dir", alone] +
                                    settings + frames, os.path.join(out, "alone.log"))
            with open(alone_said, "w") as f:
                f.write(alone_settings)
        ours_frames, alone_frames = FRAME.findall(ours_out), FRAME.findall(alone_out)
        print(f"{name}: {len(frames)} frames at {args.size} px; a still {still_seconds:.1f} s "
              f"(its run {still.group(1)} s, {still_rss:.0f} MB); the animation {seconds:.1f} s "
              f"({rss:.0f} MB)")
        for f in ours_frames:
            print(f"  ours  frame {f[0]}: {f[2]}, {f[3]} iterations, {f[4]} s, style {f[7]}")
        later = [float(f[4]) for f in ours_frames[1:]]
        evaluated = subprocess.run([args.eval, content, ours, alone], check=True,
                                   capture_output=True, text=True).stdout
        figures = {}
        for line in evaluated.splitlines():
            folder_name, *pairs = line.split()
            figures[folder_name] = dict(p.split("=") for p in pairs)
        mine, theirs = figures[ours], figures[alone]
        error_ratio = float(mine["temporal_error"]) / float(theirs["temporal_error"])
        style_ratio = (statistics.mean(float(f[7]) for f in ours_frames) /
                       statistics.mean(float(f[7]) for f in alone_frames))
        seconds_ratio = statistics.mean(later) / float(still.group(1)) if later else float("nan")
        print(f"{name}: temporal error {mine['temporal_error']} against {theirs['temporal_error']} "
              f"alone ({error_ratio:.3f}); static flicker {mine['static_flicker']} against "
              f"{theirs['static_flicker']} over {float(mine['static_share']) * 100:.1f}% of the "
              f"pixels; a later frame {statistics.mean(later) if later else 0:.1f} s against a "
              f"still's {still.group(1)} s ({seconds_ratio:.3f}); style loss {style_ratio:.3f}")
        totals["error"].append(error_ratio)
        if float(mine["static_share"]) > 0.05:
            totals["flicker"].append(float(mine["static_flicker"]) / float(theirs["static_flicker"]))
        totals["seconds"].append(seconds_ratio)
        totals["style"].append(style_ratio)
        totals["rss"].append(rss)
        totals["still_rss"].append(still_rss)
        picture = gif(ours, alone, names, os.path.join(out, f"{name}-ours-left-alone-right.gif"))
        if picture:
            print(f"{name}: {picture}")

    print(f"temporal_error_ratio={statistics.mean(totals['error']):.3f}")
    flicker = statistics.mean(totals["flicker"]) if totals["flicker"] else float("nan")
    print(f"static_flicker_ratio={flicker:.3f}")
    print(f"frame_seconds_ratio={statistics.mean(totals['seconds']):.3f}")
    print(f"style_loss_ratio={statistics.mean(totals['style']):.3f}")
    if args.flow_epe is not None:
        print(f"flow_epe_px={args.flow_epe:.3f}")
    print(f"peak_rss_mb_animation={max(totals['rss']):.0f}")
    print(f"peak_rss_mb_still={max(totals['still_rss']):.0f}")


if __name__ == "__main__":
    main()
