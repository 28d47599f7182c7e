#!/usr/bin/env bash
# Accuracy of `driftmpi estimate` against the simulator's truth over a grid of data and options:
# methods (RCC, MCC, DCC) in 2D and 3D, segment lengths with and without refinement, density and
# drift size. RMSE after removing a constant offset, nm, and wall time on one rank (release build).
# Writes the table into docs/benchmarks.md. A benchmark, not a test: CI does not run it.
#
#   bash bench/accuracy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
source bench/lib.sh
bin=$(bench_binary)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

simulate() {  # name, then simulate options
  local name=$1; shift
  [ -f "$work/$name.hdf5" ] || "$bin" simulate locs --force "$work/$name.hdf5" --frames 20000 "$@" > "$work/$name.sim"
}
rows() { sed -n 's/^wrote \([0-9]*\) localisations.*/\1/p' "$work/$1.sim"; }

section="$work/section.md"
{
  echo "## Accuracy against the truth (bench/accuracy.sh)"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on: $(bench_machine); release build, 1 rank."
  echo "Data: \`driftmpi simulate locs --frames 20000\` (256 x 256 pixels of 130 nm; dense = 5000 sites,"
  echo "sparse = 500; drift = largest x-y excursion). RMSE per axis against the true drift at every frame,"
  echo "after removing a constant offset. Options not named are the defaults (RCC, window 5, 1000-frame"
  echo "segments, 60 nm bins, refinement on)."
  echo
  echo "| data | localisations | options | RMSE x (nm) | RMSE y (nm) | RMSE z (nm) | time (s) |"
  echo "|---|---|---|---|---|---|---|"
} > "$section"

run() {  # data name, label, estimate options...
  local name=$1 label=$2; shift 2
  local start end out
  start=$(date +%s%N)
  out=$("$bin" estimate --force "$work/$name.hdf5" -o "$work/r.h5" --truth "$work/${name}_truth.csv" --quiet "$@")
  end=$(date +%s%N)
  local line x y z
  line=$(echo "$out" | sed -n 's/^RMSE against the truth: //p')
  x=$(echo "$line" | sed -n 's/.*x \([0-9.]*\) nm.*/\1/p')
  y=$(echo "$line" | sed -n 's/.*y \([0-9.]*\) nm.*/\1/p')
  z=$(echo "$line" | sed -n 's/.*z \([0-9.]*\) nm.*/\1/p')
  local ms=$(( (end - start) / 1000000 ))
  printf '| %s | %s | %s | %s | %s | %s | %d.%02d |\n' "$name" "$(rows "$name")" "$label" "$x" "$y" "${z:--}" \
    $(( ms / 1000 )) $(( ms % 1000 / 10 )) | tee -a "$section"
}

simulate dense-300nm --seed 1
simulate dense-300nm-3D --seed 2 --z
simulate sparse-300nm --seed 4 --sites 500
simulate dense-1000nm --seed 5 --drift-nm 1000

for m in rcc mcc dcc; do
  run dense-300nm "$m" --method "$m"
  run dense-300nm-3D "$m, 3D" --method "$m"
done
for f in 500 1000 2000; do
  run dense-300nm "segments $f, no refinement" --segment-frames "$f" --no-refine
  run dense-300nm "segments $f" --segment-frames "$f"
done
run dense-300nm "segments of 25,000 localisations" --segment-locs 25000
run dense-300nm "window all" --window all
run dense-300nm-3D "3D flattened (--dims 2)" --dims 2
run sparse-300nm "defaults"
run sparse-300nm "segments 2000, --refine-locs 2000" --segment-frames 2000 --refine-locs 2000
run dense-1000nm "defaults"

echo >> "$section"
bench_replace_section "## Accuracy against the truth (bench/accuracy.sh)" "$section"
