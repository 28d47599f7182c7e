import DriftCore
import Foundation

/// Writes result files in the `DriftResult` layout.
public enum DriftResultWriter {
    /// Writes `part` into a new file at `path` (the caller handles the temporary name). Under
    /// `.parallel` every process calls this together with identical totals and attributes.
    public static func write(_ part: DriftResultPart, attributes: [(String, AttributeValue)],
                             to path: String, access: H5Access) throws {
        let file = try HDF5File.create(path, access: access)
        for g in ["/drift", "/segments", "/pairs"] { try file.createGroup(g) }
        let flat = DriftResult.flatten

        // One column of `total` rows, of which this part writes `values` from `offset`; vectors (x, y, z) in nm.
        func column<T: H5Element>(_ name: String, _ scalar: H5Scalar, _ total: Int, _ offset: Int, _ values: [T]) throws {
            try file.createDataset(name, scalar: scalar, shape: [total]).write(values, rowOffset: offset)
        }
        func vectors(_ name: String, _ total: Int, _ offset: Int, _ values: [SIMD3<Double>]) throws {
            let d = try file.createDataset(name, scalar: .float64, shape: [total, 3])
            try d.write(flat(values), rowOffset: offset)
            try d.setAttribute("unit", part.unit)
        }

        try column("/drift/frame", .int64, part.totalFrames, part.frameOffset, part.frames)
        try vectors("/drift/xyz", part.totalFrames, part.frameOffset, part.drift)
        if let nm = part.driftNm {
            let d = try file.createDataset("/drift/xyz_nm", scalar: .float64, shape: [part.totalFrames, 3])
            try d.write(flat(nm), rowOffset: part.frameOffset)
            try d.setAttribute("unit", LengthUnit.nm.rawValue)
        }

        if let source = part.source {
            try column("/drift/source", .uint8, part.totalFrames, part.frameOffset, source)
            let d = try file.createDataset("/drift/sigma", scalar: .float64, shape: [part.totalFrames])
            try d.write(part.sigma ?? [], rowOffset: part.frameOffset)
            try d.setAttribute("unit", part.unit)
        }
        let s = part.totalSegments, so = part.segmentOffset
        try column("/segments/first_frame", .int64, s, so, part.segmentFirstFrame)
        try column("/segments/last_frame", .int64, s, so, part.segmentLastFrame)
        try column("/segments/centre_frame", .float64, s, so, part.segmentCentreFrame)
        try column("/segments/count", .int64, s, so, part.segmentCount)
        try vectors("/segments/drift", s, so, part.segmentDrift)
        try vectors("/segments/sigma", s, so, part.segmentSigma)

        let p = part.totalPairs, po = part.pairOffset
        try column("/pairs/i", .int64, p, po, part.pairI)
        try column("/pairs/j", .int64, p, po, part.pairJ)
        try vectors("/pairs/shift", p, po, part.pairShift)
        try column("/pairs/weight", .float64, p, po, part.pairWeight)
        try column("/pairs/used", .uint8, p, po, part.pairUsed)

        if part.totalFine > 0 {
            try file.createGroup("/refinement")
            let f = part.totalFine, fo = part.fineOffset
            try column("/refinement/first_frame", .int64, f, fo, part.fineFirstFrame)
            try column("/refinement/last_frame", .int64, f, fo, part.fineLastFrame)
            try column("/refinement/centre_frame", .float64, f, fo, part.fineCentreFrame)
            try column("/refinement/count", .int64, f, fo, part.fineCount)
            try vectors("/refinement/correction", f, fo, part.fineCorrection)
        }

        for (name, value) in attributes {
            switch value {
            case .string(let v): try file.setAttribute(name, v)
            case .double(let v): try file.setAttribute(name, v)
            case .int(let v): try file.setAttribute(name, v)
            }
        }
    }
}
