import DriftCore
import DriftIO
import Foundation

/// The localisations an estimate leaves out, counted so that none is dropped silently: those more
/// than `toleranceNm` outside the field the file records (a camera cannot see them; the refinement's
/// reference reaches that far beyond the field), and those whose frame is outside the frames it
/// records (e.g. 2^32 - 1 in a file of 20,000 frames). Named in one warning line and stored as
/// `left_out_field_rows` and `left_out_frame_rows`.
struct LeftOutRows {
    static let toleranceNm: Float = 1000
    var outsideField: Int64 = 0
    var outsideFrames: Int64 = 0

    /// Rows `rows` of `locs` (this rank's segments, origin subtracted) outside the field, and the
    /// frames of this rank's block of the frame column outside the acquisition's. Collective.
    static func count(locs: Localisations, rows: Range<Int>, frameBlock: [Int64], geometry: InputGeometry,
                      communicator comm: Communicator) -> LeftOutRows {
        let t = toleranceNm, w = Float(geometry.field.x), h = Float(geometry.field.y)
        var field: Int64 = 0
        for i in rows where !(locs.x[i] >= -t && locs.x[i] <= w + t && locs.y[i] >= -t && locs.y[i] <= h + t) { field += 1 }
        let first = Int64(geometry.firstFrame), last = Int64(geometry.lastFrame)
        var frames: Int64 = 0
        for f in frameBlock where f < first || f > last { frames += 1 }
        var both = [field, frames]
        comm.allreduceSum(&both)
        return LeftOutRows(outsideField: both[0], outsideFrames: both[1])
    }

    /// The warning line, nil when nothing is left out.
    func warning(input: String, geometry: InputGeometry) -> String? {
        var parts: [String] = []
        if outsideField > 0 {
            parts.append(String(format: "%lld localisation%@ more than 1 um outside the recorded field of %.0f x %.0f nm",
                                outsideField, outsideField == 1 ? "" : "s", geometry.field.x, geometry.field.y))
        }
        if outsideFrames > 0 {
            parts.append("\(outsideFrames) localisation\(outsideFrames == 1 ? "" : "s") with frames outside the recorded frames \(geometry.firstFrame)-\(geometry.lastFrame)")
        }
        guard !parts.isEmpty else { return nil }
        return "\(input): \(parts.joined(separator: " and ")) are left out"
    }

    var attributes: [(String, AttributeValue)] {
        [("left_out_field_rows", .int(outsideField)), ("left_out_frame_rows", .int(outsideFrames))]
    }
}
