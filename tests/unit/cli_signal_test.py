# SPDX-License-Identifier: GPL-3.0-or-later
"""Ctrl-C keeps the result: the CLI, sent SIGINT (or SIGTERM) while it
paints, stops after the step under way, writes the result so far to --out
and exits 130 (143), saying what it wrote; sent a second signal it ends at
once, killed by that signal, writing nothing.  The terminal's line (stderr)
ends with a newline either way.  Each signal is sent once a progress line
shows the run painting (an event read on stderr, never a wait of some
length).

    cli_signal_test.py NEURAL_STYLE_EXECUTABLE WRITE_SYNTHETIC_WEIGHTS

Random weights (write-synthetic-weights) and a 96x96 noise picture, made in
a folder of the working directory, deleted at the end."""
import os
import random
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from cli_process import check, finish, in_work_folder, png_size, read_until, start, write_png  # noqa: E402

PAINTING = r"\] ([1-9][0-9]*)/100000"


def paint_checks(work):
    cli, make_weights = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    weights = os.path.join(work, "synthetic.safetensors")
    subprocess.run([make_weights, weights], check=True)
    random.seed(3)
    content, style = os.path.join(work, "noise.png"), os.path.join(work, "style.png")
    write_png(content, 96, 96, lambda x, y: (random.randrange(256),) * 3)
    write_png(style, 32, 32, lambda x, y: (x * 8, y * 8, 128))
    # Adam runs every iteration it is given: 100000 at 64 px is far more
    # than any signal below waits for
    run = ["--weights", weights, "--content", content, "--style", style, "--size", "64",
           "--single-scale", "--optimizer", "adam", "--iterations", "100000"]
    deadline = time.monotonic() + 300

    for number, name, status in ((signal.SIGINT, "SIGINT", 130),
                                 (signal.SIGTERM, "SIGTERM", 143)):
        out = os.path.join(work, "stopped-%s.png" % name)
        process = start(cli, run + ["--out", out])
        seen, text = read_until(process, PAINTING, "", deadline)
        if seen:
            process.send_signal(number)
        else:
            process.kill()
        code, text = finish(process, text)
        said = re.search(r"neural-style: stopped by %s at scale 1/1, iteration ([0-9]+)/100000: "
                         r"wrote the result so far, 96x96, to %s\n" % (name, re.escape(out)),
                         text)
        check(seen and code == status and said and int(said.group(1)) >= int(seen.group(1))
              and text.endswith("\n"),
              "%s once a progress line shows iteration %s: exit %d (%s), saying what it "
              "wrote and from which iteration, its last line ended"
              % (name, seen.group(1) if seen else "(none)", status, code))
        check(png_size(out) == (96, 96),
              "the result so far is a whole PNG of the content's 96x96 (%s)" % (png_size(out),))
        if not said:
            print("# stderr's end: %r" % text[-400:])

    # Two signals, sent while the process is held (SIGSTOP): both are
    # pending when it goes on, so the second comes before the step under
    # way can end.  (Two of one kind would be one: the kernel keeps one
    # of each pending.  Which of the two it hands over first is its
    # choice: the process dies of the other.)
    out = os.path.join(work, "ended.png")
    process = start(cli, run + ["--out", out])
    seen, text = read_until(process, PAINTING, "", deadline)
    if seen:
        process.send_signal(signal.SIGSTOP)
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGTERM)
        process.send_signal(signal.SIGCONT)
    else:
        process.kill()
    code, text = finish(process, text)
    check(seen and code in (-signal.SIGINT, -signal.SIGTERM) and "ended at once, nothing more written\n" in text
          and text.endswith("\n") and not os.path.exists(out),
          "SIGINT and SIGTERM: killed by the second (%s), saying so on a line of its own, "
          "nothing more written" % code)
    if code not in (-signal.SIGINT, -signal.SIGTERM):
        print("# stderr's end: %r" % text[-400:])


if __name__ == "__main__":
    sys.exit(in_work_folder("cli-signal-test.", paint_checks))
