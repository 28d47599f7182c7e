import DriftCore

/// The render grids of a localisation input: the camera field in x and y at the bin size; in 3D also
/// a 3D grid for the z drift.
struct LocalisationGrids {
    let input: String
    /// Field of view, nm.
    let field: SIMD2<Double>
    /// x-y bin size, nm (as resolved for this field).
    let binNm: Double
    let rendering: RenderingOptions
    /// Largest drift searched, nm.
    let maxDriftNm: Double

    /// Largest bin count of a 2D render.
    static let maxBins = Double(1 << 28)
    /// Largest side of the refinement's reference, bins: its bin indices are 32-bit. The reference is
    /// held as its points' bins, shared by tiles of the field between ranks, never as the counts of
    /// the field, so its area is not memory and sets no limit.
    static let maxReferenceSide = Double(Int32.max) * 0.99
    /// Largest number of z bins of the 3D grid.
    static let maxZBins = 512.0

    /// The field must make a grid of sensible size at the chosen bins (and, with `refinement`, a
    /// reference of sensible size at its finest kernel).
    func checkSizes(refinement: RefinementOptions?) throws {
        let fieldW = field.x, fieldH = field.y
        let bins = (fieldW / binNm) * (fieldH / binNm)
        guard bins <= Self.maxBins, min(fieldW, fieldH) / binNm >= 8 else {
            throw CollectiveFailure(message: "\(input): a field of \(Int(fieldW)) x \(Int(fieldH)) nm in \(binNm) nm bins makes \(bins < 64 ? "too few" : "too many") bins; choose another --bin-nm", rank: 0)
        }
        if let r = refinement {
            let side = r.sigmasNm.last!
            let refSide = (max(fieldW, fieldH) + 2 * r.marginNm) / side
            guard refSide <= Self.maxReferenceSide else {
                throw CollectiveFailure(message: "\(input): the refinement reference of this field at \(side) nm would be \(Int(refSide)) bins a side, over the 2^31 that its 32-bit bin indices allow; use a larger --refine-sigma-nm or --no-refine", rank: 0)
            }
        }
    }

    /// The grids: x-y at `binNm`; in 3D also a grid over the z range of all localisations (agreed
    /// with exact min/max reductions) plus the largest drift searched, in `binZNm` bins, with x and y
    /// bins coarse enough for at most `maxZGridSide` a side (x and y come from the 2D grid; refinement
    /// then sharpens all three). Collective.
    /// The largest x-y side of the 3D grid, bins. It only has to give a coarse z drift that the
    /// refinement's z pass can capture: measured on 527,237 simulated 3D localisations (35 um field),
    /// 64 instead of 256 a side gave the same refined drift to 0.01 nm, the coarse z 5.7 nm either way,
    /// and cut the 3D transforms and correlations from 2.7 to about 0.3 s.
    static let maxZGridSide = 64

    func grids(threeD: Bool, locs: Localisations, ownRows: Range<Int>, communicator comm: Communicator) throws -> [RenderGrid] {
        let fieldW = field.x, fieldH = field.y, binZNm = rendering.binZNm
        let xy = RenderGrid(widthNm: fieldW, heightNm: fieldH, binNm: binNm)
        guard threeD else { return [xy] }
        guard let range = Self.zRange(of: locs, rows: ownRows, communicator: comm) else {
            throw CollectiveFailure(message: "\(input): no finite z values", rank: 0)
        }
        let lo = range.lowerBound, hi = range.upperBound
        let margin = min(maxDriftNm, 500) + 2 * binZNm
        let depth = hi - lo + 2 * margin
        guard depth / binZNm <= Self.maxZBins else {
            throw CollectiveFailure(message: "\(input): z spans \(Int(lo)) to \(Int(hi)) nm, over 512 bins of \(binZNm) nm; use a larger --bin-z-nm or --dims 2", rank: 0)
        }
        let coarse = max(binNm, max(fieldW, fieldH) / Double(Self.maxZGridSide))
        return [xy, RenderGrid(widthNm: fieldW, heightNm: fieldH, binNm: coarse, originZ: lo - margin, depthNm: depth, binZNm: binZNm)]
    }

    /// The z range of every rank's localisations `rows` (exact min/max reductions), nil when none is finite.
    static func zRange(of locs: Localisations, rows: Range<Int>? = nil, communicator comm: Communicator) -> ClosedRange<Double>? {
        var lo = Double.infinity, hi = -Double.infinity
        if let z = locs.z {
            for k in rows ?? z.indices where z[k].isFinite {
                lo = min(lo, Double(z[k]))
                hi = max(hi, Double(z[k]))
            }
        }
        lo = comm.allreduce(lo, .min)
        hi = comm.allreduce(hi, .max)
        return lo <= hi ? lo...hi : nil
    }

    /// A description for the progress line: `WxH bins of B nm` (+ the 3D grid).
    static func describe(_ grids: [RenderGrid]) -> String {
        grids.map { g in
            g.is3D ? "\(g.width)x\(g.height)x\(g.depth) bins of \(g.binNm) x \(g.binNm) x \(g.binZNm) nm (z)"
                : "\(g.width)x\(g.height) bins of \(g.binNm) nm"
        }.joined(separator: " + ")
    }
}
