#!/usr/bin/env bash
# One command from a fresh Debian machine: installs what is missing, builds driftmpi (release),
# simulates a 20,000-frame SMLM data set with a known drift, estimates the drift on 2 MPI ranks and
# prints the error against the truth and where the result is.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh

swift build -c release
bin="$(swift build -c release --show-bin-path)/driftmpi"

mkdir -p demo
"$bin" simulate locs demo/demo.hdf5 --frames 20000 --seed 1 --force   # --force: run again, the demo is remade
mpirun -n 2 "$bin" estimate demo/demo.hdf5 -o demo/drift.h5 --truth demo/demo_truth.csv --timings --force
echo
echo "Result: $(pwd)/demo/drift.h5 (drift in nm at every frame: /drift/xyz; see docs/formats.md)"
