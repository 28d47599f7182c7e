#!/usr/bin/env bash
# Scaling of `driftmpi estimate` (defaults: windowed RCC plus the refinement, shared by tiles of the
# field; and all pairs without refinement) on a simulated ~10,000,000-localisation, 100,000-frame,
# 1024 x 1024-pixel set (a 133 um field) at 1, 2, 4, 8 and 16 ranks: wall time, per-rank CPU time
# and the part of it inside MPI calls, bytes and messages sent, peak memory (all from `--timings`),
# and an efficiency model. Writes the table with the machine it ran on into docs/benchmarks.md.
# A benchmark, not a test.
#
# The model: each rank's compute is its CPU time outside MPI calls (MPI's polling while it waits is
# not work); its communication is its bytes / B + its messages x L under `MPIAccount`'s model of the
# collectives (Sources/DriftParallel/Communication/MPIAccount.swift), with B = 100 Gb/s and L = 2 us.
# Modelled time at P ranks = the largest rank's compute + communication; efficiency = (compute at
# 1 rank) / (P x modelled time). On a machine with fewer cores than ranks (oversubscribed) the wall
# time says little; the model is the figure that carries over to a machine with a core per rank.
#
# Oversubscribed ranks time-slice one core, and each slice evicts the last rank's caches, which
# inflates every rank's compute. Where the scheduler allows it (root or CAP_SYS_NICE), the runs are
# made under SCHED_FIFO (`chrt -f 1`): a rank then computes until it waits in MPI (where
# mpi_yield_when_idle hands the core on), as it would on a core of its own. SCHED=other runs them
# under the normal scheduler instead; the table says which was used.
#
#   bash bench/scaling.sh [ranks...]        (default: 1 2 4 8 16; REPEATS=2: runs at 1 and 2 ranks,
#                                            interleaved, fastest wall time kept)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
source bench/lib.sh
ranks_list=${*:-1 2 4 8 16}
repeats=${REPEATS:-2}
bandwidth=12.5e9   # bytes/s (100 Gb/s)
latency=2e-6       # s per message

bin=$(bench_binary)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sim="--frames 100000 --sites 36000 --size 1024 --seed 7"
# shellcheck disable=SC2086
"$bin" simulate locs --force "$work/big.hdf5" $sim > "$work/sim.txt"
rows=$(sed -n 's/^wrote \([0-9]*\) localisations.*/\1/p' "$work/sim.txt")
cores=$(nproc)
sched=${SCHED:-fifo}
prefix=()
if [ "$sched" = fifo ]; then
  if chrt -f 1 true 2>/dev/null; then prefix=(chrt -f 1); else sched="other (SCHED_FIFO not permitted here)"; fi
fi

section="$work/section.md"
{
  echo "## Scaling (bench/scaling.sh)"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on: $(bench_machine); release build."
  echo "Data: \`driftmpi simulate locs $sim\` ($rows localisations, a 133 um field)."
  echo "Wall time: mpirun start to exit (at 1 and 2 ranks the fastest of $repeats interleaved runs). CPU: user +"
  echo "system time of each rank up to the write; MPI CPU: the part inside MPI calls (polling while a rank waits)."
  echo "Compute = CPU - MPI CPU. Sent: bytes and messages under the model of the collectives in"
  echo "\`MPIAccount\` (docs/hpc.md). Modelled time = max over ranks of compute + bytes / (100 Gb/s) +"
  echo "messages x 2 us; model efficiency = (compute at 1 rank) / (ranks x modelled time). Ranks beyond the"
  echo "$cores cores are oversubscribed, so their wall times are not speed-ups; the model is the figure that"
  echo "carries over to a machine with a core per rank. Scheduler: $sched (SCHED_FIFO: a rank computes until it"
  echo "waits in MPI, not time-sliced with the others; see the script)."
  echo
  echo "| run | ranks | wall (s) | CPU max rank (s) | MPI CPU max rank (s) | compute max rank (s) | MiB sent (max rank) | messages (max rank) | modelled time (s) | model efficiency | pairs per rank (min-max) | peak MiB (max rank) | RMSE x / y (nm) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$section"

# One run: prints "wall" then the --timings rank table and the RMSE line into $work/out.$n.
one() {  # ranks, options...
  local n=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  "${prefix[@]}" mpirun -n "$n" --oversubscribe --mca mpi_yield_when_idle 1 "$bin" estimate --force "$work/big.hdf5" -o "$work/r.h5" \
    --truth "$work/big_truth.csv" --timings --quiet "$@" > "$work/out.$n"
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}

summary="$work/summary.md"
: > "$summary"
run() {  # label, options...
  local label=$1; shift
  local compute1="" wall1="" wall2="" mem1="" mem4=""
  declare -A best
  # Warm the page cache, then the runs at 1 and 2 ranks interleaved, the fastest kept.
  one 1 "$@" > /dev/null
  for _ in $(seq "$repeats"); do
    for n in 1 2; do
      case " $ranks_list " in *" $n "*) ;; *) continue ;; esac
      local w; w=$(one "$n" "$@")
      cp "$work/out.$n" "$work/keep.$n.$w"
      if [ -z "${best[$n]:-}" ] || awk -v a="$w" -v b="${best[$n]}" 'BEGIN { exit !(a < b) }'; then best[$n]=$w; cp "$work/out.$n" "$work/best.$n"; fi
    done
  done
  for n in $ranks_list; do
    local wall
    if [ -n "${best[$n]:-}" ]; then wall=${best[$n]}; cp "$work/best.$n" "$work/out.$n"; else wall=$(one "$n" "$@"); fi
    local table
    table=$(awk '/^rank  pairs/ {on = 1; next} on && NF == 7 {print} on && NF != 7 {on = 0}' "$work/out.$n")
    local cpu mpi compute sent msgs model pmin pmax mem
    cpu=$(echo "$table" | awk '$4 > m {m = $4} END {printf "%.2f", m}')
    mpi=$(echo "$table" | awk '$6 > m {m = $6} END {printf "%.2f", m}')
    compute=$(echo "$table" | awk '$4 - $6 > m {m = $4 - $6} END {printf "%.2f", m}')
    sent=$(echo "$table" | awk '$3 > m {m = $3} END {printf "%.1f", m}')
    msgs=$(echo "$table" | awk '$7 > m {m = $7} END {print m + 0}')
    model=$(echo "$table" | awk -v B="$bandwidth" -v L="$latency" \
      '{t = $4 - $6 + $3 * 1048576 / B + $7 * L; if (t > m) m = t} END {printf "%.2f", m}')
    pmin=$(echo "$table" | awk 'NR == 1 || $2 < m {m = $2} END {print m}')
    pmax=$(echo "$table" | awk '$2 > m {m = $2} END {print m + 0}')
    mem=$(echo "$table" | awk '$5 > m {m = $5} END {print m + 0}')
    [ -n "$compute1" ] || compute1=$compute
    [ "$n" != 1 ] || { wall1=$wall; mem1=$mem; }
    [ "$n" != 2 ] || wall2=$wall
    [ "$n" != 4 ] || mem4=$mem
    local rmse
    rmse=$(sed -n 's/^RMSE against the truth: x \([0-9.]*\) nm, y \([0-9.]*\) nm.*/\1 \/ \2/p' "$work/out.$n")
    printf '| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s-%s | %s | %s |\n' "$label" "$n" "$wall" "$cpu" "$mpi" \
      "$compute" "$sent" "$msgs" "$model" \
      "$(awk -v c="$compute1" -v n="$n" -v m="$model" 'BEGIN { printf "%.0f %%", 100 * c / (n * m) }')" \
      "$pmin" "$pmax" "$mem" "$rmse" | tee -a "$section"
  done
  {
    [ -z "$wall1" ] || [ -z "$wall2" ] || echo "- $label: 2-rank wall speed-up $(awk -v a="$wall1" -v b="$wall2" 'BEGIN { printf "%.2f", a / b }') ($wall1 / $wall2 s)."
    [ -z "$mem1" ] || [ -z "$mem4" ] || echo "- $label: peak memory per rank at 4 ranks $(awk -v a="$mem4" -v b="$mem1" 'BEGIN { printf "%.2f", a / b }') x that at 1 rank ($mem4 / $mem1 MiB)."
  } >> "$summary"
}

# The machine's own ceiling for two ranks: two independent 1-rank runs at once, one per core (no
# MPI between them), against one alone; their shared caches and memory bandwidth slow both.
solo() {  # core
  local t0 t1
  t0=$(date +%s%N)
  taskset -c "$1" "$bin" estimate --force "$work/big.hdf5" -o "$work/solo.$1.h5" --quiet > /dev/null
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}
ceiling() {
  [ "$cores" -ge 2 ] || return 0
  local alone="" pair="" w a b
  for _ in $(seq "$repeats"); do
    w=$(solo 0)
    if [ -z "$alone" ] || awk -v a="$w" -v b="$alone" 'BEGIN { exit !(a < b) }'; then alone=$w; fi
    solo 0 > "$work/pair.0" & solo 1 > "$work/pair.1" & wait
    a=$(cat "$work/pair.0"); b=$(cat "$work/pair.1")
    w=$(awk -v a="$a" -v b="$b" 'BEGIN { print (a > b) ? a : b }')
    if [ -z "$pair" ] || awk -v a="$w" -v b="$pair" 'BEGIN { exit !(a < b) }'; then pair=$w; fi
  done
  echo "- machine: two independent 1-rank runs at once, one per core (no MPI between them), the slower in $pair s against $alone s alone (fastest of $repeats): two processes that share nothing get at most $(awk -v a="$alone" -v b="$pair" 'BEGIN { printf "%.2f", 2 * a / b }') x here." >> "$summary"
}

run "defaults (RCC window 5, refinement)"
run "all pairs, no refinement" --window all --no-refine
ceiling
{ echo; cat "$summary"; echo; } >> "$section"
bench_replace_section "## Scaling (bench/scaling.sh)" "$section"
