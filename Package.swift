// swift-tools-version: 5.9
import Foundation
import PackageDescription

// On x86-64 the Swift targets are compiled for Haswell's instruction set (AVX2, FMA, BMI; Intel since
// 2013, AMD since 2015) when the building machine has it: the fine pass's vector loops and roundings
// run inline (dense 2D end to end: 0.73 -> 0.67 s at 1 rank, the drift the same bit for bit), and with
// DRIFTMPI_FMA the kernel sums use fused multiply-adds (dense 2D CPU 0.261 -> 0.251 s; the drift then
// differs from the baseline build's in its last bits, the same at any rank count in either). A machine
// without it gets the baseline build; DRIFTMPI_PORTABLE set (to anything) in every build's environment
// forces that, for a binary to be copied to older machines.
let tuned: [SwiftSetting] = {
#if arch(x86_64)
    guard ProcessInfo.processInfo.environment["DRIFTMPI_PORTABLE"] == nil,
          let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    let flags = Set(line.split(separator: " ").map(String.init))
    // What the compiler may emit for Haswell (/proc/cpuinfo's names; abm is LZCNT).
    let haswell = ["cx16", "lahf_lm", "sse4_2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2", "abm", "f16c", "movbe"]
    return haswell.allSatisfy(flags.contains) ? [.unsafeFlags(["-target-cpu", "haswell"]), .define("DRIFTMPI_FMA")] : []
#else
    return []
#endif
}()

// The release executable carries the Swift runtime, its standard library and Foundation in itself
// (-static-stdlib): no Swift libraries to install or find on a cluster's compute nodes, and a run's
// start resolves about 1,000 fewer symbols across shared libraries (sparse 2D end to end on one
// core: 0.117 -> 0.103 s CPU, mean of 20; the drift the same bit for bit; the binary 15 -> 86 MB).
// DRIFTMPI_SHARED_STDLIB set (to anything) in the build's environment links them as shared libraries
// instead: scripts/sanitizers.sh and scripts/fuzz.sh do, for the sanitizers' runtimes, and so must any
// release build of the tests (`swift test -c release`), whose bundle links the shared libraries.
// The static link of Foundation's XML parser needs libxml2-dev (scripts/deps.sh).
// The flag goes to the compiler too (so that the modules link the static libraries' own
// dependencies, ICU and libxml2) for the targets the executable is made of.
let staticStdlib = ProcessInfo.processInfo.environment["DRIFTMPI_SHARED_STDLIB"] == nil
let linking: [LinkerSetting] = staticStdlib ? [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))] : []
let compiled: [SwiftSetting] = tuned + (staticStdlib ? [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))] : [])

let package = Package(
    name: "driftmpi",
    products: [
        .executable(name: "driftmpi", targets: ["driftmpi"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // C libraries from Debian, through system-library targets (module maps only).
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CFFTWMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libfftw3-mpi-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-openmpi",
                       providers: [.apt(["libhdf5-openmpi-dev"])]),
        .systemLibrary(name: "CLAPACK",
                       providers: [.apt(["liblapacke-dev"])]),
        // libzip, to read NumPy .npz archives (stored or deflated members).
        .systemLibrary(name: "CZip", pkgConfig: "libzip",
                       providers: [.apt(["libzip-dev"])]),
        // libtiff, to read and write multi-page TIFF image stacks (classic and BigTIFF).
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4",
                       providers: [.apt(["libtiff-dev"])]),
        // librsvg (with cairo), to render plots (SVG) into PNG images: loaded with dlopen at the first
        // PNG, so that no other run loads its 35 libraries (Debian's librsvg2-2 at run time).
        .target(name: "CRSVG", linkerSettings: [.linkedLibrary("dl")]),
        // The C macros Swift cannot import (MPI_COMM_WORLD, H5P_DEFAULT, ...), returned from functions.
        .target(name: "CDriftShim", dependencies: ["CMPI", "CHDF5"]),

        // Pure Swift algorithms: no MPI, no files.
        .target(name: "DriftCore", dependencies: ["CFFTW", "CLAPACK"], swiftSettings: compiled),
        // File formats: Picasso, result files, CSV, NumPy archives, TIFF stacks, plots. All HDF5, zip, TIFF and librsvg calls live here.
        .target(name: "DriftIO", dependencies: [
            "DriftCore", "CHDF5", "CDriftShim", "CZip", "CTIFF", "CRSVG",
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: compiled),
        // Communicator, segment ownership, the parallel pipeline and collective output. All MPI calls live here.
        .target(name: "DriftParallel", dependencies: ["DriftCore", "DriftIO", "CMPI", "CFFTWMPI", "CDriftShim"],
                swiftSettings: compiled),
        // Commands only.
        .executableTarget(name: "driftmpi", dependencies: [
            "DriftCore", "DriftIO", "DriftParallel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: compiled, linkerSettings: linking),

        // Shared by the test targets: temporary directories, the fixtures' paths, driftmpi as a child
        // process (alone or under mpirun). Foundation and XCTest only; not a product. The fuzz drivers in
        // Tests/Fuzz are no target: scripts/fuzz.sh builds them.
        .target(name: "DriftTestSupport", path: "Tests/DriftTestSupport"),

        .testTarget(name: "DriftCoreTests", dependencies: ["DriftCore"]),
        .testTarget(name: "DriftIOTests", dependencies: ["DriftIO", "DriftCore", "DriftTestSupport"]),
        .testTarget(name: "DriftParallelTests", dependencies: ["DriftParallel", "DriftIO", "DriftCore", "DriftTestSupport"]),
        .testTarget(name: "DriftmpiIntegrationTests", dependencies: ["DriftIO", "DriftCore", "DriftTestSupport"]),
    ]
)
