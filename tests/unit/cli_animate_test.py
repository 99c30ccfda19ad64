# SPDX-License-Identifier: GPL-3.0-or-later
"""neural-style animate: frames in, results out under the frames' names;
what is refused before anything is painted (frames of other sizes, a frame
that cannot be read, two frames of one name, results that would replace
the frames, a still's options); an animation steadier than its frames
painted alone; a scene cut painted afresh, as a still; Ctrl-C keeping the
frames painted.

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
                "--no-multi-scale", "--iterations", "6", "--init", "noise", "--quiet"]
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
    said = re.search(r"stopped by SIGINT in frame ([234])/4 at scale 1/1, iteration [0-9]+/6: "
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
