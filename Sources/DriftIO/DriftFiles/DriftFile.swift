import DriftCore
import Foundation

/// Whole result files written by one process (the `driftmpi drift` commands): a complete `DriftResult`
/// in the result layout through `DriftResultWriter`, and its drift as CSV, each whole or not at all.
public enum DriftFile {
    /// The part covering all of `result`, for one process writing alone. Segments without
    /// uncertainties get NaN (unknown) in `/segments/sigma`, which the layout always holds.
    public static func part(of r: DriftResult) -> DriftResultPart {
        var p = DriftResultPart(totalFrames: r.frames.count, totalSegments: r.segmentCentreFrame.count, totalPairs: r.pairI.count)
        p.frames = r.frames
        p.drift = r.drift
        p.unit = r.unit
        p.driftNm = r.driftNm.count == r.frames.count && !r.driftNm.isEmpty ? r.driftNm : nil
        p.segmentFirstFrame = r.segmentFirstFrame
        p.segmentLastFrame = r.segmentLastFrame
        p.segmentCentreFrame = r.segmentCentreFrame
        p.segmentCount = r.segmentCount
        p.segmentDrift = r.segmentDrift
        p.segmentSigma = r.segmentSigma.isEmpty && !r.segmentCentreFrame.isEmpty
            ? [SIMD3<Double>](repeating: SIMD3(repeating: .nan), count: r.segmentCentreFrame.count) : r.segmentSigma
        p.pairI = r.pairI
        p.pairJ = r.pairJ
        p.pairShift = r.pairShift
        p.pairWeight = r.pairWeight
        p.pairUsed = r.pairUsed
        return p
    }

    /// Writes `result` with its attributes (in name order) to `path`, serially, under a temporary name
    /// renamed into place once complete (`AtomicOutput`). `DriftResult.read` gives back the same value.
    /// Refinement tables cannot be written from a `DriftResult` (it does not hold their frame ranges
    /// and counts): a result with `fineCentreFrame` or `fineCorrection` is refused.
    public static func write(_ result: DriftResult, to path: String) throws {
        try check(result, path: path)
        let part = part(of: result)
        let attributes = result.attributes.keys.sorted().map { ($0, result.attributes[$0]!) }
        try AtomicOutput.write(to: path) { tmp in
            do {
                try DriftResultWriter.write(part, attributes: attributes, to: tmp, access: .serial)
            } catch let e as FileFormatError {
                // Name the file the user asked for, not the temporary one.
                throw FileFormatError(path, e.problem)
            }
        }
    }

    /// Tables of one length each, as the layout needs.
    static func check(_ r: DriftResult, path: String) throws {
        guard r.frames.count == r.drift.count else {
            throw FileFormatError(path, "cannot write \(r.frames.count) frames with \(r.drift.count) drift values")
        }
        let s = r.segmentCentreFrame.count
        guard [r.segmentFirstFrame.count, r.segmentLastFrame.count, r.segmentCount.count, r.segmentDrift.count].allSatisfy({ $0 == s }),
              r.segmentSigma.isEmpty || r.segmentSigma.count == s else {
            throw FileFormatError(path, "cannot write segment tables of different lengths")
        }
        let p = r.pairI.count
        guard [r.pairJ.count, r.pairShift.count, r.pairWeight.count, r.pairUsed.count].allSatisfy({ $0 == p }) else {
            throw FileFormatError(path, "cannot write pair tables of different lengths")
        }
        guard r.fineCentreFrame.isEmpty, r.fineCorrection.isEmpty else {
            throw FileFormatError(path, "cannot write refinement tables from a DriftResult (their frame ranges are not held)")
        }
    }

    /// The drift as CSV text: header `frame,dx_nm,dy_nm,dz_nm`, one row per frame of `/drift/frame`,
    /// 4 decimals (the simulator's truth CSV, `TruthCSV`). Runs of consecutive frames are written by
    /// `TruthCSV.text`; a gap in the frame numbers starts a new run. A drift in pixels (image stacks) is
    /// written in nm when the file has it (`/drift/xyz_nm`), else in pixels under `dx_px,dy_px,dz_px`.
    public static func csvText(_ r: DriftResult) -> String {
        let inPixels = r.lengthUnit == .px && r.driftNm.count != r.frames.count
        let values = r.lengthUnit == .px && !inPixels ? r.driftNm : r.drift
        var out = inPixels ? "frame,dx_px,dy_px,dz_px\n" : "frame,dx_nm,dy_nm,dz_nm\n"
        var start = 0
        while start < r.frames.count {
            var end = start + 1
            while end < r.frames.count, r.frames[end] == r.frames[end - 1] + 1 { end += 1 }
            let run = TruthCSV.text(drift: Array(values[start..<end]), firstFrame: Int(r.frames[start]))
            out += run.drop { $0 != "\n" }.dropFirst()  // without its header
            start = end
        }
        return out
    }

    /// Writes the drift as CSV (`csvText`) whole or not at all.
    public static func writeCSV(_ r: DriftResult, to path: String) throws {
        try AtomicOutput.write(text: csvText(r), to: path)
    }

    /// The absolute, standardised form of `path`, as result files record their inputs.
    public static func absolutePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The current time in UTC, ISO 8601 to the second (`2026-12-04T18:32:12Z`, as
    /// `ISO8601DateFormatter` writes it), as the `created` attribute records it. Formatted by the C
    /// library's `strftime`: a Foundation date formatter loads ICU's calendars first, about 2 ms of
    /// every run.
    public static func now() -> String {
        var t = time(nil), parts = tm()
        guard gmtime_r(&t, &parts) != nil else { return ISO8601DateFormatter().string(from: Date()) }
        var text = [CChar](repeating: 0, count: 32)
        let n = strftime(&text, text.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: text[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The sign convention every result file states in `drift_sign`.
    public static let driftSign = "drift = apparent position minus position at the first frame; corrected = raw - drift"
}
