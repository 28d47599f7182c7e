import Foundation

/// A histogram of localisation counts on a fine grid, used as the reference that each short segment
/// is aligned to during refinement. Counts are integers, so adding and removing a segment's own
/// localisations is exact, and sums over processes do not depend on their order.
public struct ReferenceDensity: Sendable {
    /// Its bins.
    public let grid: ReferenceGrid
    /// Bin size, nm.
    public var binNm: Double { grid.binNm }
    /// Lower corner of bin (0, 0), nm.
    public var originX: Double { grid.originX }
    public var originY: Double { grid.originY }
    /// Size, bins.
    public var width: Int { grid.width }
    public var height: Int { grid.height }
    /// Row-major counts (y rows, x fastest).
    public var counts: [Int32]

    /// A grid of `binNm` bins covering [originX, originX + widthNm) x [originY, originY + heightNm).
    public init(originX: Double, originY: Double, widthNm: Double, heightNm: Double, binNm: Double) {
        grid = ReferenceGrid(originX: originX, originY: originY, widthNm: widthNm, heightNm: heightNm, binNm: binNm)
        counts = [Int32](repeating: 0, count: grid.width * grid.height)
    }

    /// Adds `weight` (usually +1 or -1) at the nearest bin of each point (nm); points outside are skipped.
    public mutating func add(x: ArraySlice<Float>, y: ArraySlice<Float>, weight: Int32 = 1) {
        let g = grid, w = width
        counts.withUnsafeMutableBufferPointer { c in
            var j = y.startIndex
            for i in x.indices {
                if let (ix, iy) = g.bin(x[i], y[j]) { c[iy * w + ix] &+= weight }
                j += 1
            }
        }
    }

    /// The bin of each point (nm), as `add` counts it.
    public func bins(x: [Float], y: [Float]) -> ReferenceBins { grid.bins(x: x, y: y) }

    /// Adds one count at each of `rows`' bins (those inside).
    public mutating func add(_ bins: ReferenceBins, rows: Range<Int>) {
        let w = width
        counts.withUnsafeMutableBufferPointer { c in
            for i in rows where bins.ix[i] >= 0 { c[Int(bins.iy[i]) * w + Int(bins.ix[i])] &+= 1 }
        }
    }

    /// The same counts in bins `factor` times larger (sums of factor x factor blocks).
    public func coarsened(by factor: Int) -> ReferenceDensity {
        var out = ReferenceDensity(originX: originX, originY: originY,
                                   widthNm: Double(width) * binNm, heightNm: Double(height) * binNm,
                                   binNm: binNm * Double(factor))
        let ow = out.width
        out.counts.withUnsafeMutableBufferPointer { o in
            counts.withUnsafeBufferPointer { c in
                for iy in 0..<height {
                    let row = (iy / factor) * ow
                    for ix in 0..<width { o[row + ix / factor] &+= c[iy * width + ix] }
                }
            }
        }
        return out
    }

    /// Centre of bin index `i` along x or y, nm.
    @inline(__always) func centreX(_ i: Int) -> Double { originX + (Double(i) + 0.5) * binNm }
    @inline(__always) func centreY(_ i: Int) -> Double { originY + (Double(i) + 0.5) * binNm }
}

