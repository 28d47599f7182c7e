"""Runs NanoPyx's drift estimator on a PYME image stack, as bench/images.sh uses it.

    python stack_peer.py STACK.h5 TRUTH.csv PIXEL_NM TIME_AVERAGING MAX_DRIFT_PX

The stack (/ImageData, (N, x, y) with y fastest) is loaded into memory first and not timed, as the
issue's figures were measured ("the stack already loaded"); then
`nanopyx.methods.drift_alignment.estimator.DriftEstimator().estimate(stack, time_averaging=...,
max_expected_drift=..., ref_option=0, apply=False)` (each frame against frame 0) is timed inside
this process. An untimed run on the first 16 frames goes first, so that the Liquid Engine's choice of
implementation and any compilation are not in the time. Prints one line: the time of loading, the
time of the method (s), and the RMSE per axis against the true drift (px, after removing a
constant offset; NanoPyx's table holds the correction, so the better of both signs is taken).
"""
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
from nanopyx.methods.drift_alignment.estimator import DriftEstimator  # noqa: E402

path, truth_path = sys.argv[1], sys.argv[2]
pixel, averaging, max_drift = float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
t0 = time.perf_counter()
with h5py.File(path, "r") as f:
    stack = np.ascontiguousarray(np.asarray(f["ImageData"], dtype=np.float32).transpose(0, 2, 1))
t1 = time.perf_counter()
params = dict(time_averaging=averaging, max_expected_drift=max_drift, ref_option=0, apply=False)
DriftEstimator(verbose=False).estimate(stack[:16], **params)
t2 = time.perf_counter()
estimator = DriftEstimator(verbose=False)
estimator.estimate(stack, **params)
t3 = time.perf_counter()
table = np.asarray(estimator.estimator_table.drift_table, dtype=float)  # columns: |d|, x, y (px)
truth = np.loadtxt(truth_path, delimiter=",", skiprows=1)
n = min(len(table), len(truth))
rmse = []
for column, axis in ((1, 1), (2, 2)):
    best = None
    for sign in (1, -1):
        e = sign * table[:n, column] - truth[:n, axis] / pixel
        e -= e.mean()
        r = float(np.sqrt((e ** 2).mean()))
        best = r if best is None else min(best, r)
    rmse.append(best)
print(f"load {t1 - t0:.3f} method {t3 - t2:.3f} rmse {rmse[0]:.4f} {rmse[1]:.4f}")
