import DriftCore
import Foundation

/// The sum of several drift curves (`driftmpi drift combine`): the drift of data corrected in several
/// passes is the sum of the drift found in each pass.
///
/// The sum is taken on the union of the curves' frames. A curve holds its first value before its
/// first frame and its last value after its last frame (as the splines do beyond their knots), and is
/// interpolated linearly across a gap in its own frame numbers. Only `/drift` is combined: the result
/// has empty segment and pair tables. The sources must number frames alike (`frame_base`), which the
/// result keeps; its `dims` is 3 when a source's is or the sum has a z component.
public enum DriftCombination {
    /// Checks that a source has frames in strictly increasing order.
    static func check(_ r: DriftResult, path: String) throws {
        guard !r.frames.isEmpty else { throw FileFormatError(path, "no frames in /drift/frame") }
        guard r.frames.count == r.drift.count else {
            throw FileFormatError(path, "/drift/frame has \(r.frames.count) rows but /drift/xyz \(r.drift.count)")
        }
        if let k = DriftCurveSum.firstNonIncreasingRow(r.frames) {
            throw FileFormatError(path, "/drift/frame is not strictly increasing (row \(k))")
        }
    }

    /// The summed curve on the union of the sources' frames (`DriftCurveSum.sum`).
    public static func sum(_ sources: [(path: String, result: DriftResult)]) throws -> (frames: [Int64], drift: [SIMD3<Double>]) {
        for s in sources { try check(s.result, path: s.path) }
        return DriftCurveSum.sum(sources.map { ($0.result.frames, $0.result.drift) })
    }

    /// The combined result file's contents: `/drift` the sum, no segments or pairs, and attributes
    /// naming every source (with its version, command and method when it records them).
    public static func combine(_ sources: [(path: String, result: DriftResult)], created: String = DriftFile.now()) throws -> DriftResult {
        let (frames, drift) = try sum(sources)
        // Frame numbering (`frame_base`, 0 when absent) must agree: the sum is taken frame by frame.
        let bases = sources.map { s -> Int64 in if case .int(let b)? = s.result.attributes["frame_base"] { return b } else { return 0 } }
        if let k = bases.indices.first(where: { bases[$0] != bases[0] }) {
            throw FileFormatError(sources[k].path, "frame_base \(bases[k]) differs from \(sources[0].path)'s \(bases[0]): the curves number frames differently")
        }
        // Units must agree too (nm, or pixels of the same stack); nm values of pixel drifts add up as well.
        if let k = sources.indices.first(where: { sources[$0].result.unit != sources[0].result.unit }) {
            throw FileFormatError(sources[k].path, "the drift is in \(sources[k].result.unit), but \(sources[0].path)'s is in \(sources[0].result.unit)")
        }
        let threeD = sources.contains { $0.result.attributes["dims"] == .int(3) } || drift.contains { $0.z != 0 }
        var r = DriftResult()
        r.frames = frames
        r.drift = drift
        r.unit = sources[0].result.unit
        if r.lengthUnit == .px, sources.allSatisfy({ $0.result.driftNm.count == $0.result.frames.count }) {
            r.driftNm = DriftCurveSum.sum(sources.map { ($0.result.frames, $0.result.driftNm) }, at: frames)
        }
        var a: [String: AttributeValue] = [
            "command": .string("combine"),
            "created": .string(created),
            "driftmpi_version": .string(DriftmpiVersion.string),
            "drift_sign": .string(DriftFile.driftSign),
            "combination": .string("sum of the sources' /drift on the union of their frames; each held at its first / last value outside its own frames, linear across gaps"),
            "sources": .string(sources.map { DriftFile.absolutePath($0.path) }.joined(separator: "\n")),
            "source_count": .int(Int64(sources.count)),
            "frames": .int(Int64(frames.count)),
            "dims": .int(threeD ? 3 : 2),
            "unit": .string(sources[0].result.unit),
        ]
        if sources.contains(where: { $0.result.attributes["frame_base"] != nil }) { a["frame_base"] = .int(bases[0]) }
        for (k, s) in sources.enumerated() {
            a["source_\(k)"] = .string(DriftFile.absolutePath(s.path))
            for name in ["driftmpi_version", "command", "method"] {
                if let v = s.result.attributes[name] { a["source_\(k)_\(name)"] = v }
            }
        }
        r.attributes = a
        return r
    }
}
