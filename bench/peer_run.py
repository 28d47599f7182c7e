"""Runs one of Picasso's drift methods on a Picasso localisation file, as bench/peers.sh uses it.

    python peer_run.py FILE.hdf5 rcc|aim SEGMENTATION TRUTH.csv

Prints one line: method, segmentation, the time of loading and of the method, and the RMSE per axis
against the true drift (nm, after removing a constant offset). The wall time of the whole process is
measured by the caller.
"""
import sys
import time

t0 = time.perf_counter()
import numpy as np  # noqa: E402
from picasso import aim, io, postprocess  # noqa: E402

path, method, segmentation, truth_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
locs, info = io.load_locs(path)
pixel = next(d["Pixelsize"] for d in info if "Pixelsize" in d)
t1 = time.perf_counter()
if method == "rcc":
    drift, _ = postprocess.undrift(locs, info, segmentation, display=False)
else:
    _, _, drift = aim.aim(locs, info, segmentation=segmentation)
t2 = time.perf_counter()
truth = np.loadtxt(truth_path, delimiter=",", skiprows=1)
estimate = np.stack([np.asarray(drift["x"]), np.asarray(drift["y"])], 1) * pixel
n = min(len(estimate), len(truth))
error = estimate[:n] - truth[:n, 1:3]
error -= error.mean(0)
rmse = np.sqrt((error ** 2).mean(0))
print(f"RESULT {method} {segmentation} load {t1 - t0:.2f} method {t2 - t1:.2f} rmse_x {rmse[0]:.2f} rmse_y {rmse[1]:.2f}")
