#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Differential test of the engine against PyTorch (an independent
implementation of the same mathematics), with float64 as the reference.

Writes random VGG19 weights (safetensors, Caffe convention in the metadata)
and random 64x64 images, runs the engine's tests/reference/torch_dump.c on
them, and computes the same quantities with torch.nn.functional and autograd
in float64 and in float32: activations at every layer, Gram matrices, each
loss term, dLoss/dx (also with a pixel term: an animation's temporal term,
PIXEL_WEIGHT * mean of mask * (x - target)^2 under a mask of 0s, soft
values and 1s), and 10 Adam steps (torch.optim.Adam) from the
content, each from the engine's image before it.  Each quantity's error is
measured against float64; the engine's may be at most RATIO times float32
PyTorch's own, plus FLOOR_ULPS float32 units of the quantity's largest
value (a few roundings of the result: PyTorch is sometimes that exact by
luck), whichever instruction set the engine's kernels use.
PyTorch's float32 error is one draw of its roundings, so it is taken as
the RMS over ORDERINGS computations that sum the same products in other
orders (the network's channels permuted).

An Adam step is not held to that rule: its first steps move each pixel by
about the learning rate times the sign of its gradient (m / (sqrt(v) + eps)
with one gradient is g / (|g| + eps)), so where |g| is near eps (1e-8) a
gradient error far inside dLoss/dx's bound moves the pixel by a large part
of a step, by as much as the kernels' roundings there make it.  So the gradient at every
step's start is held to dLoss/dx's rule; Adam's own arithmetic is checked
on the engine's gradients (half a float32 unit of the pixel, plus
ADAM_ROUNDINGS units of the step); and each pixel after a step may differ
from float64's by what Adam makes of any gradient within that rule's bound
(the step's range over the box of such gradients, by interval arithmetic
through the moments), plus that arithmetic.  The 10 steps free-running add
up each step's range, with the float64 gradient's own change along the
engine's path against float64's path counted in.

ReLUs and max pools are kinks: where a value lies within float32 rounding
of one (a pre-activation next to 0, two window values next to equal), any
float32 computation may take either side, and the gradient from there on
differs by that unit's whole share.  So both PyTorch computations take the
engine's decisions (which ReLUs pass, which value each pool window takes,
read from the engine's ReLU outputs at the same image), so that a tie
counts the same for all three, and the test checks apart that every
decision the engine took differently from float64 PyTorch's own lies within
KINK_MARGIN of the kink.

usage: torch_reference.py TORCH_DUMP_EXECUTABLE
Reports TAP; skipped ("1..0 # SKIP") when PyTorch is not installed.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as error:
    print(f"1..0 # SKIP PyTorch or numpy missing ({error})")
    sys.exit(0)

torch.set_num_threads(2)

CHANNELS = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256),
            (256, 256), (256, 512), (512, 512), (512, 512), (512, 512), (512, 512),
            (512, 512), (512, 512), (512, 512)]
TENSOR_INDEX = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
POOL_BEFORE = {2, 4, 8, 12}
LAYER_SETS = {"paper": (9, [0, 2, 4, 8, 12]), "block-last": (11, [1, 3, 7, 11, 15])}
MEAN_BGR = [103.939, 116.779, 123.68]
# the parameters torch_dump.c uses
ALPHA, BETA, TV = 1.0, 3.0, 0.5
# as torch_dump.c's
PIXEL_WEIGHT = 20.0
LAYER_WEIGHTS = [1.0, 0.5, 2.0, 1.5, 0.75]
ADAM_LR, ADAM_STEPS = 0.01, 10
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8
# float32 roundings in the moments, the square root and the division, each
# at most a float32 unit of a value of the step's size
ADAM_ROUNDINGS = 16
# A decision of the engine's may differ from float64's only this close to
# the kink, relative to the layer's largest value (the engine's activations
# are within about 2e-6 of float64's).
KINK_MARGIN = 1e-5
# The engine's error against float64 may be this many times float32
# PyTorch's, plus this many float32 units (2^-24) of the quantity's largest
# value.
RATIO = 2.0
FLOOR_ULPS = 4
# float32 PyTorch computes with the network's channels in this many orders.
ORDERINGS = 4


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def random_weights(generator, conv_count):
    weights = []
    for i in range(conv_count):
        cin, cout = CHANNELS[i]
        std = (2.0 / (9 * cin)) ** 0.5 / (64.0 if i == 0 else 1.0)
        w = torch.randn(cout, cin, 3, 3, generator=generator) * std
        b = torch.randn(cout, generator=generator) * 0.05
        weights.append((w, b))
    return weights


def network_input(rgb):
    """Planar RGB in [0,1] (3,H,W) -> Caffe's BGR, 0-255, mean-subtracted (1,3,H,W)."""
    bgr = torch.stack([rgb[2], rgb[1], rgb[0]])
    mean = torch.tensor(MEAN_BGR, dtype=rgb.dtype).view(3, 1, 1)
    return (255.0 * bgr - mean).unsqueeze(0)


def windows2x2(x):
    """(C,H,W) -> (C,H/2,W/2,4): each 2x2 pool window's values, row-major (odd edges dropped)."""
    c, h, w = x.shape
    x = x[:, :h // 2 * 2, :w // 2 * 2]
    return x.reshape(c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 2, 4).reshape(c, h // 2, w // 2, 4)


class Decisions:
    """Which ReLUs pass and which value each max pool takes: a float64 mask
    per conv and a window index per pool, read from ReLU outputs."""

    def __init__(self, relus):
        self.relus = relus
        self.masks = [(r > 0).double() for r in relus]
        self.choices = {i: windows2x2(relus[i - 1]).argmax(-1) for i in POOL_BEFORE if i < len(relus)}

    def reordered(self, orders):
        """The same decisions for the network with its channels in these orders."""
        return Decisions([r[order] for r, order in zip(self.relus, orders)])


def reordered_weights(weights, orders):
    """The same network with each conv's output channels in orders[i]: its
    ReLU outputs are the original's, channels reordered, and so are every
    loss and the gradient, but each conv sums its products in another order."""
    result = []
    for i, (wt, b) in enumerate(weights):
        wt = wt[orders[i]]
        result.append((wt[:, orders[i - 1]] if i > 0 else wt, b[orders[i]]))
    return result


def relu_outputs(weights, rgb, conv_count, decisions=None):
    """The ReLU output of every conv; with decisions, the engine's kinks
    taken instead of this computation's own."""
    x, outputs = network_input(rgb), []
    for i in range(conv_count):
        if i in POOL_BEFORE:
            if decisions is None:
                x = F.max_pool2d(x, 2, 2)
            else:
                chosen = decisions.choices[i].unsqueeze(-1)
                x = windows2x2(x[0]).gather(-1, chosen).squeeze(-1).unsqueeze(0)
        w, b = weights[i]
        z = F.conv2d(x, w, b, padding=1)
        x = F.relu(z) if decisions is None else z * decisions.masks[i].to(z.dtype)
        outputs.append(x[0])
    return outputs


def kinks_taken_differently(weights, rgb, conv_count, decisions):
    """How many of the engine's decisions differ from float64's own at this
    image, and the largest distance of one from its kink (relative to the
    layer's largest value)."""
    with torch.no_grad():
        x, count, worst = network_input(rgb), 0, 0.0
        for i in range(conv_count):
            if i in POOL_BEFORE:
                values = windows2x2(x[0])
                own = values.argmax(-1)
                differ = (own != decisions.choices[i]) & (values.max(-1).values > 0)
                if differ.any():
                    gap = (values.gather(-1, own.unsqueeze(-1)) -
                           values.gather(-1, decisions.choices[i].unsqueeze(-1))).squeeze(-1)
                    worst = max(worst, float(gap[differ].max() / values.abs().max()))
                    count += int(differ.sum())
                x = F.max_pool2d(x, 2, 2)
            w, b = weights[i]
            z = F.conv2d(x, w, b, padding=1)
            differ = (z > 0).double() != decisions.masks[i]
            if differ.any():
                worst = max(worst, float(z[differ].abs().max() / z.abs().max()))
                count += int(differ.sum())
            x = F.relu(z)
    return count, worst


def gram(features):
    c, h, w = features.shape
    f = features.reshape(c, h * w)
    return f @ f.t() / (c * h * w)


def total_variation(x):
    dx = x[:, :, 1:] - x[:, :, :-1]
    dy = x[:, 1:, :] - x[:, :-1, :]
    return ((dx ** 2).sum() + (dy ** 2).sum()) / x.numel()


class Objective:
    def __init__(self, weights, layer_set, content, style):
        self.weights = weights
        self.content_layer, self.style_layers = LAYER_SETS[layer_set]
        self.conv_count = max([self.content_layer] + self.style_layers) + 1
        with torch.no_grad():
            self.content_target = relu_outputs(weights, content, self.conv_count)[self.content_layer]
            style_out = relu_outputs(weights, style, self.conv_count)
            self.style_targets = [gram(style_out[l]) for l in self.style_layers]

    def terms(self, x, decisions=None):
        out = relu_outputs(self.weights, x, self.conv_count, decisions)
        p = self.content_target
        content = ((out[self.content_layer] - p) ** 2).sum() / (p ** 2).sum()
        style = sum(w * ((gram(out[l]) - a) ** 2).sum() / (a ** 2).sum()
                    for w, l, a in zip(LAYER_WEIGHTS, self.style_layers, self.style_targets))
        tv = total_variation(x)
        return out, content, style, tv, ALPHA * content + BETA * style + TV * tv


def float64_array(values):
    return np.asarray(values.detach() if torch.is_tensor(values) else values, np.float64)


def relative_error(ours, reference):
    """max |difference| / max |reference|: a tensor's error in units of its largest value."""
    ours, reference = float64_array(ours), float64_array(reference)
    scale = np.abs(reference).max()
    return float(np.abs(ours - reference).max() / (scale if scale > 0 else 1.0))


def rms_difference(a, b):
    return float(np.sqrt(((float64_array(a) - float64_array(b)) ** 2).mean()))


results = []


def tap(ok, what):
    """One TAP line (meson's protocol 'tap' counts each)."""
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} - {what}", flush=True)


def compute(dtype, weights, layer_set, content, style, x, decisions, step_decisions, engine_steps,
            pixel, orders=None):
    """Every quantity the engine writes, computed by PyTorch in dtype with
    the engine's decisions: a dict name -> tensor (or float).  With orders,
    by the network with its channels reordered (the results put back in
    the original order)."""
    weights = [(wt.to(dtype), b.to(dtype)) for wt, b in weights]
    if orders is not None:
        weights = reordered_weights(weights, orders)
        decisions = decisions.reordered(orders)
        step_decisions = [d.reordered(orders) for d in step_decisions]
    back = [torch.argsort(order) for order in orders] if orders is not None else None
    content, style, x = content.to(dtype), style.to(dtype), x.to(dtype)
    objective = Objective(weights, layer_set, content, style)
    q = {}
    xg = x.clone().requires_grad_(True)
    out, content_loss, style_loss, tv_loss, loss = objective.terms(xg, decisions)
    loss.backward()
    for i in range(objective.conv_count):
        q[f"relu output of conv {i}"] = out[i].detach() if back is None else out[i].detach()[back[i]]
    for s, l in enumerate(objective.style_layers):
        for name, g in ((f"Gram matrix at conv {l}", gram(out[l].detach())),
                        (f"style target Gram at conv {l}", objective.style_targets[s])):
            q[name] = g if back is None else g[back[l]][:, back[l]]
    for name, value in zip(("content loss", "style loss", "TV loss", "total loss"),
                           (content_loss, style_loss, tv_loss, loss)):
        q[name] = float(value)
    q["dLoss/dx"] = xg.grad

    # the same objective with the pixel term (target, mask) = pixel
    target, mask = (t.to(dtype) for t in pixel)
    xp = x.clone().requires_grad_(True)
    pixel_term = (mask * (xp - target) ** 2).sum() / xp.numel()
    pulled = objective.terms(xp, decisions)[-1] + PIXEL_WEIGHT * pixel_term
    pulled.backward()
    q["pixel term"] = float(pixel_term)
    q["total loss with the pixel term"] = float(pulled)
    q["dLoss/dx with the pixel term"] = xp.grad

    # 10 Adam steps from the content, clamped to [0,1] after each, as the
    # engine does: each from the engine's image before it (with the moments
    # of this computation's own gradients along that path), so that every
    # step is compared; then the same 10 steps free-running, each with the
    # decisions the engine took at its own image of that step.
    q["Adam steps"], q["Adam gradients"] = adam_path(
        objective, content, step_decisions, [content] + [e.to(dtype) for e in engine_steps[:-1]])
    free_path, q["free-running gradients"] = adam_path(objective, content, step_decisions)
    q["free-running Adam"] = free_path[-1]
    return objective, q


def adam_path(objective, content, step_decisions, starts=None):
    """The image after each of the Adam steps from content (clamped to
    [0,1] after each, as the engine does), and the gradient each step took;
    with starts, step k starts from starts[k] instead of the image step k-1
    made."""
    image = content.clone().requires_grad_(True)
    adam = torch.optim.Adam([image], lr=ADAM_LR, betas=ADAM_BETAS, eps=ADAM_EPS)
    path, gradients = [], []
    for k, decisions in enumerate(step_decisions):
        if starts is not None:
            with torch.no_grad():
                image.copy_(starts[k])
        adam.zero_grad()
        objective.terms(image, decisions)[4].backward()
        gradients.append(image.grad.detach().clone())
        adam.step()
        with torch.no_grad():
            image.clamp_(0, 1)
        path.append(image.detach().clone())
    return path, gradients


def adam_moments(gradients):
    """Adam's bias-corrected moments after each of these gradients, in
    float64: lists of m-hat and v-hat."""
    (b1, b2), m, v, ms, vs = ADAM_BETAS, 0.0, 0.0, [], []
    for t, g in enumerate(gradients, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        ms.append(m / (1 - b1 ** t))
        vs.append(v / (1 - b2 ** t))
    return ms, vs


def adam_steps(gradients):
    """The step Adam takes after each of these gradients (float64)."""
    return [ADAM_LR * m / (v.sqrt() + ADAM_EPS) for m, v in zip(*adam_moments(gradients))]


def adam_step_ranges(gradients, radii):
    """Per pixel, the range [low, high] of the step Adam takes after each
    gradient when gradient j may be anywhere within radii[j] of
    gradients[j]: interval arithmetic through the moments (exact for each
    moment; their quotient's range contains the step's)."""
    (b1, b2), ranges = ADAM_BETAS, []
    m_low = m_high = v_low = v_high = 0.0
    for t, (g, r) in enumerate(zip(gradients, radii), start=1):
        m_low = b1 * m_low + (1 - b1) * (g - r)
        m_high = b1 * m_high + (1 - b1) * (g + r)
        square_low = torch.clamp(g.abs() - r, min=0.0) ** 2
        v_low = b2 * v_low + (1 - b2) * square_low
        v_high = b2 * v_high + (1 - b2) * (g.abs() + r) ** 2
        scale = ADAM_LR / (1 - b1 ** t)
        root2 = (1 - b2 ** t) ** 0.5
        d_low = v_low.sqrt() / root2 + ADAM_EPS
        d_high = v_high.sqrt() / root2 + ADAM_EPS
        # m / d over m in [m_low, m_high], d in [d_low, d_high], d > 0
        low = scale * torch.minimum(m_low / d_low, m_low / d_high)
        high = scale * torch.maximum(m_high / d_low, m_high / d_high)
        ranges.append((low, high))
    return ranges


def float32_unit(values):
    """The spacing of float32 values at each of these (|x| < 2^-126 as at it)."""
    v = np.abs(float64_array(values)).astype(np.float32)
    return torch.from_numpy((np.nextafter(v, np.float32(np.inf)) - v).astype(np.float64))


def run(dump, layer_set, directory):
    generator = torch.Generator().manual_seed(1234 if layer_set == "paper" else 4321)
    # the style's longest side equals the content's, so the driver uses it unscaled
    w, h, sw, sh = 64, 64, 64, 48
    conv_count = 16 if layer_set == "block-last" else 13
    weights = random_weights(generator, conv_count)
    tensors = {}
    for i, (wt, b) in enumerate(weights):
        tensors[f"features.{TENSOR_INDEX[i]}.weight"] = wt.numpy()
        tensors[f"features.{TENSOR_INDEX[i]}.bias"] = b.numpy()
    weights_path = os.path.join(directory, "weights.safetensors")
    write_safetensors(weights_path, tensors, {
        "input_channel_order": "BGR", "input_range": "0-255",
        "input_mean": ",".join(map(str, MEAN_BGR)), "input_std": "1,1,1"})
    content = torch.rand(3, h, w, generator=generator)
    style = torch.rand(3, sh, sw, generator=generator)
    x = (content + 0.2 * torch.randn(3, h, w, generator=generator)).clamp(0, 1)
    target = torch.rand(3, h, w, generator=generator)
    mask = torch.rand(h, w, generator=generator)
    mask = torch.where(mask < 0.3, 0.0, torch.where(mask > 0.7, 1.0, mask))
    for name, t in (("content", content), ("style", style), ("x", x), ("target", target),
                    ("mask", mask)):
        t.numpy().astype("<f4").tofile(os.path.join(directory, f"{name}.f32"))

    subprocess.run([dump, weights_path, directory, layer_set, str(w), str(h), str(sw), str(sh)],
                   check=True)

    def ours(name, shape):
        return np.fromfile(os.path.join(directory, name), dtype="<f4").reshape(shape)

    conv_shapes = [(CHANNELS[i][1], h >> sum(p <= i for p in POOL_BEFORE),
                    w >> sum(p <= i for p in POOL_BEFORE)) for i in range(conv_count)]

    def decisions_at(prefix):
        return Decisions([torch.from_numpy(ours(f"{prefix}{i}.f32", conv_shapes[i]).astype(np.float64))
                          for i in range(conv_count)])

    decisions = decisions_at("c_relu")
    step_decisions = [decisions_at(f"c_step{k}_relu") for k in range(ADAM_STEPS)]
    engine_steps = [torch.from_numpy(ours(f"c_adam_step{k + 1}.f32", (3, h, w)).astype(np.float64))
                    for k in range(ADAM_STEPS)]
    objective, reference = compute(torch.float64, weights, layer_set, content, style, x, decisions,
                                   step_decisions, engine_steps, (target, mask))
    # float32 PyTorch's error is a draw of its roundings: it is taken as the
    # RMS of its errors over the network with its channels in ORDERINGS
    # orders (the given one first), which sum the same products differently
    order_generator = torch.Generator().manual_seed(99)
    singles = []
    for k in range(ORDERINGS):
        orders = None if k == 0 else [torch.randperm(CHANNELS[i][1], generator=order_generator)
                                      for i in range(conv_count)]
        singles.append(compute(torch.float32, weights, layer_set, content, style, x, decisions,
                               step_decisions, engine_steps, (target, mask), orders)[1])

    floor = FLOOR_ULPS * 2.0 ** -24

    def check(what, engine_error, torch_errors):
        torch_error = float(np.sqrt(np.mean(np.square(torch_errors))))
        bound = RATIO * torch_error + floor
        tap(engine_error <= bound,
            f"{layer_set}: {what}: error {engine_error:.2e} against float64, PyTorch float32's "
            f"{torch_error:.2e} ({engine_error / max(torch_error, 1e-30):.2f} times; bound {bound:.2e})")

    def compare(what, engine_value):
        r = reference[what]
        if isinstance(r, float):
            scale = abs(r) if r != 0 else 1.0
            check(f"{what} ({engine_value:.6g}, float64 {r:.6g})", abs(engine_value - r) / scale,
                  [abs(single[what] - r) / scale for single in singles])
        else:
            check(f"{what} {tuple(r.shape)}", relative_error(engine_value, r),
                  [relative_error(single[what], r) for single in singles])

    for i in range(objective.conv_count):
        compare(f"relu output of conv {i}", ours(f"c_relu{i}.f32", conv_shapes[i]))
    for s, l in enumerate(objective.style_layers):
        shape = reference[f"Gram matrix at conv {l}"].shape
        compare(f"Gram matrix at conv {l}", ours(f"c_gram{s}.f32", shape))
        compare(f"style target Gram at conv {l}", ours(f"c_target_gram{s}.f32", shape))
    c_terms = [float(v) for v in open(os.path.join(directory, "c_losses.txt")).read().split()]
    for name, value in zip(("content loss", "style loss", "TV loss", "total loss"), c_terms):
        compare(name, value)
    compare("dLoss/dx", ours("c_gradient.f32", (3, h, w)))
    p_terms = [float(v) for v in open(os.path.join(directory, "c_pixel_losses.txt")).read().split()]
    for name, value in zip(("pixel term", "total loss with the pixel term"), p_terms):
        compare(name, value)
    compare("dLoss/dx with the pixel term", ours("c_pixel_gradient.f32", (3, h, w)))

    # Each step's gradient, at the engine's image before it, as dLoss/dx.
    engine_gradients = [torch.from_numpy(ours(f"c_step{k}_gradient.f32", (3, h, w)).astype(np.float64))
                        for k in range(ADAM_STEPS)]
    gradients64 = reference["Adam gradients"]
    allowed, worst = [], None
    for k in range(ADAM_STEPS):
        error = relative_error(engine_gradients[k], gradients64[k])
        torch_error = float(np.sqrt(np.mean([relative_error(single["Adam gradients"][k], gradients64[k]) ** 2
                                             for single in singles])))
        bound = RATIO * torch_error + floor
        allowed.append(bound * float(gradients64[k].abs().max()))
        if worst is None or error / bound > worst[0] / worst[2]:
            worst = (error, torch_error, bound, k + 1)
    tap(worst[0] <= worst[2],
        f"{layer_set}: dLoss/dx at each Adam step's start, worst (step {worst[3]}): error "
        f"{worst[0]:.2e} against float64, PyTorch float32's {worst[1]:.2e} "
        f"({worst[0] / max(worst[1], 1e-30):.2f} times; bound {worst[2]:.2e})")

    # Adam's own arithmetic: float64 Adam on the engine's gradients from the
    # engine's images gives each of its images to half a float32 unit of
    # the pixel (the last rounding) plus ADAM_ROUNDINGS units of the step.
    starts = [content.double()] + engine_steps[:-1]

    def arithmetic(step):
        return ADAM_ROUNDINGS * 2.0 ** -24 * torch.clamp(step.abs(), min=ADAM_LR)

    own = adam_steps(engine_gradients)
    excess, worst_error = -1.0, 0.0
    for k in range(ADAM_STEPS):
        error = (engine_steps[k] - (starts[k] - own[k]).clamp(0, 1)).abs()
        bound = 0.5 * float32_unit(engine_steps[k]) + arithmetic(own[k])
        excess = max(excess, float((error - bound).max()))
        worst_error = max(worst_error, float(error.max()))
    tap(excess <= 0, f"{layer_set}: Adam's arithmetic: every pixel after each step within half a "
        f"float32 unit plus {ADAM_ROUNDINGS} units of its step of float64 Adam on the engine's own "
        f"gradients (largest difference {worst_error:.2e})")

    # Each image against float64's: every pixel within what Adam makes of
    # any gradient within dLoss/dx's bound (the step's range over that
    # box), plus the arithmetic.  Hence RMS figures only as a report.
    ranges = adam_step_ranges(gradients64, allowed)
    steps64 = adam_steps(gradients64)

    def reach(low_high, step):
        return torch.maximum((low_high[0] - step).abs(), (low_high[1] - step).abs())

    excess, worst_rms, worst_bound, largest = -1.0, 0.0, 0.0, 0.0
    for k in range(ADAM_STEPS):
        error = (engine_steps[k] - reference["Adam steps"][k]).abs()
        # clamping to [0,1] is 1-Lipschitz: it never widens a difference
        bound = (reach(ranges[k], steps64[k]) + 0.5 * float32_unit(engine_steps[k]) +
                 arithmetic(steps64[k]))
        excess = max(excess, float((error - bound).max()))
        worst_rms = max(worst_rms, rms_difference(error, 0))
        worst_bound = max(worst_bound, rms_difference(bound, 0))
        largest = max(largest, float(error.max()))
    tap(excess <= 0,
        f"{layer_set}: image after each Adam step from the engine's image before it: every pixel "
        f"within the step's range over dLoss/dx's bound; worst RMS difference {worst_rms:.2e} "
        f"(the bound's {worst_bound:.2e})")
    tap(largest <= ADAM_LR, f"{layer_set}: largest difference after an Adam step {largest:.2e} "
        f"(bound: one step, {ADAM_LR})")
    c_image = torch.from_numpy(ours("c_adam10.f32", (h, w, 3)).transpose(2, 0, 1).astype(np.float64))
    moved = float((c_image - content.double()).abs().max())
    tap(moved > 10 * 1e-3, f"{layer_set}: Adam moved the image by up to {moved:.3f} "
        f"(enough for the comparison to mean something)")

    # Free-running, float64 takes its own path: a pixel's difference after
    # step k is at most the one before it plus how far the engine's step
    # may lie from float64's.  The engine's gradients lie within allowed of
    # float64's at the engine's images, whose difference from float64's own
    # gradients (the path's effect) the ranges' centre takes in.
    free_steps = adam_steps(reference["free-running gradients"])
    carried = torch.zeros_like(c_image)
    excess = -1.0
    for k in range(ADAM_STEPS):
        carried = (carried + reach(ranges[k], free_steps[k]) +
                   0.5 * float32_unit(engine_steps[k]) + arithmetic(free_steps[k]))
    free = reference["free-running Adam"]
    error = (c_image - free).abs()
    free_rms = rms_difference(c_image, free)
    torch_rms = float(np.sqrt(np.mean([rms_difference(single["free-running Adam"], free) ** 2
                                       for single in singles])))
    tap(float((error - carried).max()) <= 0,
        f"{layer_set}: image after {ADAM_STEPS} free-running Adam steps: every pixel within the "
        f"steps' ranges added up; RMS difference {free_rms:.2e} from float64's (the bound's "
        f"{rms_difference(carried, 0):.2e}), float32 PyTorch's {torch_rms:.2e}")
    largest = float((c_image - free).abs().max())
    tap(largest <= ADAM_LR, f"{layer_set}: largest difference after {ADAM_STEPS} free-running "
        f"Adam steps {largest:.2e} (bound: one step, {ADAM_LR})")

    # the decisions the reference took from the engine are legitimate:
    # each one that float64 takes otherwise lies at its kink
    kinks = {"count": 0, "worst": 0.0}
    weights64 = [(wt.double(), b.double()) for wt, b in weights]
    for d, image in [(decisions, x.double())] + [
            (step_decisions[k], content.double() if k == 0 else engine_steps[k - 1])
            for k in range(ADAM_STEPS)]:
        count, worst = kinks_taken_differently(weights64, image, conv_count, d)
        kinks["count"] += count
        kinks["worst"] = max(kinks["worst"], worst)
    tap(kinks["worst"] <= KINK_MARGIN,
        f"{layer_set}: every ReLU and pool decision of the engine's that float64 takes otherwise "
        f"({kinks['count']} in {1 + ADAM_STEPS} evaluations) lies within {kinks['worst']:.1e} "
        f"of its kink (tolerance {KINK_MARGIN:.0e})")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as directory:
        for layer_set in ("paper", "block-last"):
            run(sys.argv[1], layer_set, directory)
    failed = results.count(False)
    print(f"1..{len(results)}\n# {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
