#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes small ICC v2 display profiles for the image-type tests.

gimp_make_icc.py rgb PATH   a wide-gamut RGB profile (ROMM/ProPhoto primaries,
                            D50, gamma 1.8): its pure green lies far outside
                            sRGB, so a plug-in that reads such an image as
                            sRGB clips it;
gimp_make_icc.py gray PATH  a gray profile with a gamma 2.2 curve.
"""
import struct
import sys


def s15f16(value):
    return struct.pack('>i', int(round(value * 65536)))


def xyz_tag(x, y, z):
    return b'XYZ ' + b'\0' * 4 + s15f16(x) + s15f16(y) + s15f16(z)


def curve_tag(gamma):
    return b'curv' + b'\0' * 4 + struct.pack('>I', 1) + struct.pack('>H', int(round(gamma * 256)))


def text_tag(text):
    return b'text' + b'\0' * 4 + text.encode('ascii') + b'\0'


def desc_tag(text):
    ascii_text = text.encode('ascii') + b'\0'
    return (b'desc' + b'\0' * 4 + struct.pack('>I', len(ascii_text)) + ascii_text
            + struct.pack('>II', 0, 0)          # no Unicode description
            + struct.pack('>HB', 0, 0) + b'\0' * 67)  # no ScriptCode description


def profile(colour_space, tags):
    count = len(tags)
    offset = 128 + 4 + 12 * count
    table, data = b'', b''
    for signature, body in tags:
        while (offset + len(data)) % 4:
            data += b'\0'
        table += signature + struct.pack('>II', offset + len(data), len(body))
        data += body
    while len(data) % 4:
        data += b'\0'
    size = offset + len(data)
    header = (struct.pack('>I', size) + b'lcms' + struct.pack('>I', 0x02100000)
              + b'mntr' + colour_space + b'XYZ '
              + struct.pack('>6H', 2025, 1, 1, 0, 0, 0)
              + b'acsp' + b'APPL' + struct.pack('>I', 0) + b'\0' * 4 + b'\0' * 4
              + b'\0' * 8 + struct.pack('>I', 0)
              + s15f16(0.9642) + s15f16(1.0) + s15f16(0.8249)
              + b'\0' * 4 + b'\0' * 16 + b'\0' * 28)
    assert len(header) == 128, len(header)
    return header + struct.pack('>I', count) + table + data


def main():
    kind, path = sys.argv[1], sys.argv[2]
    white = xyz_tag(0.9642, 1.0, 0.8249)
    if kind == 'rgb':
        gamma = curve_tag(1.8)
        tags = [(b'desc', desc_tag('Neural Style test wide-gamut RGB')),
                (b'cprt', text_tag('Public domain')),
                (b'wtpt', white),
                (b'rXYZ', xyz_tag(0.7977, 0.2880, 0.0000)),
                (b'gXYZ', xyz_tag(0.1352, 0.7119, 0.0000)),
                (b'bXYZ', xyz_tag(0.0313, 0.0001, 0.8249)),
                (b'rTRC', gamma), (b'gTRC', gamma), (b'bTRC', gamma)]
        data = profile(b'RGB ', tags)
    elif kind == 'gray':
        tags = [(b'desc', desc_tag('Neural Style test gray 2.2')),
                (b'cprt', text_tag('Public domain')),
                (b'wtpt', white),
                (b'kTRC', curve_tag(2.2))]
        data = profile(b'GRAY', tags)
    else:
        sys.exit('usage: gimp_make_icc.py rgb|gray PATH')
    with open(path, 'wb') as out:
        out.write(data)


if __name__ == '__main__':
    main()
