#!/usr/bin/python3
"""Inputs of the Spark scoring benchmark (docs/benchmarks.md, "Scoring on Spark"); nothing here is committed output.

    /usr/bin/python3 spark/src/test/bench/make_bench_data.py spark/target/bench [--images 2000]

writes into OUT:
  images/      N photo-like 640x480 JPEGs (seeded: smooth colour fields, shapes and sensor-like noise, quality 90,
               50-100 KB each), so that decoding costs what a real photo costs
  quickstart.onnx + quickstart-labels.json
               the network `modelbuilder quickstart` trains (the local backend's resnet14: 3 stages of 2 basic blocks,
               width 16, 64x64 input, 3 classes), random weights, exported as the local backend exports it
               (input input1 [N,3,64,64], output output1 logits)
The ResNet50-size model comes from testdata/tools/make_fixtures.py --benchmark-model OUT/resnet50.onnx.
Needs Debian's python3-torch, python3-onnx, python3-pil (apt-get install --no-install-recommends -y ...).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "local", "src", "test", "bench")))
import torch_resnet  # noqa: E402  (the local backend's network, layer for layer)


def photo(rng, w, h):
    # a smooth random colour field (upsampled noise), a few shapes, then noise: decodes like a photo, not a flat image
    small = rng.integers(0, 256, size=(h // 32 + 1, w // 32 + 1, 3), dtype=np.uint8)
    img = Image.fromarray(small, "RGB").resize((w, h), Image.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(3, 9))):
        x0, y0 = int(rng.integers(0, w - 40)), int(rng.integers(0, h - 40))
        x1, y1 = x0 + int(rng.integers(20, w // 2)), y0 + int(rng.integers(20, h // 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=colour)
    pixels = np.asarray(img, dtype=np.int16) + rng.normal(0, 6, size=(h, w, 3)).astype(np.int16)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--images", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=27)
    args = ap.parse_args()
    images = os.path.join(args.out, "images")
    os.makedirs(images, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    for i in range(args.images):
        path = os.path.join(images, "photo-%05d.jpg" % i)
        img = photo(rng, 640, 480)
        if not os.path.exists(path):
            img.save(path, "JPEG", quality=90)

    torch.manual_seed(args.seed)
    net = torch_resnet.resnet([2, 2, 2], 16, 3, 64).eval()
    torch.onnx.export(net, torch.randn(1, 3, 64, 64), os.path.join(args.out, "quickstart.onnx"),
                      input_names=["input1"], output_names=["output1"], opset_version=17,
                      dynamic_axes={"input1": {0: "N"}, "output1": {0: "N"}})
    with open(os.path.join(args.out, "quickstart-labels.json"), "w") as f:
        json.dump(["circles", "squares", "triangles"], f)
    sizes = [os.path.getsize(os.path.join(images, n)) for n in os.listdir(images)]
    print("%d images, %.0f KB on average; quickstart.onnx %d bytes" % (len(sizes), sum(sizes) / len(sizes) / 1024,
          os.path.getsize(os.path.join(args.out, "quickstart.onnx"))))


if __name__ == "__main__":
    main()
