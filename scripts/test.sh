#!/usr/bin/env bash
# One command from a fresh Debian machine: installs what is missing, builds, and runs every test:
# the unit tests of DriftCore and DriftIO and the MPI integration tests, which launch the built
# driftmpi under mpirun at 1 to 4 ranks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh

swift build
swift build --build-tests
# The integration tests run the release build, as users do (the refinement is slow unoptimised).
swift build -c release
export DRIFTMPI_BIN="$(swift build -c release --show-bin-path)/driftmpi"
swift test --skip-build --disable-swift-testing   # XCTest only (Swift Testing has no tests here)
# The file readers under libFuzzer + ASan: replays Tests/Fuzz/regressions, then 5 s per target
# (docs/testing.md; the first build into .build-fuzz takes about 5 min on 2 cores, then under 1 min).
bash scripts/fuzz.sh 5
# Under AddressSanitizer when DRIFTMPI_SANITIZERS=1 (or =address, =undefined, =all): up to 16 min more
# on 2 cores, which would take CI past 25 min, so not by default (docs/testing.md, "Sanitizers").
case "${DRIFTMPI_SANITIZERS:-0}" in 0) ;; 1) bash scripts/sanitizers.sh address ;; *) bash scripts/sanitizers.sh "$DRIFTMPI_SANITIZERS" ;; esac
# The Slurm job scripts in jobs/ on a one-node Slurm cluster started here (installs slurm-wlm and
# munge if missing; root or sudo; about 15 s). Its line "slurm-test: N passed, 0 failed" closes the run.
bash scripts/slurm-test.sh
