#!/usr/bin/python3
"""Creates the scoring module's small test resources with Pillow 9.4 and onnx as oracles.
Run: /usr/bin/python3 make_test_resources.py OUT_DIR SHARED_FIXTURES_DIR"""
import hashlib, io, json, os, sys
import numpy as np
from PIL import Image
import onnx
from onnx import helper, TensorProto, numpy_helper

out, fixtures = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(out, "images"), exist_ok=True)
ref = {"pillow": Image.__version__, "box_resize": [], "decode": []}

def sha(b): return hashlib.sha256(b).hexdigest()

# --- box resizes of fixture images (float boxes chosen to be exact in float32)
cases = [
    ("astronaut.png", (10.5, 20.25, 300.75, 400.0), (224, 224)),
    ("astronaut.png", (0.0, 0.0, 512.0, 512.0), (97, 131)),
    ("coffee.png", (100.0, 50.0, 160.0, 90.0), (224, 224)),       # upscaling
    ("coffee.png", (0.125, 0.5, 599.5, 399.875), (600, 400)),     # same size, shifted box
    ("rocket.jpg", (33.0, 0.0, 633.0, 427.0), (1, 1)),
    ("synth_rgb_37x500.png", (3.5, 17.0, 36.0, 499.0), (64, 300)),
    ("camera.png", (0.0, 100.0, 512.0, 101.0), (512, 7)),         # only vertical work
]
for name, box, size in cases:
    im = Image.open(os.path.join(fixtures, "images", name)).convert("RGB")
    r = im.resize(size, Image.BILINEAR, box=box)
    ref["box_resize"].append({"image": name, "box": list(box), "width": size[0], "height": size[1],
                              "sha256": sha(r.tobytes())})

# --- decoder cases
rs = np.random.RandomState(7)
base = Image.fromarray(rs.randint(0, 256, (23, 31, 3), dtype=np.uint8), "RGB")
grad = Image.fromarray(np.dstack([np.tile(np.arange(31, dtype=np.uint8) * 8, (23, 1)),
                                  np.tile((np.arange(23, dtype=np.uint8) * 11)[:, None], (1, 31)),
                                  np.full((23, 31), 77, np.uint8)]), "RGB")
files = {}
def save(fname, img, **kw):
    p = os.path.join(out, "images", fname); img.save(p, **kw); files[fname] = p

save("rgb24.bmp", base)
save("palette8.bmp", base.convert("P", palette=Image.ADAPTIVE, colors=50))
save("grey8.bmp", grad.convert("L"))
frames = [grad.convert("P", palette=Image.ADAPTIVE, colors=64), base.convert("P", palette=Image.ADAPTIVE, colors=64)]
save("animated.gif", frames[0], save_all=True, append_images=frames[1:], duration=100, loop=0)
la = Image.merge("LA", (grad.convert("L"), Image.fromarray(rs.randint(0, 256, (23, 31), dtype=np.uint8))))
save("grey_alpha.png", la)
a16 = (np.asarray(grad, dtype=np.uint16) * 257 + rs.randint(0, 200, (23, 31, 3))).astype(">u2")
# 16-bit RGB PNG written by hand-free route: via PIL is awkward; use raw bytes through pypng-free encoder
import zlib, struct
def png16(path, arr):
    h, w, _ = arr.shape
    raw = b"".join(b"\x00" + arr[y].astype(">u2").tobytes() for y in range(h))
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    open(path, "wb").write(data)
p16 = os.path.join(out, "images", "rgb16.png"); png16(p16, a16); files["rgb16.png"] = p16
save("progressive.jpg", base.resize((64, 48), Image.BILINEAR), quality=90, progressive=True)
save("cmyk.jpg", base.convert("CMYK"), quality=90)
save("palette_trns.png", base.convert("P", palette=Image.ADAPTIVE, colors=16), transparency=3)
save("grey2bit.png", grad.convert("L").point(lambda v: (v // 64) * 85), bits=2)
for fname, p in sorted(files.items()):
    im = Image.open(p)
    entry = {"file": "images/" + fname, "format": im.format, "mode": im.mode, "width": im.size[0], "height": im.size[1]}
    try:
        entry["sha256"] = sha(im.convert("RGB").tobytes())
    except Exception as e:
        entry["error"] = str(e)
    ref["decode"].append(entry)

# --- tiny ONNX models for engine edge cases
def gap_gemm(name, in_shape, out_dim_name, classes, softmax, in_name="image", out_name="probs", nhwc=False, seed=1):
    r = np.random.RandomState(seed)
    W = numpy_helper.from_array(r.randn(3, classes).astype(np.float32) * 4, "W")
    B = numpy_helper.from_array(r.randn(classes).astype(np.float32), "B")
    nodes = []
    x = in_name
    if nhwc:
        nodes.append(helper.make_node("Transpose", [x], ["t"], perm=[0, 3, 1, 2])); x = "t"
    nodes += [helper.make_node("GlobalAveragePool", [x], ["g"]),
              helper.make_node("Flatten", ["g"], ["f"], axis=1),
              helper.make_node("Gemm", ["f", "W", "B"], ["logits" if softmax else out_name])]
    if softmax:
        nodes.append(helper.make_node("Softmax", ["logits"], [out_name], axis=1))
    out_shape = [in_shape[0], out_dim_name if out_dim_name else classes]
    g = helper.make_graph(nodes, name,
                          [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, in_shape)],
                          [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, out_shape)], [W, B])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_test_resources")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out, name + ".onnx"))

gap_gemm("fixed1_probabilities", [1, 3, 224, 224], None, 4, True)
gap_gemm("dynamic_classes", ["N", 3, 224, 224], "C", 3, False, in_name="pixels", out_name="scores")
gap_gemm("nhwc", ["N", 224, 224, 3], None, 5, False, nhwc=True)
gap_gemm("fixed_size_96", ["N", 3, 96, 96], None, 5, False)
gap_gemm("dynamic_hw", ["N", 3, "H", "W"], None, 5, False)

# a model whose weight W (3x5 float32, 60 bytes) lives in an external file outside the model's folder
def external_outside():
    m = onnx.load(os.path.join(out, "fixed_size_96.onnx"))
    w = [t for t in m.graph.initializer if t.name == "W"][0]
    w.ClearField("raw_data")
    w.ClearField("float_data")
    w.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "../secret.bin"), ("offset", "0"), ("length", "60")):
        e = w.external_data.add()
        e.key, e.value = k, v
    onnx.save(m, os.path.join(out, "external_outside.onnx"))
external_outside()

json.dump(ref, open(os.path.join(out, "pillow-reference.json"), "w"), indent=1)
print(json.dumps(ref, indent=1))
