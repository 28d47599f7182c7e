#!/usr/bin/env python3
"""Regenerate the TIFF test fixtures in Tests/Fixtures/images/ (read by Tests/DriftIOTests/TIFFStackTests.swift).

How to run (from the repository root; numpy and tifffile are in bench/.venv):

    bench/.venv/bin/python Tests/Fixtures/images/make_tiff_fixtures.py

Every file is written by the real tifffile library (no hand-made TIFF bytes, except the cut and the
text file below), is deterministic (the one random part, the OME UUID, is fixed) and is under 100 KB.
The script overwrites what it writes and nothing else, then reads every file back with tifffile and
checks it against what was meant to be written.

Pixel patterns (t = time point, z = slice, y = row, x = column; the Swift tests compute the same):

    pattern8(t, y, x)   = (t*100 + y*2 + x) mod 256                        uint8
    pattern16(t, y, x)  = (t*20000 + y*300 + x*7) mod 65536                uint16
    patternF(t, y, x)   = t*100 + y*2 + x*0.25 - 300.5                     float32 (exact)
    patternI16(t, y, x) = t*1000 - y*300 - x                               int16 (negative too)
    patternD(t, y, x)   = t + y*0.125 + x*0.001                            float64
    patternTZ(t, z, y, x) = t*1000 + z*100 + y*2 + x                       uint16

Files (H x W = 24 x 32 unless stated):

    plain_uint8.tif        5 pages, pattern8, one strip per page
    plain_uint16.tif       5 pages, pattern16
    plain_float32.tif      5 pages, patternF
    plain_float64.tif      3 pages of 6 x 5, patternD
    bigtiff_int16.tif      BigTIFF, 3 pages, patternI16
    deflate_uint16.tif     5 pages, pattern16, deflate + horizontal predictor, 5 rows per strip
    tiled_float32.tif      5 pages, patternF, deflate, 16 x 16 tiles (the last tile row is partial)
    imagej_hyperstack.tif  ImageJ hyperstack T=3, Z=4, uint16 patternTZ; 10 pixels per um
                           (100 nm), spacing 0.25 um, unit um
    imagej_slices.tif      ImageJ stack of 5 images written as slices=5 (no frames=), pattern8
    imagej_channels.tif    ImageJ hyperstack T=2, C=2 (to be refused)
    ome_tzyx.tif           OME-TIFF T=3, Z=2 (DimensionOrder XYCZT), uint16 patternTZ,
                           PhysicalSizeX/Y 0.065, PhysicalSizeZ 0.3 (default unit um)
    ome_ztyx.tif           the same data stored Z-slowest (DimensionOrder XYCTZ), sizes in nm
                           (65, 65, 300)
    ome_channels.tif       OME-TIFF with SizeC=2 (to be refused)
    rgb.tif                one 8 x 8 RGB page (to be refused)
    plain_int8.tif         2 pages of int8, pattern8 - 128 (8-bit signed samples, to be refused)
    mixed_sizes.tif        2 pages of 24 x 32 then one of 16 x 16, uint16 (page 2 to be refused)
    truncated_ifd.tif      plain_uint16.tif cut at byte 7000: tifffile writes the first directory,
                           all pixel data, then directories 1-4, so the chain breaks after page 0
    truncated_data.tif     3 pages of pattern16 written one by one (directory, then its data), the
                           last 500 bytes cut: every directory is intact, page 2's strip is short
    not_a_tiff.tif         a text file
"""

import os
import uuid

import numpy as np
import tifffile

HERE = os.path.dirname(os.path.abspath(__file__))
H, W = 24, 32

# tifffile puts a time-based uuid1 into OME-XML; fix it so reruns give the same bytes.
uuid.uuid1 = lambda *args, **kwargs: uuid.UUID("12345678-1234-5678-1234-567812345678")


def path(name):
    return os.path.join(HERE, name)


def grid(t, h=H, w=W):
    tt, yy, xx = np.meshgrid(np.arange(t), np.arange(h), np.arange(w), indexing="ij")
    return tt, yy, xx


def pattern8(t):
    tt, yy, xx = grid(t)
    return ((tt * 100 + yy * 2 + xx) % 256).astype(np.uint8)


def pattern16(t):
    tt, yy, xx = grid(t)
    return ((tt * 20000 + yy * 300 + xx * 7) % 65536).astype(np.uint16)


def pattern_f(t):
    tt, yy, xx = grid(t)
    return (tt * 100 + yy * 2 + xx * 0.25 - 300.5).astype(np.float32)


def pattern_i16(t):
    tt, yy, xx = grid(t)
    return (tt * 1000 - yy * 300 - xx).astype(np.int16)


def pattern_d(t, h, w):
    tt, yy, xx = grid(t, h, w)
    return (tt + yy * 0.125 + xx * 0.001).astype(np.float64)


def pattern_tz(t, z):
    tt, zz, yy, xx = np.meshgrid(np.arange(t), np.arange(z), np.arange(H), np.arange(W), indexing="ij")
    return (tt * 1000 + zz * 100 + yy * 2 + xx).astype(np.uint16)


def main():
    written = {}

    def put(name, data, **kwargs):
        tifffile.imwrite(path(name), data, **kwargs)
        written[name] = data

    put("plain_uint8.tif", pattern8(5), photometric="minisblack")
    put("plain_uint16.tif", pattern16(5), photometric="minisblack")
    put("plain_float32.tif", pattern_f(5), photometric="minisblack")
    put("plain_float64.tif", pattern_d(3, 6, 5), photometric="minisblack")
    put("bigtiff_int16.tif", pattern_i16(3), photometric="minisblack", bigtiff=True)
    put("deflate_uint16.tif", pattern16(5), photometric="minisblack", compression="zlib",
        predictor=True, rowsperstrip=5)
    put("tiled_float32.tif", pattern_f(5), photometric="minisblack", compression="zlib", tile=(16, 16))

    put("imagej_hyperstack.tif", pattern_tz(3, 4), imagej=True, resolution=(10.0, 10.0),
        metadata={"axes": "TZYX", "spacing": 0.25, "unit": "um"})
    put("imagej_slices.tif", pattern8(5), imagej=True, metadata={"axes": "ZYX"})
    put("imagej_channels.tif", pattern8(4).reshape(2, 2, H, W), imagej=True, metadata={"axes": "TCYX"})

    tz = pattern_tz(3, 2)
    put("ome_tzyx.tif", tz, ome=True, photometric="minisblack",
        metadata={"axes": "TZYX", "PhysicalSizeX": 0.065, "PhysicalSizeY": 0.065, "PhysicalSizeZ": 0.3})
    put("ome_ztyx.tif", np.ascontiguousarray(tz.transpose(1, 0, 2, 3)), ome=True, photometric="minisblack",
        metadata={"axes": "ZTYX", "PhysicalSizeX": 65, "PhysicalSizeXUnit": "nm", "PhysicalSizeY": 65,
                  "PhysicalSizeYUnit": "nm", "PhysicalSizeZ": 300, "PhysicalSizeZUnit": "nm"})
    put("ome_channels.tif", pattern16(2), ome=True, photometric="minisblack", metadata={"axes": "CYX"})

    rgb = np.arange(8 * 8 * 3, dtype=np.uint8).reshape(8, 8, 3)
    put("rgb.tif", rgb, photometric="rgb")

    put("plain_int8.tif", (pattern8(2).astype(np.int16) - 128).astype(np.int8), photometric="minisblack")

    with tifffile.TiffWriter(path("mixed_sizes.tif")) as tw:
        tw.write(pattern16(2), photometric="minisblack")
        tw.write(np.ones((16, 16), np.uint16), photometric="minisblack")

    # truncated_ifd.tif: the plain uint16 stack cut in the middle of the last page's data, which
    # tifffile writes before directories 1 to 4.
    with open(path("plain_uint16.tif"), "rb") as f:
        whole = f.read()
    offsets = [p.offset for p in tifffile.TiffFile(path("plain_uint16.tif")).pages]
    assert offsets[1] > 7000, offsets
    with open(path("truncated_ifd.tif"), "wb") as f:
        f.write(whole[:7000])

    # truncated_data.tif: pages written one by one (directory before data), the last 500 bytes cut.
    data = pattern16(3)
    with tifffile.TiffWriter(path("truncated_data.tif")) as tw:
        for page in data:
            tw.write(page, photometric="minisblack", contiguous=False)
    with open(path("truncated_data.tif"), "rb") as f:
        whole = f.read()
    with tifffile.TiffFile(path("truncated_data.tif")) as tf:
        last = tf.pages[2]
        assert last.dataoffsets[0] + last.databytecounts[0] == len(whole), "page 2's data is not last"
        assert last.offset < last.dataoffsets[0]
    with open(path("truncated_data.tif"), "wb") as f:
        f.write(whole[:-500])

    with open(path("not_a_tiff.tif"), "w") as f:
        f.write("This is a text file named .tif, not an image.\n")

    # Read back and check.
    for name, expected in written.items():
        got = tifffile.imread(path(name))
        assert got.dtype == expected.dtype, name
        assert np.array_equal(got.reshape(expected.shape), expected), name
    with tifffile.TiffFile(path("imagej_hyperstack.tif")) as tf:
        ij = tf.imagej_metadata
        assert (ij["images"], ij["slices"], ij["frames"], ij["spacing"], ij["unit"]) == (12, 4, 3, 0.25, "um"), ij
        assert tf.pages[0].tags["XResolution"].value == (10, 1)
    with tifffile.TiffFile(path("imagej_slices.tif")) as tf:
        assert tf.imagej_metadata["slices"] == 5 and "frames" not in tf.imagej_metadata
    for name, order in (("ome_tzyx.tif", "XYCZT"), ("ome_ztyx.tif", "XYCTZ")):
        with tifffile.TiffFile(path(name)) as tf:
            assert f'DimensionOrder="{order}"' in tf.pages[0].description, name
    with tifffile.TiffFile(path("mixed_sizes.tif")) as tf:
        assert [p.shape for p in tf.pages] == [(H, W), (H, W), (16, 16)]
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".tif"):
            size = os.path.getsize(path(name))
            assert size < 100_000, (name, size)
            print(f"{name:24s} {size:7d} bytes")


if __name__ == "__main__":
    main()
