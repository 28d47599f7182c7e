import DriftCore
import DriftIO
import Foundation

/// A test hook for failures on one rank: `DRIFTMPI_FAULT=RANK:PHASE` makes rank RANK fail in PHASE
/// (`read`, `render`, `correlate`, `solve`, `refine`, `write`) as a real failure there would. In the
/// first five the error is agreed on at the phase boundary, so every rank ends with that rank's
/// message; in `write` (inside the collective write, where agreeing could hang) the failing rank
/// removes the partial file and ends the job.
///
/// `DRIFTMPI_FAULT=RANK:PHASE:stall` makes that rank stop there instead, as on a hung file system or
/// a stuck node, so that a test can stop the job at a known point (with SIGTERM, as Slurm does). In
/// `write` it stalls once its share of the temporary file is written, before the rename.
/// Unset, the hook costs nothing.
public enum FaultInjection {
    /// What the planned rank does in the planned phase.
    public enum Mode: String, Sendable {
        case fail, stall
    }

    static let planned: (rank: Int, phase: Phase, mode: Mode)? = {
        guard let text = ProcessInfo.processInfo.environment["DRIFTMPI_FAULT"] else { return nil }
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 2 || parts.count == 3, let rank = Int(parts[0]),
              let phase = Phase(rawValue: parts[1]), Phase.faultPoints.contains(phase) else { return nil }
        guard let mode = parts.count == 3 ? Mode(rawValue: parts[2]) : .fail else { return nil }
        return (rank, phase, mode)
    }()

    /// Throws the injected failure, or stalls until the process is signalled, when this is the
    /// planned rank and phase (and, if `only` is given, the planned mode is that one).
    public static func check(_ phase: Phase, rank: Int, only: Mode? = nil) throws {
        guard let p = planned, p.rank == rank, p.phase == phase, only == nil || only == p.mode else { return }
        switch p.mode {
        case .fail:
            throw InjectedFailure(rank: rank, phase: phase)
        case .stall:
            while true { sleep(60) }
        }
    }
}
