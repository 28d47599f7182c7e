"""Makes the small NumPy archives NumpyArchiveTests reads (drift.npz is a real PYME drift file).

Run from this folder with NumPy installed: python make_npz.py (from the repository root:
cd Tests/Fixtures/pyme && ../../../bench/.venv/bin/python make_npz.py). The archives written here have
fixed timestamps; stored.npz comes from numpy.savez itself (zip64 headers, the time of the run).
"""
import io
import zipfile

import numpy as np


def npy(array, version=None):
    """The bytes of one .npy file (format version 1, or `version`)."""
    b = io.BytesIO()
    np.lib.format.write_array(b, array, version=version, allow_pickle=False)
    return b.getvalue()


def archive(name, members, compression=zipfile.ZIP_STORED):
    """A zip archive (file name or file object) of .npy members, with fixed timestamps."""
    with zipfile.ZipFile(name, "w", compression=compression) as z:
        for member, data in members.items():
            z.writestr(zipfile.ZipInfo(member, date_time=(2024, 1, 1, 0, 0, 0)), data, compress_type=compression)


# Stored (uncompressed) members of every supported type, little-endian, as np.savez writes them.
np.savez("stored.npz",
         f4=np.array([1.5, -2.25], "<f4"),
         f8=np.array([[0.1, -1e300, 2.5], [3.0, 4.0, -0.0]], "<f8"),
         i1=np.array([-128, 127], "i1"),
         i2=np.array([-3, 7], "<i2"),
         i4=np.array([-2147483648, 5], "<i4"),
         i8=np.array([-(2 ** 53), 9], "<i8"),
         u1=np.array([0, 255], "u1"),
         u2=np.array([65535, 1], "<u2"),
         u4=np.array([4294967295, 2], "<u4"),
         u8=np.array([2 ** 63, 3], "<u8"),
         b1=np.array([True, False]),
         scalar=np.array(7.25))

# Big-endian members, deflated, one of them in format version 2 and one in version 3.
archive("bigendian.npz", {
    "f8.npy": npy(np.array([[1.0, -2.5, 3.25], [4.0, 5.0, 6.0e-5]], ">f8")),
    "f4.npy": npy(np.array([0.5, -8.0], ">f4"), version=(2, 0)),
    "i4.npy": npy(np.array([-7, 1000000], ">i4"), version=(3, 0)),
    "u2.npy": npy(np.array([258, 65535], ">u2")),
    "i8.npy": npy(np.array([-1, 2 ** 40], ">i8")),
}, compression=zipfile.ZIP_DEFLATED)

# A PYME-like drift file whose tIndex holds strings.
archive("strings.npz", {
    "tIndex.npy": npy(np.array(["531", "1531"], "<U8")),
    "drift.npy": npy(np.zeros((2, 3))),
})

# A two-dimensional array in Fortran order.
archive("fortran.npz", {"a.npy": npy(np.asfortranarray(np.arange(6.0).reshape(2, 3)))})

# A drift file whose tIndex goes backwards.
archive("unsorted.npz", {
    "tIndex.npy": npy(np.array([531.0, 1531.0, 1000.0])),
    "drift.npy": npy(np.zeros((3, 3))),
})

# A member whose data stops short of its shape (the archive itself is sound).
whole = npy(np.arange(10.0))
archive("short.npz", {"a.npy": whole[:-20]})

# A deflated archive cut off after 60 % of its bytes.
b = io.BytesIO()
np.savez_compressed(b, tIndex=np.arange(100.0), drift=np.zeros((100, 3)))
data = b.getvalue()
with open("truncated.npz", "wb") as f:
    f.write(data[: len(data) * 6 // 10])

# Not a zip archive at all.
with open("notzip.npz", "w") as f:
    f.write("tIndex,drift\n")

# A stored archive with one byte of a member's data changed: its CRC no longer matches.
b = io.BytesIO()
member = npy(np.arange(10.0))
archive(b, {"a.npy": member})
data = bytearray(b.getvalue())
at = data.find(member) + len(member) - 3
data[at] ^= 0xFF
with open("corrupt.npz", "wb") as f:
    f.write(bytes(data))

# Drift points whose spline would overflow (found by fuzz.sh): drift beyond 1 m, and frames 1e-300 apart.
archive("huge.npz", {
    "tIndex.npy": npy(np.array([0.0, 0.5, 1.0])),
    "drift.npy": npy(np.array([[-1e308, 0, 0], [0, 0, 0], [1e308, 0, 0]])),
})
archive("close.npz", {
    "tIndex.npy": npy(np.array([0.0, 1e-300, 5.0])),
    "drift.npy": npy(np.array([[0, 0, 0], [1, 0, 0], [3, 0, 0]])),
})
