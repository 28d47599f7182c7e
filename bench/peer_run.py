"""Runs one of Picasso's drift methods on a Picasso localisation file, as bench/peers.sh uses it.

    python peer_run.py FILE.hdf5 rcc|aim SEGMENTATION TRUTH.csv

Prints one line: method, segmentation, the time of loading the file and of the method (seconds,
measured inside this process, so Python's start and the imports are not in them), and the RMSE per
axis against the true drift (nm, after removing a constant offset; z only for 3D localisations,
whose AIM drift has a z column in nm, x and y being in camera pixels). The wall time of the whole
process is measured by the caller.
"""
import sys
import time

import numpy as np  # noqa: E402
from picasso import aim, io, postprocess  # noqa: E402

path, method, segmentation, truth_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
t0 = time.perf_counter()
locs, info = io.load_locs(path)
pixel = next(d["Pixelsize"] for d in info if "Pixelsize" in d)
t1 = time.perf_counter()
if method == "rcc":
    drift, _ = postprocess.undrift(locs, info, segmentation, display=False)
else:
    _, _, drift = aim.aim(locs, info, segmentation=segmentation)
t2 = time.perf_counter()
truth = np.loadtxt(truth_path, delimiter=",", skiprows=1)
columns = [np.asarray(drift["x"]) * pixel, np.asarray(drift["y"]) * pixel]
has_z = method == "aim" and "z" in getattr(drift, "columns", [])
if has_z:
    columns.append(np.asarray(drift["z"], dtype=float))  # already nm
estimate = np.stack(columns, 1)
n = min(len(estimate), len(truth))
error = estimate[:n] - truth[:n, 1:1 + estimate.shape[1]]
error -= error.mean(0)
rmse = np.sqrt((error ** 2).mean(0))
z = f"{rmse[2]:.2f}" if has_z else "-"
print(f"RESULT {method} {segmentation} load {t1 - t0:.3f} method {t2 - t1:.3f} "
      f"rmse_x {rmse[0]:.2f} rmse_y {rmse[1]:.2f} rmse_z {z}")
