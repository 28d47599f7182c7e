#!/usr/bin/env bash
# The tests under sanitizers: scripts/sanitizers.sh [address|undefined|all]   (default: address)
#
# address   AddressSanitizer (+ LeakSanitizer) on the Swift code (-sanitize=address) and the C target
#           CDriftShim (-fsanitize=address), one optimised build in .build-asan with the tests:
#           the unit tests (DriftCoreTests, DriftIOTests, DriftParallelTests) with leak detection,
#           then a subset of the MPI integration tests against that sanitized driftmpi under mpirun,
#           without leak detection. 16 minutes on 2 cores (10 of them the build), measured with
#           other builds on the machine.
# undefined UndefinedBehaviorSanitizer. Swift 6.3 on Linux refuses -sanitize=undefined (Swift traps
#           on overflow and out-of-bounds itself), so UBSan applies to the C code only: CDriftShim
#           (and any C target added later), built with -fsanitize=undefined in .build-ubsan and
#           linked with the UBSan runtime; the unit tests and 5 integration tests run on it.
#           5 minutes on 2 cores.
# all       both.
#
# Environment:
#   DRIFTMPI_ASAN_FILTER   swift test --filter for the integration tests under ASan (default below);
#                          "all" runs every integration test (11 minutes under ASan on 2 cores,
#                          against 6 for the subset), "none" skips the integration tests (of both).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh

mode="${1:-address}"
case "$mode" in
  address|undefined|all) ;;
  *) echo "usage: scripts/sanitizers.sh [address|undefined|all]" >&2; exit 64 ;;
esac

UNIT='^(DriftCoreTests|DriftIOTests|DriftParallelTests)\.'
# The integration tests under ASan, a representative subset (30 of the 53 tests: 6 of the 11
# minutes that all of them take under ASan on 2 cores). It covers every command (simulate, estimate
# on tables and on 2D and z stacks, apply on every format, drift, plot, inspect), the byte-record
# code of apply and of the collective corrected output, the bad-input catalogue at 1 and 3 ranks,
# the halo and ring exchanges and the distributed FFT at up to 8 ranks, and a fault in every phase.
# Left out: the accuracy tests that repeat the same code on more data (3D drift, binned and
# corrected stacks, methods, 1 to 4 ranks), the help and completion texts, and apply's bad files.
INTEGRATION_TESTS=(
  ApplyTests/testEstimateThenApplyOnEveryFormat ApplyTests/testOtherColumnsAreUnchanged
  ApplyTests/testDriftMustCoverTheFramesUnlessHeld ApplyTests/testApplyMatchesWriteCorrectedOnPicasso
  BadInputTests/
  ImageStackTests/testBadStacks ImageStackTests/testZStacksGiveZDrift ImageStackTests/testThePYMESample
  ImageStackTests/testImageDriftCorrectsTheLocalisationsOfTheSameAcquisition
  ScaleOutTests/testWindowedPairsAreTheSameAtOneThreeAndEightRanks
  ScaleOutTests/testAllPairsAreTheSameAtOneTwoAndEightRanks
  WriteCorrectedTests/ DistributedTransformTests/
  EstimateEndToEndTests/testSimulateWritesThePicassoPairAndTheTruth
  EstimateEndToEndTests/testRefinedDriftIsWithinOneNanometreAtOneAndThreeRanks
  DriftCommandTests/ PlotCommandTests/testPlotWritesSVGAndPNG
  InspectCommandTests/testEstimateAndApplySummariesAndInspect
  EdgeCaseTests/testSparseSegmentIsLeftOut EdgeCaseTests/testFramesOutOfOrderGiveTheDriftOfTheSortedTable
  OverwriteTests/
  CollectiveFailureTests/testAFaultInAnyPhaseEndsEveryRank CollectiveFailureTests/testAKilledRankEndsTheJob
)
subset=""
for t in "${INTEGRATION_TESTS[@]}"; do   # CLASS/ is the whole class, CLASS/TEST that test alone
  [[ "$t" == */ ]] || t="$t\$"
  subset="${subset:+$subset|}^DriftmpiIntegrationTests\\.$t"
done
INTEGRATION="${DRIFTMPI_ASAN_FILTER:-$subset}"
[ "$INTEGRATION" = all ] && INTEGRATION='^DriftmpiIntegrationTests\.'

# swift build, without ld.gold's warning for each ASan runtime symbol it cannot export ("Cannot
# export local symbol '__asan_...'"): hundreds of harmless lines per link. Its status is kept.
build() { swift build "$@" 2>&1 | { grep -v "Cannot export local symbol" || true; }; }

# reports DIR NAME PREFIX: prints the sanitizer reports the processes wrote to DIR/PREFIX.PID and
# fails if there are any; removes DIR when there are none.
reports() {
  if compgen -G "$1/$3.*" >/dev/null; then
    echo "sanitizers: $2 reports (kept in $1):" >&2
    cat "$1/$3".* >&2
    return 1
  fi
  rm -rf "$1"
}

timings=()
step() {  # step NAME COMMAND...: runs and times one part; returns its status
  local name="$1" t0=$SECONDS rc=0; shift
  echo "sanitizers: $name" >&2
  "$@" || rc=$?
  timings+=("$name: $((SECONDS - t0)) s$([ $rc -eq 0 ] || echo ", FAILED ($rc)")")
  return $rc
}

run_address() {
  local path=.build-asan
  # One optimised build (-c release, with -enable-testing for the unit tests' @testable imports):
  # driftmpi unoptimised under ASan is about 10 times slower than optimised (the refinement), too
  # slow for the integration tests, and one build for both halves saves a second full build.
  export DRIFTMPI_SHARED_STDLIB=1   # the sanitizers' runtimes with the shared Swift libraries (Package.swift)
  local flags=(-c release --build-path "$path" -Xswiftc -sanitize=address -Xcc -fsanitize=address
               -Xswiftc -enable-testing)
  step "address: build" build "${flags[@]}" --build-tests || return $?
  local supp="$PWD/scripts/asan.supp" status=0
  # Unit tests: ASan and LeakSanitizer (leaks in libraries we do not own are in scripts/asan.supp).
  step "address: unit tests" env ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1" \
    LSAN_OPTIONS="suppressions=$supp:print_suppressions=0" \
    swift test --skip-build -c release --build-path "$path" --disable-swift-testing --filter "$UNIT" || status=$?
  [ "$INTEGRATION" = none ] && return $status
  # Integration tests: the sanitized driftmpi under mpirun. Leak detection is off there: Open MPI
  # (and the parallel HDF5 above it) keep allocations until exit by design and dlopen/dlclose their
  # MCA plugins, so their leak stacks end in "<unknown module>" and cannot be suppressed by name;
  # every rank would exit 23 for memory that is not ours. Memory errors (overflow, use after free,
  # double free) are still fatal. Each process writes its report to $logs/asan.PID, not to stderr,
  # so a report is never mistaken for driftmpi's own output and none is lost with a test's output.
  local logs; logs="$(mktemp -d "${TMPDIR:-/tmp}/driftmpi-asan.XXXXXX")"
  DRIFTMPI_BIN="$(swift build "${flags[@]}" --show-bin-path)/driftmpi" DRIFTMPI_TEST_LIVENESS_S=30 \
  ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:log_path=$logs/asan" \
    step "address: integration tests" swift test --skip-build -c release --build-path "$path" \
      --disable-swift-testing --filter "$INTEGRATION" || status=$?
  reports "$logs" AddressSanitizer asan || status=1
  return $status
}

run_undefined() {
  local path=.build-ubsan status=0
  # -fno-sanitize-recover: the first report ends the process, so a test run cannot pass over it.
  # Swift's driver links with clang; -Xclang-linker hands it -fsanitize=undefined for the runtime.
  local flags=(--build-path "$path" -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined
               -Xswiftc -Xclang-linker -Xswiftc -fsanitize=undefined)
  step "undefined: build" build "${flags[@]}" --build-tests || return $?
  step "undefined: unit tests" env UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    swift test --skip-build --build-path "$path" --disable-swift-testing --filter "$UNIT" || status=$?
  [ "$INTEGRATION" = none ] && return $status
  # The C code the unit tests do not reach (the temporary-output list and the SIGTERM/SIGINT handler
  # of CDriftShim) runs in driftmpi: a few integration tests on this unoptimised driftmpi (the
  # others are slow unoptimised, and some assert a time limit).
  local logs; logs="$(mktemp -d "${TMPDIR:-/tmp}/driftmpi-ubsan.XXXXXX")"
  DRIFTMPI_BIN="$(swift build "${flags[@]}" --show-bin-path)/driftmpi" DRIFTMPI_TEST_LIVENESS_S=30 \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan" \
    step "undefined: integration tests" swift test --skip-build --build-path "$path" --disable-swift-testing \
      --filter '^DriftmpiIntegrationTests\.(CollectiveFailureTests/(testAKilledRankEndsTheJob|testTerminationLeavesNoPartialOutput)|BadInputTests/(testNotHDF5|testMissingInput|testBadOptionIsAUsageError))$' \
    || status=$?
  reports "$logs" UndefinedBehaviorSanitizer ubsan || status=1
  return $status
}

status=0
if [ "$mode" = address ] || [ "$mode" = all ]; then run_address || status=$?; fi
if [ "$mode" = undefined ] || [ "$mode" = all ]; then run_undefined || status=$?; fi
for t in "${timings[@]}"; do echo "sanitizers: $t" >&2; done
[ $status -eq 0 ] && echo "sanitizers: $mode: passed" >&2 || echo "sanitizers: $mode: FAILED" >&2
exit $status
