#!/usr/bin/env bash
# Times the phases of `driftmpi estimate` (read, render, FFT, pair correlation, solve, refine, write) on a
# simulated ~500,000-localisation, 20,000-frame data set at 1 and 2 ranks, release build, and writes
# the figures with the machine they came from into docs/benchmarks.md. A benchmark, not a test.
#
#   bash bench/phases.sh [repeats]      (default 3; the fastest run of each rank count is kept)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
source bench/lib.sh
repeats=${1:-3}
# GNU time (peak memory) and h5ls (row count) for this script only.
for p in time hdf5-tools; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || \
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null; }
done

bin=$(bench_binary)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" simulate locs --force "$work/bench.hdf5" --frames 20000 --sites 5000 --seed 1
rows=$(h5ls "$work/bench.hdf5/locs" 2>/dev/null | sed -n 's/.*{\([0-9]*\)}.*/\1/p' || true)

declare -A best wall rss rmse
phases="read render fft correlate exchange peaks solve refine write"
for ranks in 1 2; do
  best[$ranks]=""
  for rep in $(seq "$repeats"); do
    start=$(date +%s%N)
    /usr/bin/env time -f "%M" -o "$work/rss" mpirun -n "$ranks" "$bin" estimate --force "$work/bench.hdf5" -o "$work/r.h5" \
      --truth "$work/bench_truth.csv" --timings --quiet > "$work/out.txt"
    end=$(date +%s%N)
    t=$(( (end - start) / 1000000 ))   # ms
    if [ -z "${best[$ranks]}" ] || [ "$t" -lt "${wall[$ranks]}" ]; then
      best[$ranks]=$(cat "$work/out.txt" | tr '\n' '|')
      wall[$ranks]=$t
      rss[$ranks]=$(cat "$work/rss")
    fi
    rm -f "$work/r.h5"
  done
done

ms() { printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )); }
phase() { echo "${best[$1]}" | tr '|' '\n' | awk -v p="$2" '$1 == p { print $2 }'; }
{
  echo "## Phase timings of \`driftmpi estimate\` (bench/phases.sh)"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on: $(bench_machine); release build."
  echo "Data: \`driftmpi simulate locs --frames 20000 --sites 5000 --seed 1\` (${rows:-about 516,000} localisations,"
  echo "256 x 256 pixels of 130 nm); defaults (RCC, 1000-frame segments, 60 nm bins, window 5, 640 x 640"
  echo "transforms; refinement with 50-frame segments)."
  echo "Seconds, the fastest of $repeats runs; each phase is the maximum over ranks."
  echo
  echo "| phase | 1 rank | 2 ranks |"
  echo "|---|---|---|"
  for p in $phases; do echo "| $p | $(phase 1 "$p") | $(phase 2 "$p") |"; done
  echo "| end to end (mpirun start to exit) | $(ms "${wall[1]}") | $(ms "${wall[2]}") |"
  echo "| peak resident memory of the largest process, MiB | $(( ${rss[1]} / 1024 )) | $(( ${rss[2]} / 1024 )) |"
  echo
  echo "RMSE against the truth at these settings: $(echo "${best[1]}" | tr '|' '\n' | sed -n 's/^RMSE against the truth: //p')."
} > "$work/section.md"

cat "$work/section.md"
bench_replace_section "## Phase timings of \`driftmpi estimate\` (bench/phases.sh)" "$work/section.md"
