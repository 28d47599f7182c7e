#!/usr/bin/env bash
# Drift from image stacks: accuracy against the simulator's truth (RMSE in pixels after removing a
# constant offset), wall time on one rank and at 2 ranks, the drift left after correcting the stack,
# and the drift found on the real PYME sample. Writes the table into docs/benchmarks.md.
# A benchmark, not a test: CI does not run it.
#
#   bash bench/images.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
source bench/lib.sh
bin=$(bench_binary)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" simulate stack --force "$work/s.h5" --seed 1 > /dev/null                                  # 200 x 256 x 256, 100 nm px
"$bin" simulate stack --force "$work/z.h5" --seed 2 --z-slices 16 --frames 60 --size 128 > /dev/null

section="$work/section.md"
{
  echo "## Image stacks (bench/images.sh)"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on: $(bench_machine); release build."
  echo "Data: \`driftmpi simulate stack\` (2D: 200 time points of 256 x 256 pixels of 100 nm, 3000 sites,"
  echo "300 nm largest drift, Poisson noise; 3D: 60 time points of 16 x 128 x 128, 100 nm slices). RMSE"
  echo "per axis against the true drift at every time point after removing a constant offset, in pixels"
  echo "(slices for z). Time: process start to result file."
  echo
  echo "| data | options | ranks | RMSE x (px) | RMSE y (px) | RMSE z (slices) | time (s) |"
  echo "|---|---|---|---|---|---|---|"
} > "$section"

run() {  # data, label, ranks, estimate options...
  local name=$1 label=$2 ranks=$3; shift 3
  local start end out launcher=()
  [ "$ranks" -gt 1 ] && launcher=(mpirun -n "$ranks")
  start=$(date +%s%N)
  out=$("${launcher[@]}" "$bin" estimate --force "$work/$name.h5" -o "$work/r.h5" --truth "$work/${name}_truth.csv" --quiet "$@")
  end=$(date +%s%N)
  local line x y z
  line=$(echo "$out" | sed -n 's/^RMSE against the truth: .* = //p')
  x=$(echo "$line" | sed -n 's/.*x \([0-9.]*\) px.*/\1/p')
  y=$(echo "$line" | sed -n 's/.*y \([0-9.]*\) px.*/\1/p')
  z=$(echo "$out" | sed -n 's/^RMSE against the truth: .*z \([0-9.]*\) nm.*/\1/p')
  [ -n "$z" ] && z=$(awk -v v="$z" 'BEGIN { printf "%.4f", v / 100 }')
  local ms=$(( (end - start) / 1000000 ))
  printf '| %s | %s | %d | %s | %s | %s | %d.%02d |\n' "$name" "$label" "$ranks" "$x" "$y" "${z:--}" \
    $(( ms / 1000 )) $(( ms % 1000 / 10 )) | tee -a "$section"
}

run s "defaults (RCC, window 5)" 1
run s "defaults" 2
run s "--method mcc" 1 --method mcc
run s "--method dcc" 1 --method dcc
run s "--bin-t 4" 1 --bin-t 4
run s "--bin-x 2 --bin-y 2" 1 --bin-x 2 --bin-y 2
run s "--median 3 --clip-high p99.9" 1 --median 3 --clip-high p99.9
run z "3D, --max-drift-px 16" 1 --max-drift-px 16

# The stack corrected, then re-estimated: the largest segment drift left.
"$bin" estimate --force "$work/s.h5" -o "$work/d.h5" --quiet > /dev/null
start=$(date +%s%N)
"$bin" apply --force "$work/d.h5" "$work/s.h5" -o "$work/c.h5" --quiet > /dev/null
end=$(date +%s%N)
left=$("$bin" estimate --force "$work/c.h5" -o "$work/again.h5" --quiet | sed -n 's/.*largest segment drift x \([0-9.]*\), y \([0-9.]*\),.*/x \1, y \2/p')
sample=$("$bin" estimate --force Tests/Fixtures/pyme/wormlike_simulated_images_with_drift.h5 -o "$work/pyme.h5" --quiet | head -1)
{
  echo
  echo "Correcting the 2D stack (\`apply\`, Fourier shift, padding x2, 1 rank) took $(( (end - start) / 1000000 )) ms;"
  echo "re-estimated, the corrected stack's largest segment drift is $left px."
  echo
  echo "The PYME plug-in's example image (\`Tests/Fixtures/pyme/wormlike_simulated_images_with_drift.h5\`,"
  echo "10 images of 448 x 448 pixels of 20 nm): $sample. A plain numpy FFT cross-correlation of the"
  echo "first and last images peaks at (38, 48) px. The plug-in's \`drift.npz\` beside it, estimated from"
  echo "localisations, does not describe these images' time axis (its first 10 points reach only"
  echo "(-416, -289) nm), so the two are not compared."
  echo
} >> "$section"
bench_replace_section "## Image stacks (bench/images.sh)" "$section"

# Side by side with NanoPyx (PyPI nanopyx, in a virtual environment in bench/.venv-nanopyx), both on
# one core: driftmpi's whole process at 1 rank against NanoPyx's estimator timed inside Python with
# the stack already loaded (bench/stack_peer.py). SIZES="frames:side ..." overrides the sets.
# GNU time (peak memory), for this part only.
dpkg-query -W -f='${Status}' time 2>/dev/null | grep -q "install ok installed" || \
  { ${SUDO:-} apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq time >/dev/null; }
venv=${NANOPYX_VENV:-bench/.venv-nanopyx}
if [ ! -x "$venv/bin/python" ]; then
  # Debian's python3 has `venv` without ensurepip unless python3-venv is installed.
  python3 -c 'import ensurepip' 2>/dev/null || \
    { ${SUDO:-} apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq python3-venv >/dev/null; }
  python3 -m venv "$venv"
fi
"$venv/bin/python" -c "import nanopyx, h5py, numba, tifffile" 2>/dev/null || "$venv/bin/pip" install -q nanopyx==2.1.5 h5py numba tifffile
core=${CORE:-0}
peer="$work/peer.md"
{
  echo "## Image stacks against NanoPyx (bench/images.sh)"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on: $(bench_machine); release build; NanoPyx $("$venv/bin/pip" show nanopyx | sed -n 's/^Version: //p')."
  echo "Both pinned to one core (\`taskset -c $core\`). **driftmpi**: the whole process at 1 rank, defaults"
  echo "(RCC, window 5), \`driftmpi estimate S.h5 -o R.h5 --truth T.csv\`, reading the file included."
  echo "**NanoPyx**: \`DriftEstimator().estimate(stack, ref_option=0, ...)\` (each frame against frame 0)"
  echo "timed inside Python with the stack already loaded (bench/stack_peer.py), with time averaging 1"
  echo "and a largest drift of 10 px, and with its defaults (time averaging 2, largest drift 5 px)."
  echo "Data: \`driftmpi simulate stack --frames F --size N\` (float32 PYME, 100 nm pixels, 3000 sites,"
  echo "drift up to 300 nm). RMSE per axis against the truth, px, after removing a constant offset."
  echo
  echo "The same stacks as uncompressed uint16 ImageJ TIFFs (written by tifffile) give driftmpi's TIFF"
  echo "column; the PYME files are float32, shuffled and zlib-compressed, as \`simulate stack\` writes them"
  echo "(decompressing them is part of driftmpi's time, not of NanoPyx's). z-stacks: driftmpi only"
  echo "(\`--z-slices 16 --frames 60 --size 128 --max-drift-px 16\`; RMSE z in nm, slices of 100 nm)."
  echo
  echo "| time points x pixels | driftmpi, PYME .h5 s | driftmpi, TIFF s | driftmpi RMSE x / y px | driftmpi peak MiB | NanoPyx (1, 10 px) s | RMSE x / y px | NanoPyx defaults s | RMSE x / y px |"
  echo "|---|---|---|---|---|---|---|---|---|"
} > "$peer"
field() { echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
rmse_of() { echo "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "rmse") print $(i + 1) " / " $(i + 2) }'; }
ours() {  # file, estimate options...: "seconds|rmse|peak MiB" of driftmpi at 1 rank on the core
  local file=$1 start end out ms; shift
  start=$(date +%s%N)
  out=$(/usr/bin/time -f "peak %M" taskset -c "$core" "$bin" estimate --force "$file" -o "$work/pr.h5" --truth "$work/p_truth.csv" --quiet "$@" 2>&1)
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  printf '%d.%02d|%s|%d' $(( ms / 1000 )) $(( ms % 1000 / 10 )) \
    "$(echo "$out" | sed -n 's/^RMSE against the truth: .* = x \([0-9.]*\) px, y \([0-9.]*\) px.*/\1 \/ \2/p')" \
    $(( $(echo "$out" | sed -n 's/^peak \([0-9]*\)/\1/p' | grep . || echo 0) / 1024 ))
}
for set in ${SIZES:-200:256 2000:256 200:1024 200:2048}; do
  frames=${set%%:*} side=${set##*:}
  "$bin" simulate stack --force "$work/p.h5" --frames "$frames" --size "$side" --seed 3 > /dev/null
  "$venv/bin/python" -c "import sys, h5py, numpy as np, tifffile
with h5py.File(sys.argv[1], 'r') as f: a = np.asarray(f['ImageData']).transpose(0, 2, 1)
tifffile.imwrite(sys.argv[2], np.rint(a).astype(np.uint16), imagej=True, resolution=(10.0, 10.0), metadata={'unit': 'um', 'axes': 'TYX'})" "$work/p.h5" "$work/p.tif"
  IFS='|' read -r h5s rmse peak <<< "$(ours "$work/p.h5")"
  IFS='|' read -r tifs _ _ <<< "$(ours "$work/p.tif")"
  rm -f "$work/p.tif"
  one=$(taskset -c "$core" "$venv/bin/python" bench/stack_peer.py "$work/p.h5" "$work/p_truth.csv" 100 1 10 2>/dev/null | tail -1)
  two=$(taskset -c "$core" "$venv/bin/python" bench/stack_peer.py "$work/p.h5" "$work/p_truth.csv" 100 2 5 2>/dev/null | tail -1)
  echo "| $frames x $side^2 | $h5s | $tifs | $rmse | $peak | $(field "$one" method) | $(rmse_of "$one") | $(field "$two" method) | $(rmse_of "$two") |" | tee -a "$peer"
done
"$bin" simulate stack --force "$work/p.h5" --z-slices 16 --frames 60 --size 128 --seed 2 > /dev/null
start=$(date +%s%N)
out=$(taskset -c "$core" "$bin" estimate --force "$work/p.h5" -o "$work/pr.h5" --truth "$work/p_truth.csv" --quiet --max-drift-px 16)
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
z=$(echo "$out" | sed -n 's/^RMSE against the truth: .*z \([0-9.]*\) nm = x \([0-9.]*\) px, y \([0-9.]*\) px.*/\2 \/ \3 \/ \1/p')
echo "| 60 x 16 x 128^2 (z-stacks) | $(( ms / 1000 )).$(printf '%02d' $(( ms % 1000 / 10 ))) | - | $z (z in nm) | - | - | - | - | - |" | tee -a "$peer"
bench_replace_section "## Image stacks against NanoPyx (bench/images.sh)" "$peer"
