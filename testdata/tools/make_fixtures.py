#!/usr/bin/python3
"""Regenerate or check the image-classification test fixtures; make a benchmark model.

From images/, an ONNX classifier (tiny.onnx) and labels.json this computes, for every
image and two preprocessing variants, the reference outputs of the fixture folder
(testdata/src/main/resources/dev/modelbuilder/testdata/image-classification/):
  resized/<stem>__squash224.png  Pillow convert('RGB').resize((224,224), BILINEAR)
  resized/<stem>__crop224.png    torchvision Resize(256) + CenterCrop(224)
  expected.json                  crop box, tensor statistics and samples (x/255, then
                                 ImageNet mean/std, NCHW float32), logits, softmax (float64)
  MANIFEST.txt                   sha256 and size of every file
Debian's onnx 1.12 has no onnx.reference and onnxruntime is not packaged, so the ONNX
graph is run by a small torch-based interpreter (just the operators of CNN classifiers).

  apt-get install --no-install-recommends -y python3-torch python3-torchvision \\
      python3-onnx python3-pil python3-skimage python3-numpy
  /usr/bin/python3 testdata/tools/make_fixtures.py --check     # compare, exit 1 on diff
  /usr/bin/python3 testdata/tools/make_fixtures.py             # regenerate in place
  /usr/bin/python3 testdata/tools/make_fixtures.py --out DIR   # full fixture set in DIR
  /usr/bin/python3 testdata/tools/make_fixtures.py --benchmark-model /tmp/resnet50.onnx
"""
import argparse, hashlib, io, json, os, re, shutil, sys, tempfile

import numpy as np
import onnx
import torch
import torch.nn.functional as F
import torchvision
from onnx import numpy_helper
from PIL import Image
from torchvision import transforms

FIXTURES = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
    "src/main/resources/dev/modelbuilder/testdata/image-classification"))
MEAN, STD, SIZE, SHORT, TOL = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225], 224, 256, 1e-5
SAMPLES = [(0, 0), (0, 223), (112, 112), (223, 0), (223, 223), (17, 201)]  # (y, x)
PHOTO = "python3-skimage sample image"  # byte-identical copies from skimage's data folder
NOTES = {  # known fixture images in expected.json order; others are appended sorted
    "astronaut.png": PHOTO, "coffee.png": PHOTO, "rocket.jpg": PHOTO, "camera.png": PHOTO,
    "synth_rgb_37x500.png": "synthetic RGB PNG 37x500 (tall/narrow, odd)",
    "synth_gray_301x199.jpg": "synthetic grayscale (1-channel) JPEG 301x199",
    "synth_rgba_129x97.png": "synthetic RGBA PNG 129x97, alpha gradient, left quarter alpha=0",
    "synth_palette_250x256.png": "synthetic palette (P mode) PNG 250x256"}
VARIANTS = {
    "squash224": "PIL convert('RGB'); resize((224,224), Image.BILINEAR) (Pillow antialiased "
                 "triangle filter); no crop",
    "crop224": "PIL convert('RGB'); torchvision Resize(256) BILINEAR (short side -> 256, "
               "long -> int(256*long/short)); CenterCrop(224) with offsets "
               "int(round((dim-224)/2)) (round-half-to-even)"}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def run_onnx(model, x):
    """Evaluate a CNN-classifier ONNX graph on a float32 NCHW torch tensor."""
    ops = {
        "Conv": lambda i, a: F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None,
                                      a.get("strides", 1), a.get("pads", [0])[0],
                                      a.get("dilations", 1), a.get("group", 1)),
        "MaxPool": lambda i, a: F.max_pool2d(i[0], a["kernel_shape"], a["strides"],
                                             a.get("pads", [0])[0],
                                             ceil_mode=bool(a.get("ceil_mode", 0))),
        "Gemm": lambda i, a: i[0] @ (i[1].t() if a.get("transB") else i[1]) + i[2],
        "Relu": lambda i, a: F.relu(i[0]),
        "Add": lambda i, a: i[0] + i[1],
        "GlobalAveragePool": lambda i, a: i[0].mean(dim=(2, 3), keepdim=True),
        "Flatten": lambda i, a: torch.flatten(i[0], a.get("axis", 1)),
        "Identity": lambda i, a: i[0]}
    env = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy())
           for t in model.graph.initializer}
    env[model.graph.input[0].name] = x
    for n in model.graph.node:
        a = {t.name: onnx.helper.get_attribute_value(t) for t in n.attribute}
        if n.op_type not in ops or len(set(a.get("pads", [0]))) != 1 or a.get(
                "transA") or a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0:
            sys.exit(f"unsupported ONNX node {n.op_type} {a}")
        env[n.output[0]] = ops[n.op_type]([env[k] for k in n.input if k], a)
    return env[model.graph.output[0].name]


def model_info(path, model):
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    g, data = model.graph, read(path)
    return {"file": os.path.basename(path), "sha256": sha256(data), "bytes": len(data),
            "params": int(sum(np.prod(t.dims) for t in g.initializer)),
            "input": g.input[0].name, "output": g.output[0].name,
            "input_shape": dims(g.input[0]), "output_shape": dims(g.output[0]),
            "opset": max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
            "output_kind": "logits (apply softmax yourself)"}


def preprocess(rgb, variant):
    """Returns the 224x224 RGB image and its geometry (resized size, crop offsets)."""
    if variant == "squash224":
        return rgb.resize((SIZE, SIZE), Image.BILINEAR), {
            "resized_w": SIZE, "resized_h": SIZE, "crop_left": 0, "crop_top": 0}
    w, h = rgb.size
    rw, rh = (SHORT, int(SHORT * h / w)) if w <= h else (int(SHORT * w / h), SHORT)
    left, top = int(round((rw - SIZE) / 2.0)), int(round((rh - SIZE) / 2.0))
    out = rgb.resize((rw, rh), Image.BILINEAR).crop((left, top, left + SIZE, top + SIZE))
    tv = transforms.CenterCrop(SIZE)(transforms.Resize(SHORT)(rgb))  # must agree exactly
    assert np.array_equal(np.asarray(tv), np.asarray(out)), "differs from torchvision"
    return out, {"resized_w": rw, "resized_h": rh, "crop_left": left, "crop_top": top}


def to_tensor(img):  # uint8 HWC RGB -> normalised float32 CHW
    x = np.asarray(img, dtype=np.uint8).transpose(2, 0, 1).astype(np.float32) / np.float32(255)
    return (x - np.float32(MEAN)[:, None, None]) / np.float32(STD)[:, None, None]


def tensor_stats(x):
    d = x.astype(np.float64)
    return {"per_channel": [{"mean": float(c.mean()), "std": float(c.std()),
                             "min": float(c.min()), "max": float(c.max())} for c in d],
            "sum": float(d.sum()), "abs_sum": float(np.abs(d).sum()),
            "samples": [{"y": y, "x": xx, "chw": [float(v) for v in x[:, y, xx]]}
                        for y, xx in SAMPLES]}


def image_source(path, name):
    import skimage, skimage.data
    if NOTES.get(name) != PHOTO:
        return "synthetic (seeded)" if name in NOTES else "user-supplied"
    sk = os.path.join(skimage.data.data_dir, name)
    if not os.path.exists(sk) or read(sk) != read(path):
        print(f"warning: {name} is not the python3-skimage {skimage.__version__} file")
    return "python3-skimage " + skimage.__version__


def generate(images_dir, model_path, labels, out):
    """Writes out/resized/*.png and returns the expected.json document."""
    model, mname = onnx.load(model_path), os.path.splitext(os.path.basename(model_path))[0]
    os.makedirs(os.path.join(out, "resized"), exist_ok=True)
    names = sorted(os.listdir(images_dir))
    entries, batch = [], {v: [] for v in VARIANTS}
    for name in [n for n in NOTES if n in names] + [n for n in names if n not in NOTES]:
        path = os.path.join(images_dir, name)
        im = Image.open(path)
        rgb = im.convert("RGB")
        dec = np.asarray(rgb, dtype=np.uint8)
        e = {"file": f"images/{name}", "source": image_source(path, name),
             "note": NOTES.get(name, "user-supplied image"), "file_sha256": sha256(read(path)),
             "format": im.format, "mode": im.mode, "width": im.size[0], "height": im.size[1],
             "decoded_rgb_sha256": sha256(dec.tobytes()),
             "decoded_rgb_mean": [float(dec[..., c].mean()) for c in range(3)], "variants": {}}
        for variant in VARIANTS:
            img, geom = preprocess(rgb, variant)
            png = f"resized/{os.path.splitext(name)[0]}__{variant}.png"
            img.save(os.path.join(out, png))
            x = to_tensor(img)
            with torch.no_grad():
                lg = run_onnx(model, torch.from_numpy(x[None]))[0].numpy()
            z = np.exp(lg.astype(np.float64) - lg.max())
            k = int(np.argmax(lg))
            e["variants"][variant] = {
                "geometry": geom, "resized_png": png,
                "resized_rgb_sha256": sha256(np.asarray(img, dtype=np.uint8).tobytes()),
                "tensor": tensor_stats(x),
                "outputs": {mname: {"logits": lg.tolist(), "softmax": (z / z.sum()).tolist(),
                                    "argmax": k, "label": labels[k]}}}
            batch[variant].append((x, lg))
        entries.append(e)
    with torch.no_grad():  # the whole image set as one batch vs image by image
        batch = {f"{v}/{mname}": float(np.abs(run_onnx(model, torch.from_numpy(np.stack(
            [x for x, _ in xs]))).numpy() - np.stack([lg for _, lg in xs])).max())
            for v, xs in batch.items()}
    return {"format_version": 1,
            "generator": {"tool": "make_fixtures.py", "python": sys.version.split()[0],
                          "torch": torch.__version__, "torchvision": torchvision.__version__,
                          "onnx": onnx.__version__, "pillow": Image.__version__,
                          "numpy": np.__version__},
            "labels": labels,
            "preprocessing": {"layout": "NCHW", "dtype": "float32", "color": "RGB",
                              "size": [SIZE, SIZE], "scale": "x/255", "mean": MEAN,
                              "std": STD, "variants": VARIANTS},
            "models": {mname: model_info(model_path, model)},
            "batch_vs_single_max_abs_logit_diff_torch": batch, "images": entries}


def compare(a, b, where, skip, diffs, maxdiff):
    """Collects mismatches in diffs; numbers with a float among them must agree within TOL."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted((set(a) | set(b)) - skip):
            if k not in a or k not in b:
                diffs.append(f"{where}/{k}: only in {'committed' if k in a else 'regenerated'}")
            else:
                compare(a[k], b[k], f"{where}/{k}", skip, diffs, maxdiff)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{where}[{i}]", skip, diffs, maxdiff)
    elif float in (type(a), type(b)) and {type(a), type(b)} <= {int, float}:
        field = re.sub(r"\[\d+\]|/images|/variants/\w+", "", where).lstrip("/")
        maxdiff[field] = max(maxdiff.get(field, 0.0), abs(a - b))
        if abs(a - b) > TOL:
            diffs.append(f"{where}: {a!r} != {b!r}")
    elif a != b:
        diffs.append(f"{where}: {a!r} != {b!r}")


def check(folder, images_dir, model_path, labels):
    old = json.loads(read(os.path.join(folder, "expected.json")))
    diffs, maxdiff = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        new = generate(images_dir, model_path, labels, tmp)
        pngs = sorted(set(os.listdir(os.path.join(tmp, "resized")))
                      | set(os.listdir(os.path.join(folder, "resized"))))
        for png in pngs:
            pair = [os.path.join(d, "resized", png) for d in (tmp, folder)]
            if not all(map(os.path.exists, pair)) or not np.array_equal(
                    *[np.asarray(Image.open(p)) for p in pair]):
                diffs.append(f"resized/{png}: pixels differ or file missing")
    # Not reproducible: the provenance block of the original run (tool, options,
    # versions) and outputs of models we were not given (e.g. the 94 MB resnet50).
    lost = set(old.get("models", {})) - set(new["models"])
    compare(old, new, "", {"generator"} | lost | {f"{v}/{m}" for v in VARIANTS for m in lost},
            diffs, maxdiff)
    for fn, indent in (("labels.json", 1), ("bestModelMap.json", None)):
        if read(os.path.join(folder, fn)).decode() != json.dumps(labels, indent=indent) + "\n":
            diffs.append(f"{fn}: differs from --labels")
    for line in read(os.path.join(folder, "MANIFEST.txt")).decode().splitlines():
        h, size, rel = line.split()
        data = read(os.path.join(folder, rel))
        if sha256(data) != h or len(data) != int(size):
            diffs.append(f"MANIFEST.txt: {rel} sha256/size mismatch")
    print(f"checked {len(new['images'])} images: {len(pngs)} resized PNGs pixel-exact, "
          f"expected.json numbers within {TOL:g}, labels, MANIFEST.txt")
    print("skipped: generator" + "".join(f", {m} (model not available)" for m in sorted(lost)))
    print("max abs differences:\n" + "".join(f"  {k:<45} {v:.3g}\n" for k, v in maxdiff.items()))
    for d in diffs[:40]:
        print("MISMATCH", d)
    print(f"CHECK {'FAILED' if diffs else 'PASSED'} ({len(diffs)} mismatches)")
    return 1 if diffs else 0


def benchmark_model(path, classes, seed):
    torch.manual_seed(seed)
    net = torchvision.models.resnet50(weights=None, num_classes=classes).eval()
    buf = io.BytesIO()
    torch.onnx.export(net, torch.zeros(1, 3, SIZE, SIZE), buf, opset_version=17,
                      input_names=["input1"], output_names=["output1"],
                      dynamic_axes={"input1": {0: "N"}, "output1": {0: "N"}})
    m = onnx.load_from_string(buf.getvalue())
    m.doc_string = f"torchvision resnet50, random weights (seed {seed}), NOT trained"
    onnx.checker.check_model(m)
    onnx.save(m, path)
    x = torch.randn(2, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        d = float((net(x) - run_onnx(m, x)).abs().max())
    data = read(path)
    print(f"wrote {path}: {len(data)} bytes, sha256 {sha256(data)}\n  input1 [N,3,224,224] "
          f"-> output1 [N,{classes}] logits, opset 17; torch vs ONNX max |diff| {d:.2g}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--images", default=os.path.join(FIXTURES, "images"))
    ap.add_argument("--model", default=os.path.join(FIXTURES, "tiny.onnx"))
    ap.add_argument("--labels", default=os.path.join(FIXTURES, "labels.json"),
                    help="JSON array of labels in class-index order")
    ap.add_argument("--out", default=FIXTURES, help="fixture folder to write or --check")
    ap.add_argument("--check", action="store_true", help="compare with --out, write nothing")
    ap.add_argument("--benchmark-model", metavar="OUT.onnx",
                    help="write a random-weight ResNet50 classifier (~94 MB) and exit")
    ap.add_argument("--classes", type=int, default=5, help="benchmark model classes")
    ap.add_argument("--seed", type=int, default=20240601, help="benchmark model seed")
    args = ap.parse_args()
    if args.benchmark_model:
        return benchmark_model(args.benchmark_model, args.classes, args.seed)
    labels = json.loads(read(args.labels))
    if args.check:
        return check(args.out, args.images, args.model, labels)
    out = os.path.abspath(args.out)
    if os.path.abspath(args.images) != os.path.join(out, "images"):
        shutil.copytree(args.images, os.path.join(out, "images"), dirs_exist_ok=True)
    if os.path.dirname(os.path.abspath(args.model)) != out:
        shutil.copy(args.model, out)
    shutil.rmtree(os.path.join(out, "resized"), ignore_errors=True)
    expected = generate(args.images, args.model, labels, out)
    for fn, obj, indent in (("expected.json", expected, 1), ("labels.json", labels, 1),
                            ("bestModelMap.json", labels, None)):
        with open(os.path.join(out, fn), "w") as f:
            f.write(json.dumps(obj, indent=indent) + "\n")
    rows = []
    for root, _, files in os.walk(out):
        for rel in (os.path.relpath(os.path.join(root, f), out) for f in files):
            if rel != "MANIFEST.txt":
                data = read(os.path.join(out, rel))
                rows.append((rel, f"{sha256(data)}  {len(data):>10}  {rel}\n"))
    with open(os.path.join(out, "MANIFEST.txt"), "w") as f:
        f.writelines(r for _, r in sorted(rows))
    print(f"wrote {out}: {len(expected['images'])} images, resized/, expected.json, MANIFEST.txt")


if __name__ == "__main__":
    sys.exit(main())
