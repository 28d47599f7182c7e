#!/usr/bin/env bash
# Fuzzing driftmpi's file readers with libFuzzer and AddressSanitizer (see docs/testing.md).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Builds the fuzzers, replays every input in Tests/Fuzz/regressions/TARGET/ (inputs that once crashed
# a reader; each must now give a clean error), then runs each TARGET for SECONDS (default 10) from its
# seed corpus. TARGETs (default: all):
#
#   csv     CSV and ThunderSTORM localisation tables (CSVTable, read as .csv and .tsv)
#   yaml    Picasso .yaml metadata (PicassoMetadata through Yams/libyaml)
#   tiff    TIFF stacks (TIFFStack through libtiff): directories, ImageJ and OME-XML metadata, pixels
#   npz     NumPy .npz archives as PYME drift files (NumpyArchive through libzip, PymeDriftFile)
#   npy     the .npy header parser and element conversion (NumpyArray.parse)
#   h5attr  HDF5 attributes and small datasets of any type and shape, written by libhdf5 from the
#           input and read back by HDF5File's accessors, PYMEImageStack, DriftResult and DriftCurve
#
# A crash, sanitizer report, timeout (-timeout=10 s per input) or memory blow-up (-rss_limit_mb=2048)
# stops the run with a non-zero exit and the path of the reproducer. To keep a fixed crash as a
# regression input: cp REPRODUCER Tests/Fuzz/regressions/TARGET/SHORT_NAME.
#
# Short run (scripts/test.sh):  bash scripts/fuzz.sh 5     (45 s once built; the first build ~5 min)
# Long run (before a release):  scripts/fuzz.sh 3600                   (an hour per target)
# One target, longer:           scripts/fuzz.sh 7200 tiff
# Reproduce one input:          .build-fuzz/fuzzers/fuzz-tiff FILE     (prints the stack trace)
# What the readers make of it:  FUZZ_VERBOSE=1 .build-fuzz/fuzzers/fuzz-tiff FILE
#
# The build: SwiftPM builds the DriftIO library target (and DriftCore, Yams, CDriftShim) into
# .build-fuzz with coverage instrumentation and ASan (-sanitize=fuzzer,address; C targets
# -fsanitize=fuzzer-no-link,address); each Tests/Fuzz/FuzzTARGET.swift driver (with
# Tests/Fuzz/FuzzSupport.swift) is then compiled by swiftc with -sanitize=fuzzer,address and linked
# against those objects. The system libraries (libhdf5, libtiff, libzip) are not instrumented.
# Corpora grow in .build-fuzz/corpus/TARGET; crash files land in .build-fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(csv yaml tiff npz npy h5attr)
seconds=10
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then seconds=$1; shift; fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target '$t' (${all_targets[*]})" >&2; exit 64; }
done

build=.build-fuzz
started=$(date +%s)

# ---- build the instrumented library -------------------------------------------------------------
echo "fuzz.sh: building DriftIO with -sanitize=fuzzer,address into $build"
mkdir -p "$build"
status=0
# The fuzzers link the Swift libraries as shared ones, as the sanitizers' runtimes expect (Package.swift).
export DRIFTMPI_SHARED_STDLIB=1
swift build -c release --build-path "$build" --target DriftIO \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -g \
    -Xcc -fsanitize=fuzzer-no-link,address -Xcc -g > "$build/build.log" 2>&1 || status=$?
grep -v -e '^warning: prohibited flag' -e '^\[[0-9]*/[0-9]*\] ' -e '^Building for production' "$build/build.log" || true
[[ $status -eq 0 ]] || { echo "fuzz.sh: the DriftIO build failed (log: $build/build.log)" >&2; exit 1; }
bin=$(swift build -c release --build-path "$build" --show-bin-path)

# The objects of the modules DriftIO needs: Swift modules from their `sources` lists (so that a
# deleted source file's stale object is not linked), C targets as built.
objects=()
for module in DriftIO DriftCore Yams; do
    [[ -f "$bin/$module.build/sources" ]] || { echo "fuzz.sh: no $bin/$module.build/sources" >&2; exit 1; }
    while IFS= read -r source; do
        [[ -n "$source" ]] && objects+=("$bin/$module.build/$(basename "$source").o")
    done < "$bin/$module.build/sources"
done
while IFS= read -r o; do objects+=("$o"); done < <(find "$bin/CDriftShim.build/" "$bin/CRSVG.build/" "$bin/CYaml.build/" -name '*.o' | sort)

# Module maps and headers of the C modules, as SwiftPM passes them when it compiles DriftIO.
packages=(hdf5-openmpi ompi-c libzip libtiff-4 fftw3f)
flags=(-I "$bin/Modules"
       -Xcc "-fmodule-map-file=$bin/CDriftShim.build/module.modulemap" -Xcc -I -Xcc Sources/CDriftShim/include
       -Xcc "-fmodule-map-file=$bin/CRSVG.build/module.modulemap" -Xcc -I -Xcc Sources/CRSVG/include
       -Xcc "-fmodule-map-file=$build/checkouts/Yams/Sources/CYaml/include/module.modulemap"
       -Xcc -I -Xcc "$build/checkouts/Yams/Sources/CYaml/include")
for map in Sources/C*/module.modulemap; do flags+=(-Xcc "-fmodule-map-file=$map"); done
for f in $(pkg-config --cflags-only-I "${packages[@]}"); do flags+=(-Xcc "$f"); done
# Libraries: the module maps' `link` lines come in by autolinking; pkg-config adds their directories.
libs=($(pkg-config --libs-only-L "${packages[@]}") $(pkg-config --libs "${packages[@]}") -llapacke -llapack -ldl)

mkdir -p "$build/fuzzers"
for t in "${targets[@]}"; do
    case $t in
        csv) src=FuzzCSV ;; yaml) src=FuzzYAML ;; tiff) src=FuzzTIFF ;; npz) src=FuzzNPZ ;;
        npy) src=FuzzNPY ;; h5attr) src=FuzzH5Attr ;;
    esac
    exe="$build/fuzzers/fuzz-$t"
    # Relink when the driver, the support file or any library object is newer than the fuzzer.
    if [[ ! -x "$exe" || -n "$(find Tests/Fuzz/$src.swift Tests/Fuzz/FuzzSupport.swift "${objects[@]}" -newer "$exe" 2>/dev/null | head -1)" ]]; then
        echo "fuzz.sh: linking $exe"
        swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name "$src" -use-ld=lld \
            -module-cache-path "$build/ModuleCache" "${flags[@]}" \
            Tests/Fuzz/FuzzSupport.swift "Tests/Fuzz/$src.swift" "${objects[@]}" "${libs[@]}" -o "$exe"
    fi
done
built=$(date +%s)
echo "fuzz.sh: fuzzers ready ($((built - started)) s)"

# ---- replay the regression inputs, then fuzz ------------------------------------------------------
# Swift's own crash backtracer is turned off: it reads other threads' memory, which ASan reports
# instead of the real failure; libFuzzer prints the stack of a Swift trap (SIGILL) by itself.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1:handle_abort=1}
common=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=0)
max_len() {
    case $1 in csv) echo 4096 ;; yaml) echo 4096 ;; tiff) echo 32768 ;; npz) echo 8192 ;; npy) echo 8192 ;; h5attr) echo 1024 ;; esac
}
# Seeds: Tests/Fuzz/corpus/TARGET (committed), and the test fixtures of the format.
seed() {
    local t=$1 corpus=$2
    [[ -d "Tests/Fuzz/corpus/$t" ]] && cp -n Tests/Fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
    case $t in
        csv) for f in Tests/Fixtures/localisations/bad/*.csv; do cp -n "$f" "$corpus/" || true; done ;;
        tiff) for f in Tests/Fixtures/images/*.tif; do cp -n "$f" "$corpus/" || true; done ;;
        npz) for f in Tests/Fixtures/pyme/*.npz; do cp -n "$f" "$corpus/" || true; done ;;
    esac
}

failed=()
for t in "${targets[@]}"; do
    exe="$build/fuzzers/fuzz-$t"
    artifacts="$build/artifacts/$t"
    mkdir -p "$artifacts"
    regressions=()
    if [[ -d "Tests/Fuzz/regressions/$t" ]]; then
        while IFS= read -r f; do regressions+=("$f"); done < <(find "Tests/Fuzz/regressions/$t" -type f ! -name '*.md' | sort)
    fi
    if [[ ${#regressions[@]} -gt 0 ]]; then
        echo "fuzz.sh: $t: replaying ${#regressions[@]} regression inputs"
        if ! "$exe" "${common[@]}" "${regressions[@]}" > "$artifacts/replay.log" 2>&1; then
            tail -n 40 "$artifacts/replay.log" >&2
            echo "fuzz.sh: $t: a regression input crashes again (log: $artifacts/replay.log)" >&2
            failed+=("$t")
            continue
        fi
    fi
    [[ $seconds -gt 0 ]] || continue
    corpus="$build/corpus/$t"
    mkdir -p "$corpus"
    seed "$t" "$corpus"
    dict=()
    [[ -f "Tests/Fuzz/dict/$t.dict" ]] && dict=(-dict="Tests/Fuzz/dict/$t.dict")
    echo "fuzz.sh: $t: fuzzing for $seconds s (corpus $corpus)"
    log="$artifacts/fuzz.log"
    if "$exe" "${common[@]}" "${dict[@]}" -max_len="$(max_len "$t")" -max_total_time="$seconds" \
            -artifact_prefix="$artifacts/" "$corpus" > "$log" 2>&1; then
        grep -a -E '^Done [0-9]+ runs' "$log" | tail -n 1 | sed "s/^/fuzz.sh: $t: /" || true
    else
        tail -n 60 "$log" >&2
        reproducer=$(grep -a -oE "Test unit written to [^ ]+" "$log" | tail -n 1 | sed 's/Test unit written to //')
        echo "fuzz.sh: $t: FAILED; reproducer: ${reproducer:-none written} (log: $log)" >&2
        echo "fuzz.sh: reproduce with: $exe ${reproducer:-FILE}" >&2
        failed+=("$t")
    fi
done

echo "fuzz.sh: ${#targets[@]} targets, $(( $(date +%s) - started )) s in all"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz.sh: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz.sh: no crashes"
