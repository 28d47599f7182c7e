#!/usr/bin/env bash
# Scaling of `driftmpi estimate` (defaults: windowed RCC plus refinement, and all pairs without
# refinement) on a simulated ~5,500,000-localisation, 100,000-frame, 512 x 512-pixel set at 1, 2, 4, 8
# and 16 ranks: wall time, per-rank CPU time, pairs, bytes sent and peak memory, from `--timings`.
# Writes the table with the machine it ran on into docs/benchmarks.md. A benchmark, not a test.
#
# On a machine with fewer cores than ranks (oversubscribed) the wall time says little; the CPU-time
# efficiency model does: efficiency = (total CPU at 1 rank) / (ranks x largest per-rank CPU), and
# imbalance = largest / mean per-rank CPU. CPU time includes MPI's polling while a rank waits.
#
#   bash bench/scaling.sh [ranks...]        (default: 1 2 4 8 16)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
source bench/lib.sh
ranks_list=${*:-1 2 4 8 16}

bin=$(bench_binary)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" simulate locs --force "$work/big.hdf5" --frames 100000 --sites 20000 --size 512 --seed 7 > "$work/sim.txt"
rows=$(sed -n 's/^wrote \([0-9]*\) localisations.*/\1/p' "$work/sim.txt")
cores=$(nproc)

section="$work/section.md"
{
  echo "## Scaling (bench/scaling.sh)"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on: $(bench_machine); release build."
  echo "Data: \`driftmpi simulate locs --frames 100000 --sites 20000 --size 512 --seed 7\` ($rows localisations)."
  echo "Wall time: mpirun start to exit. CPU: user + system time of each rank up to the write (MPI's polling"
  echo "while a rank waits included). Efficiency = (CPU at 1 rank) / (ranks x largest rank CPU); imbalance ="
  echo "largest / mean rank CPU. Ranks beyond the $cores cores are oversubscribed, so their wall times are not"
  echo "speed-ups; the efficiency model is the figure that carries over to a machine with a core per rank."
  echo
  echo "| run | ranks | wall (s) | CPU total (s) | CPU max rank (s) | efficiency | imbalance | pairs per rank (min-max) | MiB sent (max rank) | peak MiB (max rank) | RMSE x / y (nm) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} > "$section"

run() {  # label, options...
  local label=$1; shift
  local cpu1=""
  for n in $ranks_list; do
    local t0 t1 out
    t0=$(date +%s%N)
    out=$(mpirun -n "$n" --oversubscribe "$bin" estimate --force "$work/big.hdf5" -o "$work/r.h5" --truth "$work/big_truth.csv" --timings --quiet "$@")
    t1=$(date +%s%N)
    local table
    table=$(echo "$out" | awk '/^rank  pairs/ {on = 1; next} on && NF == 5 {print} on && NF != 5 {on = 0}')
    local total max mean pmin pmax sent mem
    total=$(echo "$table" | awk '{s += $4} END {printf "%.2f", s}')
    max=$(echo "$table" | awk '$4 > m {m = $4} END {printf "%.2f", m}')
    mean=$(echo "$table" | awk '{s += $4; n++} END {printf "%.4f", s / n}')
    pmin=$(echo "$table" | awk 'NR == 1 || $2 < m {m = $2} END {print m}')
    pmax=$(echo "$table" | awk '$2 > m {m = $2} END {print m + 0}')
    sent=$(echo "$table" | awk '$3 > m {m = $3} END {printf "%.1f", m}')
    mem=$(echo "$table" | awk '$5 > m {m = $5} END {print m + 0}')
    [ -n "$cpu1" ] || cpu1=$total
    local rmse
    rmse=$(echo "$out" | sed -n 's/^RMSE against the truth: x \([0-9.]*\) nm, y \([0-9.]*\) nm.*/\1 \/ \2/p')
    printf '| %s | %d | %s | %s | %s | %s | %s | %s-%s | %s | %s | %s |\n' "$label" "$n" \
      "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')" "$total" "$max" \
      "$(awk -v c="$cpu1" -v n="$n" -v m="$max" 'BEGIN { printf "%.0f %%", 100 * c / (n * m) }')" \
      "$(awk -v m="$max" -v a="$mean" 'BEGIN { printf "%.2f", m / a }')" "$pmin" "$pmax" "$sent" "$mem" "$rmse" | tee -a "$section"
  done
}

run "defaults (RCC window 5, refinement)"
run "all pairs, no refinement" --window all --no-refine
echo >> "$section"
bench_replace_section "## Scaling (bench/scaling.sh)" "$section"
