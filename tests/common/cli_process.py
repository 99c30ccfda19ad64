# SPDX-License-Identifier: GPL-3.0-or-later
"""What the command line's Python tests share: TAP checks, PNG files
written and read with the standard library alone (zlib), and a process
whose stderr is read until an event shows on it."""
import os
import re
import select
import shutil
import struct
import subprocess
import tempfile
import time
import zlib

class Tap:
    """Counts checks and failures, printing each as a TAP line."""

    def __init__(self):
        self.checks = self.failures = 0

    def check(self, ok, description):
        self.checks += 1
        self.failures += 0 if ok else 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.checks, description), flush=True)
        return ok

    def done(self):
        """The plan; the exit status: 0 when every check passed."""
        print("1..%d" % self.checks)
        return 1 if self.failures else 0


tap = Tap()
check = tap.check


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


def png_parts(path):
    """(IHDR's fields, the pixel data still deflated) of a PNG file whose
    every chunk's CRC is right, up to its IEND; else None."""
    try:
        data = open(path, "rb").read()
    except OSError:
        return None
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    at, idat, header = 8, b"", None
    while at + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if struct.unpack(">I", data[at + 8 + length:at + 12 + length])[0] != zlib.crc32(kind + body):
            return None
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body[:13])
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            return (header, idat) if header else None
        at += 12 + length
    return None


def png_size(path):
    """(width, height) of a whole, readable 8-bit RGB(A) PNG, else None:
    every chunk's CRC checked, the pixel data inflated to its full size."""
    parts = png_parts(path)
    if not parts:
        return None
    (width, height, depth, color, _, _, _), idat = parts
    channels = {2: 3, 6: 4}.get(color, 0) * (depth // 8)
    try:
        pixels = zlib.decompress(idat)
    except zlib.error:
        return None
    return (width, height) if len(pixels) == height * (1 + width * channels) else None


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


def read_png(path):
    """(width, height, channels, rows) of an 8-bit RGB or RGBA PNG, rows a
    list of bytearrays with the filters undone; None when it is not one."""
    parts = png_parts(path)
    if not parts:
        return None
    header, idat = parts
    if header[2] != 8 or header[3] not in (2, 6) or header[6] != 0:
        return None
    width, height, channels = header[0], header[1], 3 if header[3] == 2 else 4
    raw, stride, rows = zlib.decompress(idat), width * channels, []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(line)
        previous = line
    return width, height, channels, rows


def in_work_folder(prefix, body):
    """Runs body(work) in a new folder of the working directory, removed
    after; returns the TAP plan's exit status."""
    work = tempfile.mkdtemp(prefix=prefix, dir=os.getcwd())
    try:
        body(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tap.done()
