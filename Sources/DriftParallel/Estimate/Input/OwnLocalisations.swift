import DriftCore
import DriftIO

/// Reads the localisations of a rank's own segments, in (frame, row) order, with the field's origin
/// subtracted.
enum OwnLocalisations {
    /// By row range from a table in frame order (with overlapping segments, the last one's rows
    /// beyond its core too), else by exchanging blocks of rows (`FrameExchange`). Collective.
    static func read(_ file: LocalisationTable, column: FrameColumn, geometry: InputGeometry, plan: SegmentPlan,
                     threeD: Bool, communicator comm: Communicator) throws -> Localisations {
        if column.inOrder {
            return try comm.collectively {
                guard let frames = plan.frames(of: comm.rank) else { return Localisations(z: threeD ? [] : nil) }
                let first = try file.firstRow(atOrAfterFrame: frames.lowerBound)
                let end = try file.firstRow(atOrAfterFrame: frames.upperBound + 1)
                return geometry.shifted(try file.read(rows: first..<end, threeD: threeD))
            }
        }
        let block = try comm.collectively { try file.read(rows: column.block, threeD: threeD) }
        return geometry.shifted(FrameExchange.exchange(block, wanted: (0..<comm.size).map(plan.frames(of:)), communicator: comm))
    }
}
