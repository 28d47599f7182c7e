import DriftCore
import DriftIO
import DriftParallel
import Foundation

/// The `--summary FILE` of `estimate` and `apply`: one JSON object written by rank 0 after the run,
/// whole or not at all (`AtomicOutput`). Every rank calls these together and all agree on the outcome.
enum CommandSummary {
    static func write(estimate s: EstimateSummary, command c: Estimate, to path: String, communicator comm: Communicator) throws {
        let wall = processWallSeconds() ?? s.timings.reduce(0) { $0 + $1.seconds }
        try comm.collectively {
            guard comm.isRoot else { return }
            let report = try ResultReport.read(path: c.output)
            var extra: [String: JSONValue] = ["fftw_share": .number(s.fftwShare)]
            if let corrected = c.writeCorrected { extra["corrected_output"] = .string(DriftFile.absolutePath(corrected)) }
            let value = report.estimateSummary(
                created: DriftFile.now(), timings: s.timings.map { (phase: $0.phase.rawValue, seconds: $0.seconds) },
                ranks: s.ranks,
                wallSeconds: wall, extra: extra)
            try AtomicOutput.write(text: value.text + "\n", to: path)
        }
    }

    static func write(apply s: ApplySummary, command c: Apply, to path: String, communicator comm: Communicator) throws {
        // Every rank's bytes sent, CPU time and peak memory, in rank order (apply correlates no pairs).
        let ranks = RankUsage.gather(pairs: 0, communicator: comm)
        let wall = processWallSeconds() ?? 0
        try comm.collectively {
            guard comm.isRoot else { return }
            let t = try c.table.options
            var parameters: [String: JSONValue] = [
                "extrapolate": .string(try c.extrapolation.rawValue), "units": .string((t.unitsArePixels ? LengthUnit.px : .nm).rawValue),
            ]
            if s.isImageStack { parameters["pad"] = .number(c.pad); parameters["float"] = .bool(c.floatOutput) }
            if !t.columns.isEmpty { parameters["columns"] = .object(t.columns.mapValues { .string($0) }) }
            if let px = t.pixelSizeNm { parameters["pixel_size_nm"] = .number(px) }
            if let b = t.frameBase { parameters["frame_base"] = .number(b) }
            let figures: [String: JSONValue] = [
                s.isImageStack ? "time_points" : "rows": .number(s.rows), "format": .string(s.format),
                "corrected_z": .bool(s.correctedZ), "held": .bool(s.held), "image_stack": .bool(s.isImageStack),
            ]
            let input: [String: JSONValue] = [
                "path": .string(DriftFile.absolutePath(c.input)), "format": .string(s.format),
                "drift": .string(DriftFile.absolutePath(c.drift)),
            ]
            let value = ResultReport.runSummary(command: "apply", created: DriftFile.now(), input: input, output: c.output,
                                                parameters: parameters, figures: figures, timings: [(phase: "total", seconds: (wall * 1000).rounded() / 1000)],
                                                ranks: ranks, wallSeconds: wall)
            try AtomicOutput.write(text: value.text + "\n", to: path)
        }
    }

    /// Seconds since this process started (Linux: /proc/self/stat against /proc/uptime), nil where unknown.
    static func processWallSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let close = stat.lastIndex(of: ")"),
              let now = uptime.split(separator: " ").first.flatMap({ Double($0) }) else { return nil }
        // After the command name: field 3 (state) onwards; field 22 is the start time in clock ticks.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard fields.count > 19, ticks > 0, let start = Double(fields[19]) else { return nil }
        let seconds = now - start / ticks
        return seconds >= 0 && seconds < 1e8 ? seconds : nil
    }
}
