#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""make_fuzz_seeds.py DIR: writes the fuzzer's seed inputs, two small
safetensors files of random conv1_1 weights (never real weights): one F32
with Caffe-convention metadata, one F16 weight with a BF16 bias and none."""
import json
import random
import struct
import sys


def write(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    directory = sys.argv[1]
    rng = random.Random(1)
    weight = [rng.uniform(-0.1, 0.1) for _ in range(64 * 27)]
    bias = [rng.uniform(-0.1, 0.1) for _ in range(64)]
    f32 = lambda values: struct.pack(f"<{len(values)}f", *values)
    f16 = lambda values: struct.pack(f"<{len(values)}e", *values)
    # bfloat16: the high half of the float32
    bf16 = lambda values: b"".join(struct.pack("<f", v)[2:] for v in values)
    write(f"{directory}/conv1_1-caffe.safetensors",
          {"features.0.weight": ("F32", [64, 3, 3, 3], f32(weight)),
           "features.0.bias": ("F32", [64], f32(bias))},
          {"input_channel_order": "BGR", "input_range": "0-255",
           "input_mean": "103.939,116.779,123.68", "input_std": "1,1,1"})
    write(f"{directory}/conv1_1-half.safetensors",
          {"features.0.weight": ("F16", [64, 3, 3, 3], f16(weight)),
           "features.0.bias": ("BF16", [64], bf16(bias))})


if __name__ == "__main__":
    main()
