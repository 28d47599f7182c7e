import DriftCore
import DriftIO
import Foundation

/// Wall time spent in each phase of a run (`Phase`), seconds, and the time spent inside FFTW.
public struct PhaseTimer: Sendable {
    private var phases: [Phase: Double] = [:]
    /// Time inside FFTW's execute calls, s (part of the `fft`, `correlate` and `peaks` phases).
    public var fftwSeconds = 0.0

    public init() {}

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Wall time `body` takes, s.
    static func seconds(_ body: () -> Void) -> Double {
        let start = now()
        body()
        return now() - start
    }

    /// Adds the time `body` takes to `phase`.
    public mutating func measure<T>(_ phase: Phase, _ body: () throws -> T) rethrows -> T {
        let start = Self.now()
        defer { add(phase, Self.now() - start) }
        return try body()
    }

    /// Adds `seconds` (may be negative: time moved to another phase) to `phase`.
    public mutating func add(_ phase: Phase, _ seconds: Double) { phases[phase, default: 0] += seconds }

    /// Time spent in `phase` so far, s.
    public func seconds(_ phase: Phase) -> Double { phases[phase] ?? 0 }
}
