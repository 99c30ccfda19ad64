# SPDX-License-Identifier: GPL-3.0-or-later
"""How far Winograd convolutions with bfloat16 or float16 products move a style
transfer's gradient, before anyone writes a kernel for them.

Runs VGG19 (conv1_1 ... conv5_1) in float64 with PyTorch, its 3x3
convolutions (but conv1_1's) computed by Winograd F(2x2,3x3) or F(4x4,3x3)
whose transformed weights U and inputs V are rounded to float32, bfloat16
or float16 (round to nearest even; float16 scaled into its range) before
their products, the products summed
exactly and the sums rounded to float32; the backward pass of each
convolution is the same Winograd convolution with the kernels turned.
The reference is the same network with float64 direct convolutions.

Prints the relative L2 error of each form against float64 for one layer's
forward output and input gradient (white-noise gradient: the worst case for
Winograd) and for the image gradients of a content loss (conv4_2) and a
Gram style loss (conv1_1, 2_1, 3_1, 4_1, 5_1) at a noisy start, the
fast-equivalence test's bound being 1e-2.  name=value lines come last.

  python3 tests/reference/winograd_products.py WEIGHTS CONTENT STYLE [WIDTH HEIGHT]

(inside tools/gimp3-env: PyTorch, and ImageMagick's convert to read the
pictures).  Minutes of one core at 384x288."""

import json
import struct
import subprocess
import sys

import torch
import torch.nn.functional as F

torch.set_grad_enabled(False)
F64 = torch.float64

# torchvision's vgg19().features indices of the 16 convolutions
CONV_INDEX = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
POOL_AFTER = {1, 3, 7, 11}
STYLE_LAYERS = [0, 2, 4, 8, 12]
CONTENT_LAYER = 9
MEAN_BGR = [103.939, 116.779, 123.68]


def load_weights(path):
    raw = open(path, "rb").read()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + size])
    base = 8 + size

    def tensor(name):
        begin, end = header[name]["data_offsets"]
        data = bytearray(raw[base + begin : base + end])
        return torch.frombuffer(data, dtype=torch.float32).reshape(header[name]["shape"]).to(F64)

    return [(tensor(f"features.{i}.weight"), tensor(f"features.{i}.bias")) for i in CONV_INDEX]


def load_picture(path, width, height):
    """BGR, 0-255 less the mean: the weights' input convention."""
    ppm = subprocess.run(
        ["convert", path, "-resize", f"{width}x{height}!", "-depth", "8", "ppm:-"],
        check=True,
        capture_output=True,
    ).stdout
    fields, pos = [], 0
    while len(fields) < 4:  # P6, width, height, maximum; comments skipped
        while ppm[pos : pos + 1].isspace():
            pos += 1
        if ppm[pos : pos + 1] == b"#":
            pos = ppm.index(b"\n", pos) + 1
            continue
        end = pos
        while not ppm[end : end + 1].isspace():
            end += 1
        fields.append(ppm[pos:end])
        pos = end
    pixels = torch.tensor(list(ppm[pos + 1 : pos + 1 + width * height * 3]), dtype=F64)
    rgb = pixels.reshape(height, width, 3).permute(2, 0, 1)
    return (rgb.flip(0) - torch.tensor(MEAN_BGR, dtype=F64).view(3, 1, 1))[None]


def winograd_matrices(m):
    """B^T, G, A^T of F(m x m, 3x3), the points of core/nn/winograd_tile.h."""
    if m == 2:
        bt = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
        g = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        at = [[1, 1, 1, 0], [0, 1, -1, -1]]
    else:
        bt = [
            [4, 0, -5, 0, 1, 0],
            [0, -4, -4, 1, 1, 0],
            [0, 4, -4, -1, 1, 0],
            [0, -2, -1, 2, 1, 0],
            [0, 2, -1, -2, 1, 0],
            [0, 4, 0, -5, 0, 1],
        ]
        g = [
            [1 / 4, 0, 0],
            [-1 / 6, -1 / 6, -1 / 6],
            [-1 / 6, 1 / 6, -1 / 6],
            [1 / 24, 1 / 12, 1 / 6],
            [1 / 24, -1 / 12, 1 / 6],
            [0, 0, 1],
        ]
        at = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]
    return tuple(torch.tensor(a, dtype=F64) for a in (bt, g, at))


def rounded(x, products):
    """x in products' format; float16's range is kept by a power of two
    that brings the largest magnitude to 2^14 (AVX512_FP16 kernels would
    scale so), which leaves its relative rounding, 2^-11, to every value."""
    if products == "float16":
        scale = 2.0 ** (14 - torch.ceil(torch.log2(x.abs().max())).item())
        return (x * scale).to(torch.float16).to(F64) / scale
    kind = torch.float32 if products == "float32" else torch.bfloat16
    return x.to(kind).to(F64)


def winograd_conv(x, w, m, products):
    """conv2d(x, w, padding=1) by F(m x m, 3x3), U and V rounded to products'
    format, the channel sums rounded to float32."""
    bt, g, at = winograd_matrices(m)
    n = m + 2
    height, width = x.shape[2], x.shape[3]
    tiles_y, tiles_x = (height + m - 1) // m, (width + m - 1) // m
    padded = F.pad(x.float().to(F64), (1, tiles_x * m + 1 - width, 1, tiles_y * m + 1 - height))
    d = padded.unfold(2, n, m).unfold(3, n, m)  # 1, C, ty, tx, n, n
    v = rounded(torch.einsum("ij,bcyxjk,lk->bcyxil", bt, d, bt), products)
    u = rounded(torch.einsum("ij,ocjk,lk->ocil", g, w.float().to(F64), g), products)
    mt = torch.einsum("ocil,bcyxil->boyxil", u, v).float().to(F64)
    y = torch.einsum("ij,boyxjk,lk->boyxil", at, mt, at)
    y = y.permute(0, 1, 2, 4, 3, 5).reshape(1, w.shape[0], tiles_y * m, tiles_x * m)
    return y[:, :, :height, :width]


def turned(w):
    """The kernels of the input gradient: turned by 180 degrees, channel roles swapped."""
    return w.flip(2, 3).transpose(0, 1)


class WinogradConv(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, m, products):
        ctx.save_for_backward(w)
        ctx.form = (m, products)
        return winograd_conv(x, w, m, products)

    @staticmethod
    def backward(ctx, grad):
        (w,) = ctx.saved_tensors
        return winograd_conv(grad, turned(w), *ctx.form), None, None, None


def features(weights, x, form):
    """ReLU outputs of the loss layers; form None: float64 direct convolutions."""
    out = {}
    for layer, (w, b) in enumerate(weights[: CONTENT_LAYER + 4]):
        if form is None or layer == 0:  # conv1_1 is the engine's direct (lowered) one
            y = F.conv2d(x, w, None, padding=1)
        else:
            y = WinogradConv.apply(x, w, *form)
        x = F.relu(y + b.view(1, -1, 1, 1))
        if layer in STYLE_LAYERS or layer == CONTENT_LAYER:
            out[layer] = x
        if layer in POOL_AFTER:
            x = F.max_pool2d(x, 2)
    return out


def gram(f):
    flat = f.reshape(f.shape[1], -1)
    return flat @ flat.t() / flat.shape[1]


def relative(a, b):
    return ((a - b).norm() / b.norm()).item()


FORMS = [(2, "float32"), (4, "float32"), (2, "bfloat16"), (4, "bfloat16"), (2, "float16"), (4, "float16")]


def main():
    if len(sys.argv) not in (4, 6):
        sys.exit(__doc__)
    weights = load_weights(sys.argv[1])
    width, height = (int(sys.argv[4]), int(sys.argv[5])) if len(sys.argv) == 6 else (384, 288)
    content = load_picture(sys.argv[2], width, height)
    style = load_picture(sys.argv[3], width, height)
    results = {}

    # one layer, conv3_2 (256 -> 256), at its input from the content picture
    x = content
    for layer, (w, b) in enumerate(weights[:5]):
        x = F.relu(F.conv2d(x, w, b, padding=1))
        if layer in POOL_AFTER:
            x = F.max_pool2d(x, 2)
    w = weights[5][0]
    reference = F.conv2d(x, w, None, padding=1)
    torch.manual_seed(1)
    noise = torch.randn_like(reference)
    reference_grad = F.conv_transpose2d(noise, w, padding=1)
    for m, products in FORMS:
        name = f"f{m}_{products}"
        results[f"{name}_conv3_2_forward_rel"] = relative(winograd_conv(x, w, m, products), reference)
        results[f"{name}_conv3_2_input_grad_rel"] = relative(
            winograd_conv(noise, turned(w), m, products), reference_grad
        )

    # whole network: the image gradients at a noisy start
    content_target = features(weights, content, None)[CONTENT_LAYER]
    grams = {layer: gram(f) for layer, f in features(weights, style, None).items() if layer in STYLE_LAYERS}
    torch.manual_seed(0)
    start = content + 20 * torch.randn_like(content)
    exact = {}
    for form in [None] + FORMS:
        with torch.enable_grad():
            x = start.clone().requires_grad_(True)
            f = features(weights, x, form)
            content_loss = ((f[CONTENT_LAYER] - content_target) ** 2).mean()
            style_loss = sum(
                ((gram(f[layer]) - grams[layer]) ** 2).sum() / (grams[layer] ** 2).sum()
                for layer in STYLE_LAYERS
            )
            (content_grad,) = torch.autograd.grad(content_loss, x, retain_graph=True)
            (style_grad,) = torch.autograd.grad(style_loss, x)
        if form is None:
            exact = {"content": content_grad, "style": style_grad}
            continue
        name = f"f{form[0]}_{form[1]}"
        results[f"{name}_content_grad_rel"] = relative(content_grad, exact["content"])
        results[f"{name}_style_grad_rel"] = relative(style_grad, exact["style"])
        print(f"{name}: done", file=sys.stderr, flush=True)

    print(f"picture={width}x{height}")
    for key, value in results.items():
        print(f"{key}={value:.3g}")


if __name__ == "__main__":
    main()
