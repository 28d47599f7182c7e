import DriftCore

/// Which pairs a process correlates and how the spectra it needs reach it. `SpectrumCorrelation`
/// makes the own segments' spectra and hands them to the schedule: `HaloSchedule` (windowed RCC and
/// DCC: the next segments' spectra from the following processes), `RingSchedule` (all pairs: blocks
/// passed round a ring) and `MeanSchedule` (MCC: each segment against the sum of all others). Renders
/// too large for one process go to `DistributedCorrelation` instead.
protocol CorrelationSchedule {
    /// Whether the own spectra's energies are needed (for the peak quality of pairs).
    var needsEnergies: Bool { get }
    /// Before the own spectra are made: posts the receives of partners' spectra into `channels`.
    mutating func post(into channels: inout [Channel])
    /// An own segment's spectrum on channel `channel` (of `channels`) is made: sends it on.
    mutating func made(_ spectrum: Spectrum, segment: Int, channel: Int, channels: Int)
    /// This process's pair shifts, timed into `timer`.
    mutating func correlate(_ spectra: SegmentSpectra, timer: inout PhaseTimer, progress: Progress) throws -> [PairShift]
}

extension CorrelationSchedule {
    var needsEnergies: Bool { true }
    mutating func post(into channels: inout [Channel]) {}
    mutating func made(_ spectrum: Spectrum, segment: Int, channel: Int, channels: Int) {}
}
