#!/usr/bin/env bash
# driftmpi side by side with Picasso (PyPI picassosr): Picasso RCC (1000- and 2000-frame segments)
# and AIM against `driftmpi estimate` (release, 1 and 2 ranks) on the same simulated files, with
# wall time and RMSE against the truth. Writes the table into docs/benchmarks.md. A benchmark, not a
# test: CI does not run it. Needs PyPI for the first run (a virtual environment in bench/.venv).
#
#   bash bench/peers.sh [--small]     (--small: only the 500,000-localisation set)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
source bench/lib.sh
small=${1:-}

dpkg-query -W -f='${Status}' python3-venv 2>/dev/null | grep -q "install ok installed" || python3 -m venv --help >/dev/null 2>&1 || \
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; }
venv=bench/.venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import picasso" 2>/dev/null || "$venv/bin/pip" install -q picassosr
picasso_version=$("$venv/bin/pip" show picassosr | sed -n 's/^Version: //p')

bin=$(bench_binary)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ms() { printf '%d.%02d' $(( $1 / 1000 )) $(( $1 % 1000 / 10 )); }
now() { date +%s%N; }

section="$work/section.md"
{
  echo "## Side by side with Picasso (bench/peers.sh)"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on: $(bench_machine); driftmpi release build; Picasso $picasso_version"
  echo "(picassosr from PyPI) in a virtual environment. Wall time of the whole process: for Picasso, Python"
  echo "start, imports, loading the file and the drift method (no file written); for driftmpi, process start"
  echo "to the result file written (under mpirun for 2 ranks). RMSE per axis against the simulator's true"
  echo "drift at every frame, after removing a constant offset. Ratio = driftmpi 1 rank time / peer time."
  echo
  echo "| data | method | wall time (s) | RMSE x (nm) | RMSE y (nm) | driftmpi (1 rank) / this |"
  echo "|---|---|---|---|---|---|"
} > "$section"

run_set() {  # name, simulate options...
  local name=$1; shift
  "$bin" simulate locs --force "$work/$name.hdf5" "$@" > "$work/$name.sim"
  sync    # the simulated file on disk before anything is timed
  local rows
  rows=$(sed -n 's/^wrote \([0-9]*\) localisations.*/\1/p' "$work/$name.sim")
  local label="$name ($rows localisations)"
  # driftmpi first (its 1-rank time is the numerator of the ratios).
  local t0 t1 out d1 line
  declare -A time_ms rx ry
  for ranks in 1 2; do
    t0=$(now)
    out=$(mpirun -n "$ranks" "$bin" estimate --force "$work/$name.hdf5" -o "$work/$name-r$ranks.h5" --truth "$work/${name}_truth.csv" --quiet)
    t1=$(now)
    line=$(echo "$out" | sed -n 's/^RMSE against the truth: //p')
    time_ms[d$ranks]=$(( (t1 - t0) / 1000000 ))
    rx[d$ranks]=$(echo "$line" | sed -n 's/.*x \([0-9.]*\) nm.*/\1/p')
    ry[d$ranks]=$(echo "$line" | sed -n 's/.*y \([0-9.]*\) nm.*/\1/p')
  done
  d1=${time_ms[d1]}
  for peer in "rcc 1000" "rcc 2000" "aim 100"; do
    set -- $peer
    t0=$(now)
    line=$("$venv/bin/python" bench/peer_run.py "$work/$name.hdf5" "$1" "$2" "$work/${name}_truth.csv" 2>/dev/null | grep '^RESULT')
    t1=$(now)
    local t=$(( (t1 - t0) / 1000000 ))
    local x y
    x=$(echo "$line" | awk '{print $9}'); y=$(echo "$line" | awk '{print $11}')
    local what="Picasso RCC, $2-frame segments"
    [ "$1" = aim ] && what="Picasso AIM, $2-frame segments"
    printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$what" "$(ms $t)" "$x" "$y" \
      "$(awk -v a="$d1" -v b="$t" 'BEGIN { printf "%.2f", a / b }')" | tee -a "$section"
  done
  for ranks in 1 2; do
    printf '| %s | driftmpi, %d rank%s (defaults) | %s | %s | %s | |\n' "$label" "$ranks" "$([ $ranks = 2 ] && echo s)" \
      "$(ms ${time_ms[d$ranks]})" "${rx[d$ranks]}" "${ry[d$ranks]}" | tee -a "$section"
  done
  # driftmpi at Picasso RCC's segmentation, coarse pass only: the like-for-like RCC comparison.
  for seg in 1000 2000; do
    t0=$(now)
    out=$("$bin" estimate --force "$work/$name.hdf5" -o "$work/$name-c.h5" --segment-frames "$seg" --window all --no-refine --truth "$work/${name}_truth.csv" --quiet)
    t1=$(now)
    line=$(echo "$out" | sed -n 's/^RMSE against the truth: //p')
    printf '| %s | driftmpi RCC only (all pairs, %s-frame segments, --no-refine), 1 rank | %s | %s | %s | |\n' "$label" "$seg" \
      "$(ms $(( (t1 - t0) / 1000000 )))" "$(echo "$line" | sed -n 's/.*x \([0-9.]*\) nm.*/\1/p')" \
      "$(echo "$line" | sed -n 's/.*y \([0-9.]*\) nm.*/\1/p')" | tee -a "$section"
  done
}

run_set "20k-frames" --frames 20000 --sites 5000 --seed 1
[ "$small" = "--small" ] || run_set "100k-frames-512px" --frames 100000 --sites 20000 --size 512 --seed 7

echo >> "$section"
bench_replace_section "## Side by side with Picasso (bench/peers.sh)" "$section"
