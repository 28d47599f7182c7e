import DriftIO
import Foundation

/// A test hook for failures on one rank: `DRIFTMPI_FAULT=RANK:PHASE` makes rank RANK fail in PHASE
/// (`read`, `render`, `correlate`, `solve`, `refine`, `write`) as a real failure there would. In the
/// first five the error is agreed on at the phase boundary, so every rank ends with that rank's
/// message; in `write` (inside the collective write, where agreeing could hang) the failing rank
/// removes the partial file and ends the job. Unset, it costs nothing.
public enum FaultInjection {
    public static let phases = ["read", "render", "correlate", "solve", "refine", "write"]

    static let planned: (rank: Int, phase: String)? = {
        guard let text = ProcessInfo.processInfo.environment["DRIFTMPI_FAULT"] else { return nil }
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 2, let rank = Int(parts[0]), phases.contains(parts[1]) else { return nil }
        return (rank, parts[1])
    }()

    /// Throws the injected failure when this is the planned rank and phase.
    public static func check(_ phase: String, rank: Int) throws {
        guard let p = planned, p.rank == rank, p.phase == phase else { return }
        throw HDF5Error("DRIFTMPI_FAULT", "injected failure on rank \(rank) in phase \(phase)")
    }
}
