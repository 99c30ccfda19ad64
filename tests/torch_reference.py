#!/usr/bin/env python3
"""Differential test of the engine against PyTorch (an independent
implementation of the same mathematics).

Writes random VGG19 weights (safetensors, Caffe convention in the metadata)
and random 64x64 images, runs the engine's tests/torch_dump.c on them, and
computes the same quantities with torch.nn.functional and autograd:
activations at every layer, Gram matrices, each loss term, dLoss/dx, and
10 Adam steps (torch.optim.Adam) from the content, each from the engine's
image before it, and free-running for the layer sets where float32 and
float64 PyTorch agree on the result (rounding does not decide the path).  Everything must agree within 1e-4 relative (max
|difference| / max |reference| per tensor); the image after every Adam step
within 1e-3 RMS (and no pixel by more than one step: see the comment there
for why not every pixel within 1e-3, and why step by step).

usage: torch_reference.py TORCH_DUMP_EXECUTABLE
Exits 77 (skipped) when PyTorch is not installed.
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
    print(f"SKIP: PyTorch or numpy missing ({error})")
    sys.exit(77)

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
LAYER_WEIGHTS = [1.0, 0.5, 2.0, 1.5, 0.75]
ADAM_LR, ADAM_STEPS = 0.01, 10
free_running_compared = []


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
    mean = torch.tensor(MEAN_BGR).view(3, 1, 1)
    return (255.0 * bgr - mean).unsqueeze(0)


def relu_outputs(weights, rgb, conv_count):
    x, outputs = network_input(rgb), []
    for i in range(conv_count):
        if i in POOL_BEFORE:
            x = F.max_pool2d(x, 2, 2)
        w, b = weights[i]
        x = F.relu(F.conv2d(x, w, b, padding=1))
        outputs.append(x[0])
    return outputs


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

    def terms(self, x):
        out = relu_outputs(self.weights, x, self.conv_count)
        p = self.content_target
        content = ((out[self.content_layer] - p) ** 2).sum() / (p ** 2).sum()
        style = sum(w * ((gram(out[l]) - a) ** 2).sum() / (a ** 2).sum()
                    for w, l, a in zip(LAYER_WEIGHTS, self.style_layers, self.style_targets))
        tv = total_variation(x)
        return out, content, style, tv, ALPHA * content + BETA * style + TV * tv


def relative_error(ours, reference):
    ours, reference = np.asarray(ours, np.float64), np.asarray(reference, np.float64)
    scale = np.abs(reference).max()
    return np.abs(ours - reference).max() / (scale if scale > 0 else 1.0)


def run(dump, layer_set, directory, results):
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
    for name, t in (("content", content), ("style", style), ("x", x)):
        t.numpy().astype("<f4").tofile(os.path.join(directory, f"{name}.f32"))

    subprocess.run([dump, weights_path, directory, layer_set, str(w), str(h), str(sw), str(sh)],
                   check=True)

    def ours(name, shape):
        return np.fromfile(os.path.join(directory, name), dtype="<f4").reshape(shape)

    objective = Objective(weights, layer_set, content, style)
    xg = x.clone().requires_grad_(True)
    out, content_loss, style_loss, tv_loss, loss = objective.terms(xg)
    loss.backward()

    def check(what, error, tolerance):
        ok = error <= tolerance
        results.append(ok)
        print(f"{'ok' if ok else 'FAIL'} - {layer_set}: {what} (relative error {error:.2e}, "
              f"tolerance {tolerance:.0e})")

    for i in range(objective.conv_count):
        o = out[i].detach()
        check(f"relu output of conv {i} {tuple(o.shape)}", relative_error(ours(f"c_relu{i}.f32", o.shape), o), 1e-4)
    for s, l in enumerate(objective.style_layers):
        g = gram(out[l].detach())
        check(f"Gram matrix at conv {l}", relative_error(ours(f"c_gram{s}.f32", g.shape), g), 1e-4)
        check(f"style target Gram at conv {l}",
              relative_error(ours(f"c_target_gram{s}.f32", g.shape), objective.style_targets[s]), 1e-4)
    c_terms = [float(v) for v in open(os.path.join(directory, "c_losses.txt")).read().split()]
    for name, value, reference in zip(("content loss", "style loss", "TV loss", "total loss"), c_terms,
                                      (content_loss, style_loss, tv_loss, loss)):
        reference = float(reference)
        check(f"{name} ({value:.6g} vs {reference:.6g})", abs(value - reference) / abs(reference), 1e-4)
    check("dLoss/dx", relative_error(ours("c_gradient.f32", (3, h, w)), xg.grad), 1e-4)

    # 10 Adam steps from the content, clamped to [0,1] after each, as the
    # engine does.  PyTorch takes each step from the engine's image before
    # it (with the moments of its own gradients along that path), so that
    # every step is compared, not where 10 steps of rounding lead: the path
    # crosses ReLU and max-pool kinks, and a rounding difference that puts a
    # near-tie on the other side changes the following gradients.  With
    # these weights ("paper") a change of the weights by 1e-7 relative
    # (below float32's own rounding of them) moves PyTorch's own image after
    # 10 free-running steps by 1.5e-3 RMS, and float64 PyTorch is that far
    # from float32 PyTorch.  Within a step a rounding difference still
    # flips the odd near-tie and the sign of the odd near-zero gradient,
    # which Adam's first steps turn into a full step: hence the RMS
    # difference, with the largest bounded by one Adam step.
    steps = [ours(f"c_adam_step{k + 1}.f32", (3, h, w)) for k in range(ADAM_STEPS)]
    image = content.clone().requires_grad_(True)
    adam = torch.optim.Adam([image], lr=ADAM_LR)
    previous, step_rms, step_worst = content, 0.0, 0.0
    for k in range(ADAM_STEPS):
        with torch.no_grad():
            image.copy_(previous)
        adam.zero_grad()
        objective.terms(image)[4].backward()
        adam.step()
        with torch.no_grad():
            image.clamp_(0, 1)
        difference = np.abs(steps[k] - image.detach().numpy())
        step_rms = max(step_rms, float(np.sqrt((difference ** 2).mean())))
        step_worst = max(step_worst, float(difference.max()))
        previous = torch.from_numpy(steps[k])
    c_image = ours("c_adam10.f32", (h, w, 3)).transpose(2, 0, 1)
    difference = np.abs(c_image - image.detach().numpy())
    moved = float(np.abs(c_image - content.numpy()).max())
    rms = float(np.sqrt((difference ** 2).mean()))
    worst = float(difference.max())
    check(f"image after {ADAM_STEPS} Adam steps, RMS difference (moved up to {moved:.3f})", rms, 1e-3)
    check(f"image after {ADAM_STEPS} Adam steps, largest difference", worst, ADAM_LR)
    check(f"image after each Adam step, worst RMS difference", step_rms, 1e-3)
    check(f"image after each Adam step, largest difference", step_worst, ADAM_LR)
    ok = moved > 10 * 1e-3
    results.append(ok)
    print(f"{'ok' if ok else 'FAIL'} - {layer_set}: Adam moved the image by up to {moved:.3f} "
          f"(enough for the comparison to mean something)")

    # The same 10 steps free-running, where the problem lets a comparison
    # mean something: PyTorch in float32 and in float64 must agree on the
    # result (within a tenth of the tolerance) for rounding not to decide
    # it; then ours must agree with float32 PyTorch within 1e-3 RMS.
    weights64 = [(w.double(), b.double()) for w, b in weights]
    objective64 = Objective(weights64, layer_set, content.double(), style.double())
    free32 = free_running_adam(objective, content)
    free64 = free_running_adam(objective64, content.double())
    conditioning = float(np.sqrt(((free32 - free64) ** 2).mean()))
    free_rms = float(np.sqrt(((c_image - free32) ** 2).mean()))
    if conditioning <= 1e-4:
        check(f"image after {ADAM_STEPS} free-running Adam steps, RMS difference "
              f"(float32 vs float64 PyTorch: {conditioning:.1e})", free_rms, 1e-3)
        free_running_compared.append(layer_set)
    else:
        print(f"# {layer_set}: free-running Adam not compared: float32 and float64 PyTorch "
              f"differ by {conditioning:.1e} RMS after {ADAM_STEPS} steps (ours: {free_rms:.1e} "
              f"from float32), so rounding decides the path; compared step by step above")


def free_running_adam(objective, content):
    image = content.clone().requires_grad_(True)
    adam = torch.optim.Adam([image], lr=ADAM_LR)
    for _ in range(ADAM_STEPS):
        adam.zero_grad()
        objective.terms(image)[4].backward()
        adam.step()
        with torch.no_grad():
            image.clamp_(0, 1)
    return image.detach().numpy().astype(np.float64)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    results = []
    with tempfile.TemporaryDirectory() as directory:
        for layer_set in ("paper", "block-last"):
            run(sys.argv[1], layer_set, directory, results)
    # at least one layer set must be well-conditioned enough to compare
    # free-running, or the test proves less than it says
    ok = len(free_running_compared) > 0
    results.append(ok)
    print(f"{'ok' if ok else 'FAIL'} - free-running Adam compared for: "
          f"{', '.join(free_running_compared) or 'no layer set'}")
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
