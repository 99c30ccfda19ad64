#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The driver of tools/bench: runs the engine's bench-pass in each precision
(fast, exact) and PyTorch's bench_torch.py alternately, each in its own
process (so that each peak RSS is its own), and prints the medians and the
ratios ours/pytorch: ratio_time_N for the fast precision, ratio_time_N_exact
beside it.

  bench_compare.py --ours BENCH_PASS --theirs BENCH_TORCH_PY --weights FILE
                   [--sizes "256 512"] [--repeats 3] [--passes N]
"""
import argparse
import os
import statistics
import subprocess
import sys

# the engine's two precisions, then PyTorch
IMPLS = ("fast", "exact", "pytorch")


def run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"bench: {' '.join(command)} failed ({result.returncode})")
    line = result.stdout.strip().splitlines()[-1]
    fields = dict(item.split("=", 1) for item in line.split())
    return fields


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ours", required=True)
    parser.add_argument("--theirs", required=True)
    parser.add_argument("--weights", default="")
    parser.add_argument("--sizes", default="256 512")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--passes", type=int, default=0, help="timed passes per run (default: 5 up to 256², 3 above)")
    args = parser.parse_args()

    cores = os.cpu_count() or 1
    env = dict(os.environ, OMP_NUM_THREADS=str(cores))
    weights = args.weights if args.weights and os.path.exists(args.weights) else ""
    load = os.getloadavg()[0]
    print(f"cores {cores}, load average {load:.2f}{' (busy: numbers are noisy)' if load >= 0.5 else ''}, "
          f"weights {weights or 'random'}"
          f"{', OPENBLAS_CORETYPE=' + os.environ['OPENBLAS_CORETYPE'] if 'OPENBLAS_CORETYPE' in os.environ else ''}")
    sys.stdout.flush()

    sizes = [int(s) for s in args.sizes.split()]
    medians = {}
    for size in sizes:
        passes = args.passes or (5 if size <= 256 else 3)
        common = ["--size", str(size), "--passes", str(passes), "--warmup", "1"]
        if weights:
            common += ["--weights", weights]
        results = {name: [] for name in IMPLS}
        for r in range(args.repeats):
            for name, command in (("fast", [args.ours, "--precision", "fast"] + common),
                                  ("exact", [args.ours, "--precision", "exact"] + common),
                                  ("pytorch", [sys.executable, args.theirs] + common)):
                fields = run(command, env)
                results[name].append(fields)
                print(f"  {size}² run {r + 1} {name:8s} {float(fields['seconds_per_pass']):8.3f} s/pass "
                      f"{float(fields['gflops']):7.1f} GFLOP/s  peak RSS {float(fields['peak_rss_mb']):7.1f} MB"
                      f"  ({fields['impl']})")
                sys.stdout.flush()
        medians[size] = {name: {key: statistics.median(float(f[key]) for f in runs)
                                for key in ("seconds_per_pass", "gflops", "peak_rss_mb")}
                         for name, runs in results.items()}

    print()
    print(f"{'size':>6} {'impl':8} {'s/pass':>8} {'GFLOP/s':>8} {'peak RSS MB':>12}   (medians of {args.repeats})")
    for size in sizes:
        for name in IMPLS:
            m = medians[size][name]
            print(f"{size:>5}² {name:8} {m['seconds_per_pass']:8.3f} {m['gflops']:8.1f} {m['peak_rss_mb']:12.1f}")
    # the exact precision's ratios, then the fast one's; 512's last, and
    # ratio_time_512 and ratio_rss_512 the very last lines
    for size in sorted(sizes, key=lambda s: s == 512):
        fast, exact, theirs = (medians[size][name] for name in IMPLS)
        print(f"ratio_rss_{size}_exact={exact['peak_rss_mb'] / theirs['peak_rss_mb']:.3f}")
        print(f"ratio_time_{size}_exact={exact['seconds_per_pass'] / theirs['seconds_per_pass']:.3f}")
        print(f"ratio_time_{size}={fast['seconds_per_pass'] / theirs['seconds_per_pass']:.3f}")
        print(f"ratio_rss_{size}={fast['peak_rss_mb'] / theirs['peak_rss_mb']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
