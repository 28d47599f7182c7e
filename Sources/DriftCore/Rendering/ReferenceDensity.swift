import Foundation

/// A histogram of localisation counts on a fine grid, used as the reference that each short segment
/// is aligned to during refinement. Counts are integers, so adding and removing a segment's own
/// localisations is exact, and sums over processes do not depend on their order.
public struct ReferenceDensity: Sendable {
    /// Bin size, nm.
    public let binNm: Double
    /// Lower corner of bin (0, 0), nm.
    public let originX: Double
    public let originY: Double
    /// Size, bins.
    public let width: Int
    public let height: Int
    /// Row-major counts (y rows, x fastest).
    public var counts: [Int32]

    /// A grid of `binNm` bins covering [originX, originX + widthNm) x [originY, originY + heightNm).
    public init(originX: Double, originY: Double, widthNm: Double, heightNm: Double, binNm: Double) {
        precondition(binNm > 0 && widthNm > 0 && heightNm > 0)
        self.binNm = binNm
        self.originX = originX
        self.originY = originY
        width = Int((widthNm / binNm).rounded(.up))
        height = Int((heightNm / binNm).rounded(.up))
        counts = [Int32](repeating: 0, count: width * height)
    }

    /// Adds `weight` (usually +1 or -1) at the nearest bin of each point (nm); points outside are skipped.
    public mutating func add(x: ArraySlice<Float>, y: ArraySlice<Float>, weight: Int32 = 1) {
        let inv = 1 / binNm
        let w = width, h = height
        counts.withUnsafeMutableBufferPointer { c in
            var j = y.startIndex
            for i in x.indices {
                let fx = ((Double(x[i]) - originX) * inv).rounded(.down)
                let fy = ((Double(y[j]) - originY) * inv).rounded(.down)
                j += 1
                if fx >= 0 && fx < Double(w) && fy >= 0 && fy < Double(h) { c[Int(fy) * w + Int(fx)] &+= weight }
            }
        }
    }

    /// The bin of each point (nm), as `add` counts it.
    public func bins(x: [Float], y: [Float]) -> ReferenceBins {
        let inv = 1 / binNm
        var bx = [Int32](repeating: -1, count: x.count), by = bx
        for i in x.indices {
            let fx = ((Double(x[i]) - originX) * inv).rounded(.down)
            let fy = ((Double(y[i]) - originY) * inv).rounded(.down)
            if fx >= 0 && fx < Double(width) && fy >= 0 && fy < Double(height) { bx[i] = Int32(fx); by[i] = Int32(fy) }
        }
        return ReferenceBins(ix: bx, iy: by)
    }

    /// Adds one count at each of `rows`' bins (those inside).
    public mutating func add(_ bins: ReferenceBins, rows: Range<Int>) {
        let w = width
        counts.withUnsafeMutableBufferPointer { c in
            for i in rows where bins.ix[i] >= 0 { c[Int(bins.iy[i]) * w + Int(bins.ix[i])] &+= 1 }
        }
    }

    /// Sets every count to zero (keeping the memory).
    public mutating func reset() {
        counts.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
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

