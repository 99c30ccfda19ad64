#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""make_image_seeds.py DIR: writes the image reader fuzzer's seeds, small
PNGs (RGB, grey with alpha, 16-bit, palette, interlaced) made here, and a
JPEG when ImageMagick's convert is there to make one."""
import random
import shutil
import struct
import subprocess
import sys
import zlib


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(path, width, height, depth, colour, rows, extra=b"", interlace=0):
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra +
                chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def main():
    out = sys.argv[1]
    rng = random.Random(7)
    noise = lambda n: bytes(rng.randrange(256) for _ in range(n))
    w, h = 12, 9
    png(f"{out}/rgb.png", w, h, 8, 2, b"".join(b"\0" + noise(3 * w) for _ in range(h)))
    png(f"{out}/grey-alpha.png", w, h, 8, 4, b"".join(b"\1" + noise(2 * w) for _ in range(h)))
    png(f"{out}/rgb16.png", w, h, 16, 2, b"".join(b"\0" + noise(6 * w) for _ in range(h)))
    palette = chunk(b"PLTE", noise(3 * 4))
    png(f"{out}/palette.png", w, h, 2, 3, b"".join(b"\0" + noise((2 * w + 7) // 8) for _ in range(h)),
        extra=palette)
    # Adam7: 7 passes, each a tiny image of its own; filter 0 everywhere
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    data = b""
    for x0, y0, dx, dy in passes:
        pw, ph = len(range(x0, w, dx)), len(range(y0, h, dy))
        if pw and ph:
            data += b"".join(b"\0" + noise(3 * pw) for _ in range(ph))
    png(f"{out}/interlaced.png", w, h, 8, 2, data, interlace=1)
    convert = shutil.which("convert")
    if convert:
        subprocess.run([convert, "-size", "24x16", "plasma:fractal", "-quality", "80",
                        f"{out}/photo.jpg"], check=True)
        subprocess.run([convert, "-size", "24x16", "plasma:fractal", "-interlace", "JPEG",
                        f"{out}/progressive.jpg"], check=True)


if __name__ == "__main__":
    main()
