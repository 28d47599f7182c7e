import Foundation

/// Wall time spent in each named phase of a run, seconds.
public struct PhaseTimer: Sendable {
    public private(set) var phases: [(name: String, seconds: Double)] = []
    private var current: (name: String, start: Double)?

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

    /// Adds the time `body` takes to phase `name`.
    public mutating func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = Self.now()
        defer { add(name, Self.now() - start) }
        return try body()
    }

    public mutating func add(_ name: String, _ seconds: Double) {
        if let k = phases.firstIndex(where: { $0.name == name }) { phases[k].seconds += seconds }
        else { phases.append((name, seconds)) }
    }

    public func seconds(_ name: String) -> Double { phases.first { $0.name == name }?.seconds ?? 0 }
}
