import Foundation

/// Progress on rank 0's standard error (the other ranks stay silent): messages, and phases with a
/// count, percent and ETA.
///
/// - On a terminal, a phase is one live line rewritten in place (`\r`), at most 5 times a second.
/// - Otherwise (batch logs, Slurm), a phase prints a plain line at most every `lineInterval` seconds
///   and when it ends.
/// - With `json`, every message and phase update is one JSON object per line:
///   `{"t_s":..,"event":"message","text":..}` or
///   `{"t_s":..,"event":"phase","phase":..,"done":..,"total":..,"percent":..,"eta_s":..}`.
///
/// Counts are rank 0's own share of the work (ranks get equal shares of time by design), so the
/// percent and ETA stand for the whole job.
public final class Progress: @unchecked Sendable {
    enum Style { case silent, terminal, lines, json }
    let style: Style
    /// Whether this is rank 0, which prints warnings even when quiet.
    let isRoot: Bool
    let json: Bool
    let start = PhaseTimer.now()
    /// Seconds between plain progress lines of a phase in batch logs.
    public static let lineInterval = 5.0

    public init(communicator: Communicator, quiet: Bool, json: Bool = false) {
        isRoot = communicator.isRoot
        self.json = json
        if !communicator.isRoot || (quiet && !json) { style = .silent }
        else if json { style = .json }
        else { style = isatty(STDERR_FILENO) != 0 ? .terminal : .lines }
    }

    var elapsed: Double { PhaseTimer.now() - start }

    func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    public func say(_ text: String) {
        switch style {
        case .silent: return
        case .json: write(Self.json(["t_s": .number(elapsed), "event": .string("message"), "text": .string(text)]) + "\n")
        case .terminal, .lines: write(String(format: "driftmpi [%7.2f s] %@\n", elapsed, text))
        }
    }

    /// A warning: on rank 0 even with `--quiet` (a JSON `warning` event with `--log-json`).
    public func warn(_ text: String) {
        guard isRoot else { return }
        if json { write(Self.json(["t_s": .number(elapsed), "event": .string("warning"), "text": .string(text)]) + "\n") }
        else { write("driftmpi: warning: \(text)\n") }
    }

    /// A phase of `total` steps; call `advance` as steps finish and `finish` at the end.
    public func phase(_ name: String, total: Int) -> Tracker { Tracker(progress: self, name: name, total: total) }

    /// One phase's count.
    public final class Tracker {
        let progress: Progress
        let name: String
        let total: Int
        let started = PhaseTimer.now()
        var done = 0
        var lastShown = -Double.infinity
        var finished = false

        init(progress: Progress, name: String, total: Int) {
            self.progress = progress
            self.name = name
            self.total = total
            // A live line shows at once; log lines only once the phase has run a while.
            if progress.style != .terminal { lastShown = started }
        }

        public func advance(_ steps: Int = 1) {
            done += steps
            guard progress.style != .silent else { return }
            let now = PhaseTimer.now()
            let interval = progress.style == .terminal ? 0.2 : (progress.style == .json ? 1 : Progress.lineInterval)
            if now - lastShown >= interval && done < total {
                lastShown = now
                show(final: false)
            }
        }

        public func finish() {
            guard !finished else { return }
            finished = true
            guard progress.style != .silent, total > 0 else { return }
            show(final: true)
        }

        func show(final: Bool) {
            let spent = PhaseTimer.now() - started
            let fraction = total > 0 ? Double(done) / Double(total) : 1
            let eta = done > 0 && !final ? spent * Double(total - done) / Double(done) : 0
            switch progress.style {
            case .silent: return
            case .json:
                progress.write(Progress.json(["t_s": .number(progress.elapsed), "event": .string("phase"), "phase": .string(name),
                                              "done": .number(Double(done)), "total": .number(Double(total)),
                                              "percent": .number(100 * fraction), "eta_s": .number(eta)]) + "\n")
            case .terminal:
                let text = final
                    ? String(format: "driftmpi [%7.2f s] %@: %d of %d done in %.1f s", progress.elapsed, name, done, total, spent)
                    : String(format: "driftmpi [%7.2f s] %@: %d of %d (%.0f %%), ETA %@", progress.elapsed, name, done, total,
                             100 * fraction, Progress.duration(eta))
                progress.write("\r\u{1B}[K" + text + (final ? "\n" : ""))
            case .lines:
                let text = final
                    ? String(format: "driftmpi [%7.2f s] %@: %d of %d done in %.1f s\n", progress.elapsed, name, done, total, spent)
                    : String(format: "driftmpi [%7.2f s] %@: %d of %d (%.0f %%), ETA %@\n", progress.elapsed, name, done, total,
                             100 * fraction, Progress.duration(eta))
                progress.write(text)
            }
        }
    }

    /// `73 s`, `4 min 05 s`, `2 h 03 min`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60)
    }

    enum Value { case number(Double), string(String) }

    /// One JSON object with keys in a fixed order (numbers with 3 decimals).
    static func json(_ fields: KeyValuePairs<String, Value>) -> String {
        let parts = fields.map { key, value -> String in
            switch value {
            case .number(let v): return "\"\(key)\":" + (v.isFinite ? String(format: "%.3f", v) : "null")
            case .string(let s):
                let data = try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
                let quoted = data.flatMap { String(data: $0, encoding: .utf8) }.map { String($0.dropFirst().dropLast()) } ?? "\"\""
                return "\"\(key)\":" + quoted
            }
        }
        return "{" + parts.joined(separator: ",") + "}"
    }
}
