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
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

checks = failures = 0


def check(ok, description):
    global checks, failures
    checks += 1
    failures += 0 if ok else 1
    print("%s %d - %s" % ("ok" if ok else "not ok", checks, description), flush=True)


def write_png(path, width, height, pixel):
    rows = b"".join(b"\0" + bytes(v for x in range(width) for v in pixel(x, y))
                    for y in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def png_size(path):
    """(width, height) of a whole, readable 8-bit RGB(A) PNG, else None:
    every chunk's CRC checked, the pixel data inflated to its full size."""
    try:
        data = open(path, "rb").read()
    except OSError:
        return None
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    at, idat, size, channels = 8, b"", None, 0
    while at + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] != zlib.crc32(kind + body):
            return None
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            size, channels = (width, height), {2: 3, 6: 4}.get(color, 0) * (depth // 8)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            try:
                pixels = zlib.decompress(idat)
            except zlib.error:
                return None
            whole = size and len(pixels) == size[1] * (1 + size[0] * channels)
            return size if whole else None
        at += 12 + length
    return None


def start(cli, arguments):
    return subprocess.Popen([cli] + arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def read_until(process, pattern, text, deadline):
    """Reads the process's stderr onto text until pattern matches it, the
    process ends or the deadline passes; returns (match or None, text)."""
    while time.monotonic() < deadline:
        found = re.search(pattern, text)
        if found:
            return found, text
        ready, _, _ = select.select([process.stderr], [], [], deadline - time.monotonic())
        if not ready:
            break
        chunk = os.read(process.stderr.fileno(), 65536)
        if not chunk:
            break
        text += chunk.decode("utf-8", "replace")
    return re.search(pattern, text), text


def finish(process, text):
    """Waits for the end; returns (return code, all of stderr)."""
    rest = process.stderr.read().decode("utf-8", "replace")
    process.stdout.read()
    return process.wait(timeout=600), text + rest


PAINTING = r"\] ([1-9][0-9]*)/100000"


def main():
    cli, make_weights = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="cli-signal-test.", dir=os.getcwd())
    try:
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
        check(seen and code in (-signal.SIGINT, -signal.SIGTERM) and "ended at once, nothing written\n" in text
              and text.endswith("\n") and not os.path.exists(out),
              "SIGINT and SIGTERM: killed by the second (%s), saying so on a line of its own, "
              "nothing written" % code)
        if code not in (-signal.SIGINT, -signal.SIGTERM):
            print("# stderr's end: %r" % text[-400:])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("1..%d" % checks)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
