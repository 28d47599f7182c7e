import DriftCore

/// The segments' spectra correlated: this process's pair shifts, and every segment's count and centre.
struct CorrelationOutcome {
    var pairs: [PairShift]
    /// Localisations (or time points) of every segment.
    var counts: [Int]
    /// Mean frame of every segment.
    var centres: [Double]
}
