import DriftCore

/// The spectra of segments on one render grid: a process's own, and others' it has received.
struct Channel {
    var grid: RenderGrid
    var correlator: CrossCorrelator
    var spectra: [Int: Spectrum] = [:]
}
