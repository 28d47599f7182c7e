/// The phases of an estimate, in the order they run: timed by `PhaseTimer`, reported by `--timings`
/// (and as `timing_<phase>_s` result attributes), and the places `FaultInjection` can fail a rank.
public enum Phase: String, CaseIterable, Sendable {
    case read, render, fft, correlate, exchange, peaks, solve, refine, fiducials, accuracy, write

    /// The phases where `DRIFTMPI_FAULT=RANK:PHASE` can fail or stall a rank (the boundaries where
    /// the ranks agree on an outcome, and the collective write).
    public static let faultPoints: [Phase] = [.read, .render, .correlate, .solve, .refine, .write]
}
