# SPDX-License-Identifier: GPL-3.0-or-later
"""neural-style animate: frames in, results out under the frames' names;
what is refused before anything is painted (frames of other sizes, a frame
that cannot be read, two frames of one name, results that would replace
the frames, a still's options); an animation steadier than its frames
painted alone; frames after the first taking --frame-iterations; a scene
cut painted afresh, as a still; --long-term holding a frame to frame t-2
where t-1 hid it; frames larger than the working size painted at it and
given back at theirs; Ctrl-C keeping the frames painted.

    cli_animate_test.py NEURAL_STYLE_EXECUTABLE WRITE_SYNTHETIC_WEIGHTS

Random weights (write-synthetic-weights) and frames of a smooth texture
moving right by 2 pixels a frame, made in a folder of the working
directory, deleted at the end.  Painted from noise (--init noise), frames
painted alone keep the same noise while the picture moves under it: that
is the flicker an animation must not have."""
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from cli_process import check, finish, in_work_folder, read_png, read_until, start, write_png  # noqa: E402

SIZE, SHIFT = 96, 2


def texture(seed):
    """A smooth picture: a few random waves per channel."""
    rng = random.Random(seed)
    waves = [[(rng.uniform(-0.25, 0.25), rng.uniform(-0.25, 0.25), rng.uniform(0, 6.3))
              for _ in range(4)] for _ in range(3)]

    def pixel(x, y):
        return tuple(int(127.5 + 31 * sum(math.sin(u * x + v * y + p) for u, v, p in channel))
                     for channel in waves)
    return pixel


def run(arguments, **kwargs):
    return subprocess.run(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          **kwargs)


def moved_difference(earlier, later, shift):
    """Mean squared difference (levels) of later against earlier moved
    right by shift, over the inside (a margin of 8 pixels)."""
    _, _, channels, a = read_png(earlier)
    _, _, _, b = read_png(later)
    total = count = 0
    for y in range(8, SIZE - 8):
        for x in range(8, SIZE - 8):
            for c in range(3):
                d = b[y][x * channels + c] - a[y][(x - shift) * channels + c]
                total += d * d
                count += 1
    return total / count


def long_term_checks(animate, work, weights, style):
    """A square crosses a still background: what it hides in frame 2 frame
    3 shows again.  Frame 1 saw it, so with --long-term frame 3 holds to
    frame 1 there; without, nothing holds it (frame 2 did not see it)."""
    clip = os.path.join(work, "crossing")
    os.mkdir(clip)
    background = texture(3)
    square = {0: 12, 1: 40, 2: 68}  # the square's left edge in frames 1 to 3

    def frame(t):
        def pixel(x, y):
            inside = square[t] <= x < square[t] + 20 and 38 <= y < 58
            return (250, 250, 20) if inside else background(x, y)
        return pixel
    frames = []
    for t in range(3):
        frames.append(os.path.join(clip, "crossing-%d.png" % (t + 1)))
        write_png(frames[-1], SIZE, SIZE, frame(t))
    held = animate + ["--temporal-weight", "10000"]
    results = {}
    for name, extra in (("long", ["--long-term"]), ("short", [])):
        out = os.path.join(work, "crossing-" + name)
        done = run(held + extra + ["--out-dir", out] + frames)
        results[name] = done.returncode == 0 and out

    def difference(out):
        """Mean squared difference (levels) of painted frames 1 and 3 where
        frame 2's square was (its inside, a margin of 3 pixels)."""
        _, _, channels, first = read_png(os.path.join(out, "crossing-1.png"))
        _, _, _, third = read_png(os.path.join(out, "crossing-3.png"))
        total = count = 0
        for y in range(41, 55):
            for x in range(square[1] + 3, square[1] + 17):
                for c in range(3):
                    d = third[y][x * channels + c] - first[y][x * channels + c]
                    total += d * d
                    count += 1
        return total / count
    if results["long"] and results["short"]:
        long, short = difference(results["long"]), difference(results["short"])
        check(long < 0.25 * short,
              "where frame 2 hid the background, frame 3 holds to frame 1 with --long-term (under a "
              "quarter of the difference without): "
              "mean squared difference %.1f levels, without %.1f" % (long, short))
    else:
        check(False, "--long-term and without: both paint the crossing square")


def paint_checks(work):
    cli, make_weights = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    weights = os.path.join(work, "synthetic.safetensors")
    subprocess.run([make_weights, weights], check=True)
    clip = os.path.join(work, "clip")
    os.mkdir(clip)
    moving, other = texture(1), texture(2)
    frames = []
    for t in range(3):
        frames.append(os.path.join(clip, "frame-%d.png" % (t + 1)))
        write_png(frames[-1], SIZE, SIZE, lambda x, y, t=t: moving(x - SHIFT * t, y))
    frames.append(os.path.join(clip, "frame-4.png"))  # another scene
    write_png(frames[-1], SIZE, SIZE, other)
    style = os.path.join(work, "style.png")
    write_png(style, 32, 32, lambda x, y: (x * 8, y * 8, 128))
    small = os.path.join(work, "small.png")
    write_png(small, 64, 48, moving)
    cut = os.path.join(work, "cut.png")
    with open(frames[0], "rb") as f:
        whole = f.read()
    with open(cut, "wb") as f:
        f.write(whole[:len(whole) // 2])
    settings = ["--weights", weights, "--style", style, "--max-size", str(SIZE),
                "--no-multi-scale", "--iterations", "6", "--frame-iterations", "4", "--init",
                "noise", "--quiet"]
    animate = [cli, "animate"] + settings

    # what is refused before anything is painted
    done = run([cli, "animate", "--help"])
    check(done.returncode == 0 and all(o in done.stdout for o in
                                       ("--out-dir", "--independent", "--temporal-weight"))
          and "--content IMAGE" not in done.stdout,
          "animate --help: exit 0, lists --out-dir, --independent and --temporal-weight, "
          "not --content")
    done = run(animate + ["--out-dir", os.path.join(work, "none")])
    check(done.returncode == 2 and "usage: neural-style animate" in done.stderr,
          "no frames: exit 2 with animate's usage")
    done = run(animate + ["--content", frames[0], "--out-dir", work, frames[0]])
    check(done.returncode == 2 and "--content is a still's option" in done.stderr,
          "--content: exit 2, a still's option")
    done = run([cli] + settings + ["--content", frames[0], "--out-dir", work])
    check(done.returncode == 2 and "--out-dir is an animation's option" in done.stderr,
          "a still with --out-dir: exit 2, an animation's option")
    refused = os.path.join(work, "refused")
    done = run(animate + ["--out-dir", refused, frames[0], small, frames[1]])
    check(done.returncode == 1 and "the frames differ in size: %s is 96x96, %s is 64x48"
          % (frames[0], small) in done.stderr and not os.listdir(refused),
          "frames of two sizes: exit 1 naming both with their sizes, nothing written")
    done = run(animate + ["--out-dir", refused, frames[0], frames[1], cut])
    check(done.returncode == 1 and "frame 3: " in done.stderr and cut in done.stderr
          and not os.listdir(refused),
          "a frame cut short: exit 1 naming it and its place, nothing written")
    twin = os.path.join(work, "frame-1.png")
    shutil.copy(frames[0], twin)
    done = run(animate + ["--out-dir", refused, frames[0], twin])
    check(done.returncode == 2 and "would both be written to" in done.stderr
          and not os.listdir(refused),
          "two frames of one name: exit 2, nothing written")
    done = run(animate + ["--out-dir", clip] + frames)
    check(done.returncode == 2 and "would replace the frame itself" in done.stderr,
          "--out-dir the frames' own folder: exit 2, the frames kept")

    # an animation against its frames painted alone
    steady, alone = os.path.join(work, "steady"), os.path.join(work, "alone")
    painted = run(animate + ["--out-dir", steady] + frames)
    independent = run(animate + ["--independent", "--out-dir", alone] + frames)
    names = ["frame-%d.png" % (t + 1) for t in range(4)]
    check(painted.returncode == 0 and sorted(os.listdir(steady)) == names
          and independent.returncode == 0 and sorted(os.listdir(alone)) == names,
          "4 frames in, 4 results out named as the frames, both ways (exit %d and %d)"
          % (painted.returncode, independent.returncode))
    print("# " + painted.stdout.replace("\n", "\n# "))
    held = re.findall(r"frame ([23])/4 .*: from frame [12] \(([0-9.]+)% consistent\)",
                      painted.stdout)
    check(len(held) == 2 and all(float(share) >= 50 for _, share in held),
          "frames 2 and 3 start from the frame before, mostly consistent (%s)"
          % [share for _, share in held])
    counts = re.findall(r"^frame ([1-4])/4 .*, ([0-9]+) iterations in", painted.stdout, re.M)
    check(counts == [("1", "6"), ("2", "4"), ("3", "4"), ("4", "6")],
          "frames 1 and 4 (the scene cut) take --iterations 6, the frames held to the one "
          "before --frame-iterations 4 (%s)" % counts)
    check(re.search(r"frame 4/4 .*: afresh \(a scene cut: [0-9.]+% consistent with frame 3\)",
                    painted.stdout) is not None and "1 scene cut" in painted.stdout,
          "frame 4, another scene, starts afresh as a scene cut")
    check(painted.returncode == 0 and independent.returncode == 0
          and all(read_png(os.path.join(steady, n)) == read_png(os.path.join(alone, n))
                  for n in ("frame-1.png", "frame-4.png")),
          "frame 1 and the scene cut's frame 4 are the pictures painted alone, pixel for pixel")
    if painted.returncode == 0 and independent.returncode == 0:
        ours = [moved_difference(os.path.join(steady, names[t]),
                                 os.path.join(steady, names[t + 1]), SHIFT) for t in (0, 1)]
        theirs = [moved_difference(os.path.join(alone, names[t]),
                                   os.path.join(alone, names[t + 1]), SHIFT) for t in (0, 1)]
        check(all(o < 0.5 * i for o, i in zip(ours, theirs)),
              "frames 2 and 3 differ from the frame before, moved, by under half as much as "
              "painted alone: mean squared %s against %s levels"
              % (["%.1f" % o for o in ours], ["%.1f" % i for i in theirs]))

    long_term_checks(animate, work, weights, style)

    # frames larger than the working size: painted at it, their results at theirs
    smaller = os.path.join(work, "smaller")
    done = run(animate + ["--max-size", "48", "--out-dir", smaller] + frames[:2])
    still = os.path.join(work, "still-48.png")
    alone = run([cli] + settings + ["--max-size", "48", "--content", frames[0], "--out", still])
    sizes = [read_png(os.path.join(smaller, n))[:2] for n in names[:2]] if done.returncode == 0 \
        else []
    check(done.returncode == 0 and sizes == [(SIZE, SIZE)] * 2,
          "--max-size 48: the results have the frames' size, 96x96 (%s)" % sizes)
    check(done.returncode == 0 and alone.returncode == 0
          and read_png(os.path.join(smaller, names[0])) == read_png(still),
          "--max-size 48: frame 1 is the still painted at that size, pixel for pixel")

    # Ctrl-C once frame 2 is under way
    stopped = os.path.join(work, "stopped")
    process = start(cli, ["animate"] + settings[:-1] + ["--out-dir", stopped] + frames)
    seen, text = read_until(process, r"frame 2/4, scale 1/1 \([^)]*\) \[[# ]*\] [1-9]", "",
                            time.monotonic() + 300)
    if seen:
        process.send_signal(signal.SIGINT)
    else:
        process.kill()
    code, text = finish(process, text)
    said = re.search(r"stopped by SIGINT in frame ([234])/4 at scale 1/1, iteration [0-9]+/[46]: "
                     r"(frame 1 is|frames 1 to [23] are) painted and frame \1 is as painted so "
                     r"far, in " + re.escape(stopped), text)
    where = int(said.group(1)) if said else 0
    kept = sorted(os.listdir(stopped)) if os.path.isdir(stopped) else []
    check(seen and code == 130 and said and kept == names[:where]
          and all(read_png(os.path.join(stopped, n)) for n in kept),
          "SIGINT in frame 2: exit 130 (%s), frames up to the one under way written whole "
          "(%s), none after" % (code, kept))
    if not said:
        print("# stderr's end: %r" % text[-400:])


if __name__ == "__main__":
    sys.exit(in_work_folder("cli-animate-test.", paint_checks))
