#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch's side of tools/bench (a benchmark, not a test): the same work as
bench/bench_pass.c, done the usual PyTorch way on the CPU.

  bench_torch.py [--weights FILE] [--size N] [--passes N] [--warmup N]

VGG19's convolutions to relu5_1 (conv, ReLU, 2x2 max pool), content loss at
relu4_2, Gram style losses at relu1_1 … relu5_1 (each relative to its target,
as the engine's), backward to the input image only (the weights need no
gradient), torch.set_num_threads(all cores).  Prints one line of key=value
pairs like bench-pass: median seconds per pass, GFLOP/s, this process's
peak RSS.  Random weights when FILE is missing.
"""
import argparse
import json
import os
import resource
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

CHANNELS = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256),
            (256, 256), (256, 512), (512, 512), (512, 512), (512, 512), (512, 512)]
TENSOR_INDEX = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28]
POOL_BEFORE = {2, 4, 8, 12}
CONTENT_LAYER, STYLE_LAYERS = 9, [0, 2, 4, 8, 12]


def read_safetensors(path, names):
    """The named float32/float16/bfloat16 tensors of a safetensors file, as float32 torch tensors."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        base = 8 + length
        out = {}
        for name in names:
            entry = header[name]
            begin, end = entry["data_offsets"]
            f.seek(base + begin)
            data = f.read(end - begin)
            dtype = entry["dtype"]
            if dtype == "F32":
                array = np.frombuffer(data, dtype="<f4")
            elif dtype == "F16":
                array = np.frombuffer(data, dtype="<f2").astype(np.float32)
            elif dtype == "BF16":
                array = (np.frombuffer(data, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
            else:
                raise SystemExit(f"bench_torch: unsupported dtype {dtype} of {name}")
            out[name] = torch.from_numpy(array.copy()).reshape(entry["shape"])
        return out


def load_weights(path):
    if path and os.path.exists(path):
        names = [f"features.{t}.{kind}" for t in TENSOR_INDEX for kind in ("weight", "bias")]
        tensors = read_safetensors(path, names)
        return [(tensors[f"features.{t}.weight"], tensors[f"features.{t}.bias"]) for t in TENSOR_INDEX], "file"
    generator = torch.Generator().manual_seed(7)
    weights = []
    for i, (cin, cout) in enumerate(CHANNELS):
        std = (2.0 / (9 * cin)) ** 0.5 / (64.0 if i == 0 else 1.0)
        weights.append((torch.randn(cout, cin, 3, 3, generator=generator) * std,
                        torch.randn(cout, generator=generator) * 0.05))
    return weights, "random"


MEAN_BGR = torch.tensor([103.939, 116.779, 123.68]).view(1, 3, 1, 1)


def relu_outputs(weights, rgb):
    x = (255.0 * rgb[:, [2, 1, 0]] - MEAN_BGR)
    outputs = []
    for i, (w, b) in enumerate(weights):
        if i in POOL_BEFORE:
            x = F.max_pool2d(x, 2, 2)
        x = F.relu(F.conv2d(x, w, b, padding=1))
        outputs.append(x)
    return outputs


def gram(features):
    _, c, h, w = features.shape
    f = features.reshape(c, h * w)
    return f @ f.t() / (c * h * w)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)

    weights, kind = load_weights(args.weights)
    generator = torch.Generator().manual_seed(5)
    size = args.size
    content = torch.rand(1, 3, size, size, generator=generator)
    style = torch.rand(1, 3, size, size, generator=generator)
    x0 = 0.8 * content + 0.2 * torch.rand(1, 3, size, size, generator=generator)

    t = time.perf_counter()
    with torch.no_grad():
        content_target = relu_outputs(weights, content)[CONTENT_LAYER]
        content_norm = 1.0 / float((content_target ** 2).sum())
        style_out = relu_outputs(weights, style)
        style_targets = [gram(style_out[l]) for l in STYLE_LAYERS]
        style_norms = [1.0 / float((a ** 2).sum()) for a in style_targets]
        del style_out
    init_seconds = time.perf_counter() - t

    x = x0.clone().requires_grad_(True)

    def evaluate():
        x.grad = None
        out = relu_outputs(weights, x)
        loss = content_norm * ((out[CONTENT_LAYER] - content_target) ** 2).sum()
        for l, a, norm in zip(STYLE_LAYERS, style_targets, style_norms):
            loss = loss + norm * ((gram(out[l]) - a) ** 2).sum()
        loss.backward()
        return float(loss)

    loss = 0.0
    for _ in range(args.warmup):
        loss = evaluate()
    seconds = []
    for _ in range(args.passes):
        t = time.perf_counter()
        loss = evaluate()
        seconds.append(time.perf_counter() - t)

    macs = 0.0
    h = w = size
    for i, (cin, cout) in enumerate(CHANNELS):
        if i in POOL_BEFORE:
            h, w = h // 2, w // 2
        macs += 9.0 * cin * cout * h * w
    median = statistics.median(seconds)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"impl=pytorch-{torch.__version__} size={size} weights={kind} passes={args.passes} "
          f"seconds_per_pass={median:.4f} min_seconds={min(seconds):.4f} "
          f"gflops={4.0 * macs / median / 1e9:.1f} peak_rss_mb={rss_mb:.1f} "
          f"init_seconds={init_seconds:.3f} loss={loss:.6g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
