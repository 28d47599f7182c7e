import DriftIO

/// The failure `FaultInjection` throws on the planned rank, as a real failure in that phase would.
public struct InjectedFailure: Error, CustomStringConvertible, Equatable {
    public var rank: Int
    public var phase: Phase
    public var description: String { "DRIFTMPI_FAULT: injected failure on rank \(rank) in phase \(phase.rawValue)" }
}
