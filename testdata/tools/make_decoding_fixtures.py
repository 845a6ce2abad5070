#!/usr/bin/python3
"""Write (or check) the decoding fixtures: one small file per kind of image and Pillow's decode of it.

For every file in testdata/src/main/resources/dev/modelbuilder/testdata/decoding/ this writes
  <name>                 the encoded image (written by Pillow, or by the small hand-written PNG/GIF/BMP
                         encoders below for what Pillow cannot write: Adam7, 16-bit colour, short
                         palettes, offset GIF frames, BMP in 4 and 16 bits, bit fields, RLE, top-down,
                         OS/2 headers)
  pillow/<name>.png      Pillow's Image.open(f).convert('RGB'), stored as an 8-bit RGB PNG
  decoding.json          per file: kind, Pillow's format and mode, size, SHA-256 of the RGB bytes,
                         and what the file covers
YCCK JPEG is the one kind Pillow cannot write: tools/MakeYcckJpeg.java writes it with the JDK's
JPEG writer (`java testdata/tools/MakeYcckJpeg.java IN.png OUT.jpg`); this script calls it when
`java` is on the PATH and otherwise keeps the committed file. Pillow decodes it like the others.

  apt-get install --no-install-recommends -y python3-pil python3-numpy
  /usr/bin/python3 testdata/tools/make_decoding_fixtures.py            # write in place
  /usr/bin/python3 testdata/tools/make_decoding_fixtures.py --check    # decode again, compare
  /usr/bin/python3 testdata/tools/make_decoding_fixtures.py --bench DIR [--size 4000x3000]
      # large files of every kind in DIR, Pillow's decodes as DIR/<name>.rgb (raw RGB bytes)
      # and Pillow's decode times in DIR/pillow-times.json (for the pipeline's decode benchmark)
"""
import argparse, hashlib, io, json, os, random, shutil, struct, subprocess, sys, time, zlib

import numpy as np
import PIL
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "src/main/resources/dev/modelbuilder/testdata/decoding"))
PHOTO = os.path.normpath(os.path.join(HERE, "..",
    "src/main/resources/dev/modelbuilder/testdata/image-classification/images/astronaut.png"))


def sha256(b):
    return hashlib.sha256(b).hexdigest()


# ---------------------------------------------------------------- hand-written PNG encoder
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_rows(rows, bpp, rnd):
    """Each row with a filter type drawn at random, so that a decoder meets all five."""
    out, prev = [], None
    for row in rows:
        ft = rnd.randrange(5)
        up = prev if prev is not None else bytes(len(row))
        f = bytearray(len(row))
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = up[i]
            c = up[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][ft]
            f[i] = (x - pred) & 0xFF
        out.append(bytes([ft]) + bytes(f))
        prev = row
    return b"".join(out)


def pack_row(samples, bits):
    """Samples of one row (ints) packed at the bit depth, big-endian for 16 bits."""
    if bits == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if bits == 8:
        return bytes(samples)
    out, acc, n = bytearray(), 0, 0
    for s in samples:
        acc = (acc << bits) | s
        n += bits
        if n == 8:
            out.append(acc)
            acc, n = 0, 0
    if n:
        out.append(acc << (8 - n))
    return bytes(out)


def write_png(path, arr, colour_type, bits, palette=None, trns=None, interlace=False, idat_parts=1, seed=1):
    """arr: HxWxC ints (C = channels of the colour type). Returns nothing; writes the file."""
    h, w, ch = arr.shape
    rnd = random.Random(seed)
    bpp = max(1, ch * bits // 8)
    raw = b""
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = arr[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            rows = [pack_row([int(v) for v in sub[y].reshape(-1)], bits) for y in range(sub.shape[0])]
            raw += filter_rows(rows, bpp, rnd)
    else:
        rows = [pack_row([int(v) for v in arr[y].reshape(-1)], bits) for y in range(h)]
        raw = filter_rows(rows, bpp, rnd)
    z = zlib.compress(raw, 9)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bits, colour_type, 0, 0,
                                                                1 if interlace else 0))
    if palette is not None:
        data += chunk(b"PLTE", bytes(palette))
    if trns is not None:
        data += chunk(b"tRNS", trns)
    step = (len(z) + idat_parts - 1) // idat_parts
    for i in range(0, len(z), step):
        data += chunk(b"IDAT", z[i:i + step])
    data += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- GIF surgery
def gif_blocks(d):
    """(offset of the first image descriptor, size of the global colour table) of a Pillow-written GIF."""
    flags = d[10]
    gct = 3 * (2 << (flags & 7)) if flags & 0x80 else 0
    pos = 13 + gct
    while d[pos] != 0x2C:
        assert d[pos] == 0x21, "unexpected block"
        pos += 2
        while d[pos]:
            pos += 1 + d[pos]
        pos += 1
    return pos, gct


def gif_with(frame, screen, offset, background=0, transparency=None, local_palette=False, no_palette=False):
    b = io.BytesIO()
    kw = {} if transparency is None else {"transparency": transparency}
    frame.save(b, "GIF", **kw)
    d = bytearray(b.getvalue())
    d[6:10] = struct.pack("<HH", *screen)
    d[11] = background
    desc, gct = gif_blocks(d)
    d[desc + 1:desc + 5] = struct.pack("<HH", *offset)
    if local_palette or no_palette:
        table = bytes(d[13:13 + gct])
        gbits = d[10] & 7
        d[10] &= 0x7F  # no global table
        del d[13:13 + gct]
        desc -= gct
        if local_palette:
            d[desc + 9] = (d[desc + 9] & 0x78) | 0x80 | gbits
            d[desc + 10:desc + 10] = table
    return bytes(d)


def gif_literal_codes(path, w, h, indices, palette, min_code_size=7):
    """A GIF whose LZW data are plain literals (a clear code every 126 of them keeps the codes 8 bits wide)."""
    clear = 1 << min_code_size
    codes = []
    for i, p in enumerate(indices):
        if i % 126 == 0:
            codes.append(clear)
        codes.append(p)
    codes.append(clear + 1)
    data, acc, n = bytearray(), 0, 0
    for c in codes:
        acc |= c << n
        n += min_code_size + 1
        while n >= 8:
            data.append(acc & 255)
            acc >>= 8
            n -= 8
    if n:
        data.append(acc & 255)
    bits = max(0, (len(palette) // 3).bit_length() - 2)
    d = b"GIF89a" + struct.pack("<HHBBB", w, h, 0x80 | bits, 0, 0) + bytes(palette)
    d += b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0) + bytes([min_code_size])
    for i in range(0, len(data), 255):
        d += bytes([len(data[i:i + 255])]) + bytes(data[i:i + 255])
    with open(path, "wb") as f:
        f.write(d + b"\x00;")


# ---------------------------------------------------------------- the fixtures
def photo(w, h, x=150, y=120):
    return Image.open(PHOTO).convert("RGB").crop((x, y, x + w, y + h))


def fixtures(out):
    """Writes every fixture file into out; returns [(name, kind, covers)]."""
    rs = np.random.RandomState(20240607)
    items = []

    def add(name, kind, covers):
        items.append((name, kind, covers))
        return os.path.join(out, name)

    base = photo(96, 64)
    arr = np.asarray(base)
    grey = np.asarray(base.convert("L"))
    alpha = np.tile(np.linspace(0, 255, 96).astype(np.uint8), (64, 1))
    alpha[:, :20] = 0  # fully transparent columns with colour underneath: alpha is dropped, not composited

    # PNG: every colour type and bit depth, as Pillow writes them and as hand-written files
    base.save(add("png_rgb8.png", "PNG", "8-bit RGB"))
    Image.fromarray(np.dstack([arr, alpha]), "RGBA").save(add("png_rgba8.png", "PNG", "8-bit RGBA, alpha dropped"))
    base.save(add("png_rgb8_trns.png", "PNG", "8-bit RGB with a tRNS colour"), transparency=tuple(int(v) for v in arr[0, 0]))
    Image.fromarray(grey, "L").save(add("png_grey8.png", "PNG", "8-bit grey"))
    Image.fromarray(grey, "L").save(add("png_grey8_trns.png", "PNG", "8-bit grey with a tRNS value"), transparency=int(grey[0, 0]))
    Image.fromarray(np.dstack([grey, alpha]), "LA").save(add("png_grey_alpha8.png", "PNG", "8-bit grey + alpha"))
    Image.fromarray(grey > 110).save(add("png_grey1.png", "PNG", "1-bit grey (mode 1)"))
    for bits in (2, 4):
        levels = (1 << bits) - 1
        q = (grey.astype(int) * levels // 255) * (255 // levels)
        Image.fromarray(q.astype(np.uint8), "L").save(add("png_grey%d.png" % bits, "PNG", "%d-bit grey" % bits),
                                                      bits=bits)
    g16 = (grey.astype(np.int64) * 257 + rs.randint(0, 257, grey.shape)).clip(0, 65535)
    g16[0, :8] = [0, 1, 200, 255, 256, 30000, 65534, 65535]
    write_png(add("png_grey16.png", "PNG", "16-bit grey (mode I): Pillow clips at 255, 200 stays 200, 30000 is 255"),
              g16[:, :, None], 0, 16)
    write_png(add("png_grey16_interlaced.png", "PNG", "16-bit grey, Adam7"), g16[:, :, None], 0, 16, interlace=True, seed=2)
    write_png(add("png_grey_alpha16.png", "PNG", "16-bit grey + alpha (Pillow keeps the high byte)"),
              np.dstack([g16, rs.randint(0, 65536, g16.shape)]), 4, 16, seed=3)
    a16 = (arr.astype(np.int64) * 257 + rs.randint(0, 257, arr.shape)).clip(0, 65535)
    write_png(add("png_rgb16.png", "PNG", "16-bit RGB (high byte)"), a16, 2, 16, seed=4)
    write_png(add("png_rgba16.png", "PNG", "16-bit RGBA (high byte, alpha dropped)"),
              np.dstack([a16, rs.randint(0, 65536, a16.shape[:2])]), 6, 16, seed=5)
    write_png(add("png_rgb16_trns.png", "PNG", "16-bit RGB with a tRNS colour"), a16, 2, 16, seed=6,
              trns=struct.pack(">HHH", *[int(v) for v in a16[0, 0]]))
    write_png(add("png_rgb8_interlaced.png", "PNG", "8-bit RGB, Adam7, every filter type"), arr, 2, 8,
              interlace=True, seed=7)
    write_png(add("png_rgb8_filters_idats.png", "PNG", "8-bit RGB, every filter type, data split over 7 IDAT chunks"),
              arr, 2, 8, idat_parts=7, seed=8)
    write_png(add("png_grey2_interlaced.png", "PNG", "2-bit grey, Adam7"), (grey // 64)[:, :, None], 0, 2,
              interlace=True, seed=9)
    # an odd size where Adam7 passes are empty
    write_png(add("png_rgb8_interlaced_3x2.png", "PNG", "Adam7 with empty passes (3x2)"), arr[:2, :3], 2, 8,
              interlace=True, seed=10)
    for bits in (1, 2, 4, 8):
        colours = 1 << bits
        p = base.quantize(colors=min(colours, 256))
        pal = p.getpalette()[:3 * colours]
        idx = np.asarray(p)
        write_png(add("png_palette%d.png" % bits, "PNG", "%d-bit palette" % bits), idx[:, :, None], 3, bits,
                  palette=pal + [0] * (3 * colours - len(pal)), seed=11 + bits)
    p4 = base.quantize(colors=16)
    pal16 = p4.getpalette()[:48]
    write_png(add("png_palette4_interlaced_trns.png", "PNG", "4-bit palette, Adam7, tRNS alphas"),
              np.asarray(p4)[:, :, None], 3, 4, palette=pal16, trns=bytes(range(0, 160, 20)), interlace=True, seed=16)
    # a palette of 5 entries with indices 0..255: past the palette Pillow shows index i as grey (i, i, i)
    short = (np.arange(96 * 64).reshape(64, 96) * 7 % 256).astype(np.uint8)
    write_png(add("png_palette_short.png", "PNG", "8-bit palette of 5 entries, indices up to 255: index i past "
                  "the palette is grey (i, i, i)"), short[:, :, None], 3, 8,
              palette=[255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 200, 100, 50], seed=17)
    write_png(add("png_palette2_short.png", "PNG", "2-bit palette of 3 entries, index 3 used"),
              (np.arange(96 * 64).reshape(64, 96) % 4)[:, :, None].astype(np.uint8), 3, 2,
              palette=[9, 8, 7, 6, 5, 4, 3, 2, 1], seed=18)

    # GIF: the first frame on its logical screen
    frame = photo(40, 30, 200, 200).quantize(colors=32)
    with open(add("gif_offset.gif", "GIF", "40x30 frame at (17,9) on a 96x64 screen, background index 5, no "
                  "transparency: the canvas is index 0"), "wb") as f:
        f.write(gif_with(frame, (96, 64), (17, 9), background=5))
    with open(add("gif_offset_trns.gif", "GIF", "frame at (3,20), transparency index 7: the canvas is index 7"),
              "wb") as f:
        f.write(gif_with(frame, (96, 64), (3, 20), background=2, transparency=7))
    with open(add("gif_beyond_screen.gif", "GIF", "frame at (30,50) reaching past a 50x40 screen: the canvas "
                  "grows to 70x80"), "wb") as f:
        f.write(gif_with(frame, (50, 40), (30, 50)))
    with open(add("gif_local_palette.gif", "GIF", "offset frame with a local colour table, none global"),
              "wb") as f:
        f.write(gif_with(frame, (64, 48), (5, 6), local_palette=True))
    with open(add("gif_no_palette.gif", "GIF", "no colour table at all: indices are grey levels (mode L)"),
              "wb") as f:
        f.write(gif_with(frame, (64, 48), (5, 6), no_palette=True))
    gif_literal_codes(add("gif_short_palette.gif", "GIF", "a colour table of 4 entries, indices up to 119: index i "
                          "past the table is grey (i, i, i)"), 96, 64, [(i * 7) % 120 for i in range(96 * 64)],
                      [200, 10, 20, 30, 200, 40, 50, 60, 200, 90, 80, 70])
    big = photo(96, 64, 10, 300).quantize(colors=200)
    big.save(add("gif_interlaced.gif", "GIF", "interlaced 96x64, 200 colours"), interlace=True)
    frames = [photo(96, 64, 300, 100).quantize(colors=64), base.quantize(colors=64)]
    frames[0].save(add("gif_animated.gif", "GIF", "two frames: the first one is used"), save_all=True,
                   append_images=frames[1:], duration=100, loop=0)

    # JPEG in every colour model
    base.save(add("jpeg_rgb420.jpg", "JPEG", "YCbCr 4:2:0"), quality=90)
    base.save(add("jpeg_rgb444.jpg", "JPEG", "YCbCr 4:4:4"), quality=90, subsampling=0)
    base.save(add("jpeg_rgb422.jpg", "JPEG", "YCbCr 4:2:2"), quality=90, subsampling=1)
    base.save(add("jpeg_progressive.jpg", "JPEG", "progressive 4:2:0"), quality=85, progressive=True)
    Image.fromarray(grey, "L").save(add("jpeg_grey.jpg", "JPEG", "grey"), quality=90)
    cmyk = base.convert("CMYK")
    cmyk_arr = np.asarray(cmyk).copy()
    cmyk_arr[:, :, 3] = (grey.astype(int) // 3).astype(np.uint8)  # a black channel that is not all zero
    cmyk = Image.fromarray(cmyk_arr, "CMYK")
    cmyk.save(add("jpeg_cmyk.jpg", "JPEG", "CMYK as Pillow writes it: Adobe marker, inverted samples"), quality=92)
    cmyk.save(add("jpeg_cmyk_progressive.jpg", "JPEG", "CMYK, progressive"), quality=92, progressive=True)
    with open(os.path.join(out, "jpeg_cmyk.jpg"), "rb") as f:
        d = f.read()
    i = d.index(b"\xff\xee")  # drop the Adobe APP14 segment: the samples are then read as not inverted
    n = struct.unpack(">H", d[i + 2:i + 4])[0]
    with open(add("jpeg_cmyk_no_adobe.jpg", "JPEG", "CMYK without an Adobe marker: samples read as stored"),
              "wb") as f:
        f.write(d[:i] + d[i + 2 + n:])
    ycck = add("jpeg_ycck.jpg", "JPEG", "YCCK (Adobe transform 2), written by tools/MakeYcckJpeg.java")
    if shutil.which("java"):
        src = os.path.join(out, "_ycck_source.png")
        # The JDK's writer takes the samples as YCCK already: convert as libjpeg's cmyk_ycck_convert does, from
        # CMYK stored inverted (as Adobe applications store it): R = 255 - C', ..., YCbCr of that, K' unchanged.
        stored = 255 - cmyk_arr.astype(np.float64)
        r, g, b = 255 - stored[:, :, 0], 255 - stored[:, :, 1], 255 - stored[:, :, 2]
        y = 0.299 * r + 0.587 * g + 0.114 * b
        cb = -0.168735892 * r - 0.331264108 * g + 0.5 * b + 128
        cr = 0.5 * r - 0.418687589 * g - 0.081312411 * b + 128
        ycck_arr = np.dstack([y, cb, cr, stored[:, :, 3]]).round().clip(0, 255).astype(np.uint8)
        Image.fromarray(ycck_arr, "RGBA").save(src)
        subprocess.run(["java", os.path.join(HERE, "MakeYcckJpeg.java"), src, ycck], check=True)
        os.remove(src)
    elif not os.path.exists(ycck):
        sys.exit("java is needed once to write jpeg_ycck.jpg")

    # TIFF: 8-bit RGB and grey in every compression, the first page of many, and the variants
    for comp, label in (("raw", "uncompressed"), ("tiff_lzw", "LZW"), ("tiff_adobe_deflate", "deflate"),
                        ("packbits", "PackBits"), ("jpeg", "JPEG")):
        short_name = comp.replace("tiff_", "").replace("adobe_", "")
        base.save(add("tiff_rgb_%s.tif" % short_name, "TIFF", "8-bit RGB, " + label), compression=comp)
        if comp != "jpeg":
            Image.fromarray(grey, "L").save(add("tiff_grey_%s.tif" % short_name, "TIFF", "8-bit grey, " + label),
                                            compression=comp)
    Image.fromarray(np.dstack([arr, alpha]), "RGBA").save(add("tiff_rgba_lzw.tif", "TIFF", "8-bit RGBA, LZW"),
                                                           compression="tiff_lzw")
    base.save(add("tiff_multipage.tif", "TIFF", "three pages: the first is used"), save_all=True,
              append_images=[photo(96, 64, 0, 0), photo(50, 50, 30, 30)], compression="tiff_lzw")
    Image.fromarray(g16.astype(np.uint16)).save(add("tiff_grey16.tif", "TIFF", "16-bit grey (I;16): Pillow "
                                                    "clips at 255"))
    cmyk.save(add("tiff_cmyk.tif", "TIFF", "8-bit CMYK, naive CMYK to RGB"), compression="tiff_lzw")
    Image.fromarray(grey > 110).save(add("tiff_bilevel.tif", "TIFF", "1-bit, uncompressed"))
    base.quantize(colors=60).save(add("tiff_palette.tif", "TIFF", "8-bit palette, LZW"), compression="tiff_lzw")
    Image.fromarray(np.dstack([grey, alpha]), "LA").save(add("tiff_grey_alpha.tif", "TIFF", "8-bit grey + alpha"),
                                                         compression="tiff_adobe_deflate")
    base.save(add("tiff_rgb_lzw_predictor.tif", "TIFF", "8-bit RGB, LZW with horizontal differencing"),
              compression="tiff_lzw", tiffinfo={317: 2})

    # WebP
    base.save(add("webp_lossy.webp", "WEBP", "lossy (VP8)"), quality=80)
    base.save(add("webp_lossless.webp", "WEBP", "lossless (VP8L)"), lossless=True)
    rgba = Image.fromarray(np.dstack([arr, alpha]), "RGBA")
    rgba.save(add("webp_lossy_alpha.webp", "WEBP", "lossy with alpha (VP8X, ALPH): alpha dropped"), quality=80)
    rgba.save(add("webp_lossless_alpha.webp", "WEBP", "lossless with alpha: alpha dropped, colour under "
                  "transparent pixels as stored"), lossless=True, exact=True)
    anim = [photo(96, 64, 300, 100), base]
    anim[0].save(add("webp_animated.webp", "WEBP", "animated, two frames: the first one is used"), save_all=True,
                 append_images=anim[1:], duration=100, loop=0, quality=80)

    # BMP: what Pillow writes (24-bit, 8-bit palette and grey, 1-bit, 32-bit from RGBA), the rest hand-written
    base.save(add("bmp_rgb24.bmp", "BMP", "24-bit"))
    Image.fromarray(grey, "L").save(add("bmp_grey8.bmp", "BMP", "8-bit grey palette"))
    base.quantize(colors=50).save(add("bmp_palette8.bmp", "BMP", "8-bit palette"))
    bmp_fixtures(add, rs)
    return items


# ---------------------------------------------------------------- hand-written BMP encoder
def bmp_rows(rows, bits, width):
    """Rows of samples (palette indices, or packed pixel ints for 16 and 32 bits) packed and padded to 4 bytes."""
    out = []
    for row in rows:
        if bits == 32:
            b = b"".join(struct.pack("<I", int(v)) for v in row)
        elif bits == 24:
            b = bytes(int(v) for px in row for v in px)
        elif bits == 16:
            b = b"".join(struct.pack("<H", int(v)) for v in row)
        else:
            b = pack_row([int(v) for v in row], bits)
        out.append(b + bytes(-len(b) % 4))
    return out


def bmp_file(path, width, height, bits, data, header=40, compression=0, masks=None, palette=None, colours=0,
             top_down=False):
    """A BMP: data is the pixel data as stored; palette a list of (r, g, b); masks for BI_BITFIELDS."""
    h = -height if top_down else height
    if palette is not None and header != 12 and len(palette) < (1 << bits):
        colours = colours or len(palette)  # else Pillow reads 2^bits entries, running into the pixel data
    if header == 12:
        info = struct.pack("<IHHHH", 12, width, height, 1, bits)
    else:
        info = struct.pack("<IiiHHIIiiII", header, width, h, 1, bits, compression, len(data), 2835, 2835, colours, 0)
        if header >= 108:
            m = list(masks or (0, 0, 0)) + [0] * (4 - len(masks or (0, 0, 0)))
            info += struct.pack("<IIII", *m) + b"BGRs" + bytes(36) + bytes(12)
        if header == 124:
            info += struct.pack("<IIII", 4, 0, 0, 0)
        elif header == 40 and masks is not None:
            info += b"".join(struct.pack("<I", v) for v in masks[:3])  # after a 40-byte header
    table = b""
    if palette is not None:
        table = b"".join(bytes((b, g, r)) + (b"" if header == 12 else b"\0") for r, g, b in palette)
    offset = 14 + len(info) + len(table)
    with open(path, "wb") as f:
        f.write(b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + info + table + data)


def rle_encode(rows, four_bit, odd_literals=False, delta=False):
    """RLE8 or RLE4 of rows of indices (stored order): runs of equal pixels encoded, the rest as literal runs."""
    out = bytearray()
    for y, row in enumerate(rows):
        row = [int(v) for v in row]
        x, n = 0, len(row)
        if delta and y == 3:
            out += bytes([0, 2, 5, 0])  # skip 5 pixels: they stay index 0
            x = 5
        while x < n:
            run = 1
            if four_bit:
                while x + run < n and run < 255 and row[x + run] == row[x + run - 2 if run >= 2 else x]:
                    run += 1
            else:
                while x + run < n and run < 255 and row[x + run] == row[x]:
                    run += 1
            if run >= 3 or n - x < 3:
                take = run if run >= 3 else 1
                if four_bit:
                    second = row[x + 1] if take > 1 else 0
                    out += bytes([take, (row[x] << 4) | second])
                else:
                    out += bytes([take, row[x]])
                x += take
                continue
            lit = 3
            while x + lit < n and lit < (254 if four_bit else 255):
                lit += 1
                if lit >= 12:
                    break
            if four_bit and lit % 2 and not odd_literals:
                lit = lit + 1 if x + lit < n else lit - 1  # a literal run of 2 would read as a delta code
            if lit < 3:
                out += bytes([1, row[x] << 4 if four_bit else row[x]])
                x += 1
                continue
            vals = row[x:x + lit]
            if four_bit:
                packed = bytes((vals[i] << 4) | (vals[i + 1] if i + 1 < len(vals) else 0) for i in range(0, len(vals), 2))
            else:
                packed = bytes(vals)
            out += bytes([0, lit]) + packed + bytes(len(packed) % 2)
            x += lit
        out += b"\0\0"
    return bytes(out + b"\0\1")


def bmp_fixtures(add, rs):
    img = photo(45, 30, 260, 180)  # an odd width: every row is padded
    w, h = img.size
    arr = np.asarray(img).astype(int)
    bottom_up = arr[::-1]
    note = "hand-written by make_decoding_fixtures.py"

    # what Pillow itself writes
    Image.fromarray(np.asarray(img.convert("L")) > 110).save(add("bmp_1bit.bmp", "BMP", "1-bit black and white "
                                                                  "(written by Pillow): Pillow's mode 1"))
    rgba = Image.fromarray(np.dstack([np.asarray(img), rs.randint(0, 256, (h, w)).astype(np.uint8)]), "RGBA")
    rgba.save(add("bmp_rgba32_pillow.bmp", "BMP", "32-bit BI_RGB from an RGBA image (written by Pillow): the 4th "
                  "byte ignored"))

    # palettes of 1, 4 and 8 bits
    p2 = img.quantize(colors=2)
    idx2 = np.asarray(p2)[::-1]
    pal2 = [tuple(p2.getpalette()[3 * i:3 * i + 3]) for i in range(2)]
    bmp_file(add("bmp_palette1.bmp", "BMP", "1-bit, two colours, " + note), w, h, 1, b"".join(bmp_rows(idx2, 1, w)),
             palette=pal2)
    p16 = img.quantize(colors=16)
    pal16 = [tuple(p16.getpalette()[3 * i:3 * i + 3]) for i in range(16)]
    idx16 = np.asarray(p16)[::-1]
    bmp_file(add("bmp_palette4.bmp", "BMP", "4-bit palette, " + note), w, h, 4, b"".join(bmp_rows(idx16, 4, w)),
             palette=pal16)
    p12 = img.quantize(colors=12)
    pal12 = [tuple(p12.getpalette()[3 * i:3 * i + 3]) for i in range(12)]
    idx_short = (np.asarray(p12).astype(int) + (np.arange(w) % 3 == 0) * 20)[::-1]  # some indices 20..31
    bmp_file(add("bmp_palette8_short.bmp", "BMP", "8-bit, a palette of 12 entries (biClrUsed 12), indices up to "
                  "31: index i past the palette is grey (i, i, i), " + note), w, h, 8,
             b"".join(bmp_rows(idx_short, 8, w)), palette=pal12, colours=12)
    greys = [(i, i, i) for i in range(256)]
    bmp_file(add("bmp_palette4_almost_grey.bmp", "BMP", "4-bit, palette of the greys 0..14 and white: not Pillow's "
                  "exact grey ramp, so read through the palette, " + note), w, h, 4,
             b"".join(bmp_rows(idx16, 4, w)), palette=greys[:15] + [(255, 255, 255)])
    ramp_idx = (np.arange(w * h).reshape(h, w) * 5 % 256)[::-1]
    bmp_file(add("bmp_grey_ramp8_short.bmp", "BMP", "8-bit, a palette of 64 entries that is the exact grey ramp "
                  "(biClrUsed 64), indices up to 255: Pillow's mode L, every index i grey (i, i, i), " + note), w, h,
             8, b"".join(bmp_rows(ramp_idx, 8, w)), palette=greys[:64], colours=64)
    bmp_file(add("bmp_os2_palette8.bmp", "BMP", "OS/2 1.x header (12 bytes), 8-bit palette of 3-byte entries, "
                  + note), w, h, 8, b"".join(bmp_rows(np.asarray(p16)[::-1], 8, w)), header=12,
             palette=pal16 + [(0, 0, 0)] * 240)

    # 16 bits: 5-5-5 (BI_RGB) and 5-6-5, 5-5-5 (BI_BITFIELDS); the top bit set in some 5-5-5 pixels
    r5, g5, b5, g6 = arr[:, :, 0] >> 3, arr[:, :, 1] >> 3, arr[:, :, 2] >> 3, arr[:, :, 1] >> 2
    p555 = (r5 << 10) | (g5 << 5) | b5 | ((np.arange(w) % 2) << 15)
    p565 = (r5 << 11) | (g6 << 5) | b5
    p555[0, :8] = [0, 0x7FFF, 0x1F, 0x3E0, 0x7C00, 0x0421, 0x4210, 0x8000]
    p565[0, :8] = [0, 0xFFFF, 0x1F, 0x7E0, 0xF800, 0x0821, 0x8410, 0x0020]
    bmp_file(add("bmp_rgb16_555.bmp", "BMP", "16-bit BI_RGB (5-5-5), " + note), w, h, 16,
             b"".join(bmp_rows(p555[::-1], 16, w)))
    bmp_file(add("bmp_rgb16_565_bitfields.bmp", "BMP", "16-bit BI_BITFIELDS 5-6-5, " + note), w, h, 16,
             b"".join(bmp_rows(p565[::-1], 16, w)), compression=3, masks=(0xF800, 0x7E0, 0x1F))
    bmp_file(add("bmp_rgb16_555_bitfields_v5.bmp", "BMP", "16-bit BI_BITFIELDS 5-5-5, V5 header, " + note), w, h,
             16, b"".join(bmp_rows((p555 & 0x7FFF)[::-1], 16, w)), header=124, compression=3,
             masks=(0x7C00, 0x3E0, 0x1F, 0))

    # 32 bits: BI_RGB, and BI_BITFIELDS in each layout Pillow reads
    a8 = rs.randint(0, 256, (h, w))
    R, G, B = arr[:, :, 0], arr[:, :, 1], arr[:, :, 2]
    bmp_file(add("bmp_rgb32.bmp", "BMP", "32-bit BI_RGB, random 4th byte: ignored, " + note), w, h, 32,
             b"".join(bmp_rows(((a8 << 24) | (R << 16) | (G << 8) | B)[::-1], 32, w)))
    bmp_file(add("bmp_bitfields32_bgrx.bmp", "BMP", "32-bit BI_BITFIELDS (FF0000, FF00, FF) after a 40-byte "
                  "header, " + note), w, h, 32, b"".join(bmp_rows(((a8 << 24) | (R << 16) | (G << 8) | B)[::-1], 32, w)),
             compression=3, masks=(0xFF0000, 0xFF00, 0xFF))
    bmp_file(add("bmp_bitfields32_bgra_v4.bmp", "BMP", "32-bit BI_BITFIELDS with an alpha mask, V4 header: alpha "
                  "dropped, " + note), w, h, 32, b"".join(bmp_rows(((a8 << 24) | (R << 16) | (G << 8) | B)[::-1], 32, w)),
             header=108, compression=3, masks=(0xFF0000, 0xFF00, 0xFF, 0xFF000000))
    bmp_file(add("bmp_bitfields32_rgba_v5.bmp", "BMP", "32-bit BI_BITFIELDS (FF, FF00, FF0000, FF000000), V5 "
                  "header: alpha dropped, " + note), w, h, 32,
             b"".join(bmp_rows(((a8 << 24) | (B << 16) | (G << 8) | R)[::-1], 32, w)),
             header=124, compression=3, masks=(0xFF, 0xFF00, 0xFF0000, 0xFF000000))
    bmp_file(add("bmp_bitfields32_xbgr_v5.bmp", "BMP", "32-bit BI_BITFIELDS (FF000000, FF0000, FF00), V5 header, "
                  + note), w, h, 32, b"".join(bmp_rows(((R << 24) | (G << 16) | (B << 8) | a8)[::-1], 32, w)),
             header=124, compression=3, masks=(0xFF000000, 0xFF0000, 0xFF00, 0))

    # top-down (negative height)
    bmp_file(add("bmp_rgb24_top_down.bmp", "BMP", "24-bit, negative height (rows top-down), " + note), w, h, 24,
             b"".join(bmp_rows(arr[:, :, ::-1], 24, w)), top_down=True)
    bmp_file(add("bmp_palette8_top_down.bmp", "BMP", "8-bit palette, top-down, " + note), w, h, 8,
             b"".join(bmp_rows(np.asarray(p16), 8, w)), palette=pal16, top_down=True)

    # RLE: runs and literals; posterized so that runs occur
    poster = img.quantize(colors=6)
    pal6 = [tuple(poster.getpalette()[3 * i:3 * i + 3]) for i in range(6)]
    pidx = np.asarray(poster)[::-1]
    bmp_file(add("bmp_rle8.bmp", "BMP", "RLE8: runs, literal runs, end-of-line and end-of-bitmap codes, " + note),
             w, h, 8, rle_encode(pidx, False), compression=1, palette=pal6)
    bmp_file(add("bmp_rle4.bmp", "BMP", "RLE4: runs of two alternating indices, literal runs of even length, "
                  + note), w, h, 4, rle_encode(pidx, True), compression=2, palette=pal6)
    bmp_file(add("bmp_rle8_delta.bmp", "BMP", "RLE8 with a delta code in row 3: Pillow 9.4 reads the two bytes "
                  "after the delta's own as its offsets, " + note), w, h, 8, rle_encode(pidx, False, delta=True),
             compression=1, palette=pal6)
    bmp_file(add("bmp_rle4_odd_literals.bmp", "BMP", "RLE4 with literal runs of odd length: Pillow 9.4 unpacks "
                  "n // 2 bytes of them, " + note), w, h, 4, rle_encode(pidx, True, odd_literals=True),
             compression=2, palette=pal6)


def describe(out, items):
    entries = []
    os.makedirs(os.path.join(out, "pillow"), exist_ok=True)
    for name, kind, covers in items:
        path = os.path.join(out, name)
        im = Image.open(path)
        rgb = im.convert("RGB")
        ref = os.path.join(out, "pillow", name + ".png")
        # only the samples: convert() keeps a transparency colour in info, which save() would write as tRNS
        Image.frombytes("RGB", rgb.size, rgb.tobytes()).save(ref, optimize=False)
        entries.append({"file": name, "kind": kind, "format": im.format, "mode": im.mode, "width": rgb.size[0],
                        "height": rgb.size[1], "sha256": sha256(rgb.tobytes()), "covers": covers})
    doc = {"pillow": PIL.__version__, "rule": "Image.open(file).convert('RGB')", "files": entries}
    with open(os.path.join(out, "decoding.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return doc


def check(out):
    with open(os.path.join(out, "decoding.json")) as f:
        doc = json.load(f)
    bad = 0
    for e in doc["files"]:
        rgb = Image.open(os.path.join(out, e["file"])).convert("RGB")
        ref = Image.open(os.path.join(out, "pillow", e["file"] + ".png"))
        if sha256(rgb.tobytes()) != e["sha256"] or ref.tobytes() != rgb.tobytes():
            print("MISMATCH", e["file"])
            bad += 1
    print("%d files, %d mismatches" % (len(doc["files"]), bad))
    return 1 if bad else 0


def ycck_jpeg(cmyk, path):
    """A YCCK JPEG of a CMYK image through tools/MakeYcckJpeg.java, converted as for the fixture."""
    if not shutil.which("java"):
        sys.exit("java is needed to write the YCCK benchmark file")
    stored = 255 - np.asarray(cmyk).astype(np.float32)
    r, g, b = 255 - stored[:, :, 0], 255 - stored[:, :, 1], 255 - stored[:, :, 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = -0.168735892 * r - 0.331264108 * g + 0.5 * b + 128
    cr = 0.5 * r - 0.418687589 * g - 0.081312411 * b + 128
    src = path + ".source.png"
    Image.fromarray(np.dstack([y, cb, cr, stored[:, :, 3]]).round().clip(0, 255).astype(np.uint8), "RGBA").save(
        src, compress_level=1)
    subprocess.run(["java", os.path.join(HERE, "MakeYcckJpeg.java"), src, path], check=True)
    os.remove(src)


def short_palette_png(path, indices, palette):
    """An 8-bit palette PNG whose PLTE holds fewer entries than its indices reach (filter 0: fast to write)."""
    h, w = indices.shape
    raw = np.hstack([np.zeros((h, 1), np.uint8), indices.astype(np.uint8)]).tobytes()
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0))
                + chunk(b"PLTE", bytes(palette)) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def bench(folder, w, h):
    """Large files of each kind, Pillow's decodes (raw RGB) and Pillow's decode times."""
    os.makedirs(folder, exist_ok=True)
    src = Image.open(PHOTO).convert("RGB").resize((w, h), Image.BICUBIC)
    noise = np.random.RandomState(5).randint(-12, 13, (h, w, 3))
    arr = (np.asarray(src).astype(int) + noise).clip(0, 255).astype(np.uint8)  # photo-like detail at full size
    img = Image.fromarray(arr, "RGB")
    grey = img.convert("L")
    kinds = {
        "jpeg_rgb420.jpg": lambda p: img.save(p, quality=90),
        "jpeg_cmyk.jpg": lambda p: img.convert("CMYK").save(p, quality=90),
        "jpeg_ycck.jpg": lambda p: ycck_jpeg(img.convert("CMYK"), p),
        "png_rgb8.png": lambda p: img.save(p),
        "png_grey16.png": lambda p: Image.fromarray((np.asarray(grey).astype(np.int32) * 300)).save(p),
        "png_palette8.png": lambda p: img.quantize(colors=256).save(p),
        "png_palette_short.png": lambda p: short_palette_png(p, np.asarray(img.quantize(colors=256)),
                                                             img.quantize(colors=256).getpalette()[:3 * 100]),
        "gif_offset.gif": lambda p: open(p, "wb").write(
            gif_with(img.crop((0, 0, w - 200, h - 100)).quantize(colors=256), (w, h), (150, 60))),
        "tiff_rgb_raw.tif": lambda p: img.save(p, compression="raw"),
        "tiff_rgb_lzw.tif": lambda p: img.save(p, compression="tiff_lzw"),
        "tiff_rgb_deflate.tif": lambda p: img.save(p, compression="tiff_adobe_deflate"),
        "tiff_grey_lzw.tif": lambda p: grey.save(p, compression="tiff_lzw"),
        "tiff_rgb_jpeg.tif": lambda p: img.save(p, compression="jpeg"),
        "webp_lossy.webp": lambda p: img.save(p, quality=80),
        "webp_lossless.webp": lambda p: img.save(p, lossless=True, method=0),
        "bmp_rgb24.bmp": lambda p: img.save(p),
    }
    times = {}
    for name, write in kinds.items():
        p = os.path.join(folder, name)
        write(p)
        best = None
        for _ in range(5):
            t0 = time.perf_counter()
            rgb = Image.open(p).convert("RGB")
            rgb.load()
            t = time.perf_counter() - t0
            best = t if best is None else min(best, t)
        with open(p + ".rgb", "wb") as f:
            f.write(rgb.tobytes())
        times[name] = {"best_ms": round(best * 1000, 1), "width": rgb.size[0], "height": rgb.size[1],
                       "bytes": os.path.getsize(p)}
        print(name, times[name])
    with open(os.path.join(folder, "pillow-times.json"), "w") as f:
        json.dump({"pillow": PIL.__version__, "runs": 5, "statistic": "best of 5, open + convert('RGB')",
                   "files": times}, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--check", action="store_true", help="decode the committed files again and compare")
    ap.add_argument("--bench", metavar="DIR", help="write large benchmark files into DIR instead")
    ap.add_argument("--size", default="4000x3000", help="benchmark image size, WxH")
    a = ap.parse_args()
    if PIL.__version__ != "9.4.0":
        print("warning: the reference is Pillow 9.4.0 (Debian 12), this is " + PIL.__version__, file=sys.stderr)
    if a.bench:
        w, h = (int(v) for v in a.size.split("x"))
        bench(a.bench, w, h)
        return 0
    if a.check:
        return check(a.out)
    os.makedirs(a.out, exist_ok=True)
    doc = describe(a.out, fixtures(a.out))
    print("%d fixtures in %s" % (len(doc["files"]), a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
