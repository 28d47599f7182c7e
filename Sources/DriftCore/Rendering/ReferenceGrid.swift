/// The bins of a refinement reference, without their counts: `width` x `height` bins of `binNm` nm
/// from the lower corner (`originX`, `originY`) nm. Bin (ix, iy) covers
/// [originX + ix * binNm, originX + (ix + 1) * binNm) in x, likewise in y.
public struct ReferenceGrid: Equatable, Sendable {
    /// Bin size, nm.
    public let binNm: Double
    /// Lower corner of bin (0, 0), nm.
    public let originX: Double
    public let originY: Double
    /// Size, bins.
    public let width: Int
    public let height: Int
    /// 1 / binNm, so that finding a bin multiplies.
    private let inverseBinNm: Double

    /// The bins covering [originX, originX + widthNm) x [originY, originY + heightNm).
    public init(originX: Double, originY: Double, widthNm: Double, heightNm: Double, binNm: Double) {
        precondition(binNm > 0 && widthNm > 0 && heightNm > 0)
        self.binNm = binNm
        self.originX = originX
        self.originY = originY
        width = Int((widthNm / binNm).rounded(.up))
        height = Int((heightNm / binNm).rounded(.up))
        inverseBinNm = 1 / binNm
    }

    private init(binNm: Double, originX: Double, originY: Double, width: Int, height: Int) {
        self.binNm = binNm
        self.originX = originX
        self.originY = originY
        self.width = width
        self.height = height
        inverseBinNm = 1 / binNm
    }

    /// The bin of the point (x, y) (nm), or nil where it is outside (or not finite).
    @inline(__always) public func bin(_ x: Float, _ y: Float) -> (ix: Int, iy: Int)? {
        let ix = Self.index(x, origin: originX, inverse: inverseBinNm, size: width)
        let iy = Self.index(y, origin: originY, inverse: inverseBinNm, size: height)
        guard ix >= 0 && iy >= 0 else { return nil }
        return (ix, iy)
    }

    /// The bin of each point (nm), -1 in both where it is outside (or not finite).
    public func bins(x: [Float], y: [Float]) -> ReferenceBins {
        precondition(x.count == y.count)
        let n = x.count
        var by = [Int32](unsafeUninitializedCapacity: n) { _, count in count = n }
        // A point outside on either axis is outside: -1 in both.
        let bx = [Int32](unsafeUninitializedCapacity: n) { out, count in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    by.withUnsafeMutableBufferPointer { by in
                        for i in 0..<n {
                            let ix = Self.index(x[i], origin: originX, inverse: inverseBinNm, size: width)
                            let iy = Self.index(y[i], origin: originY, inverse: inverseBinNm, size: height)
                            let inside = ix >= 0 && iy >= 0
                            out[i] = inside ? Int32(ix) : -1
                            by[i] = inside ? Int32(iy) : -1
                        }
                    }
                }
            }
            count = n
        }
        return ReferenceBins(ix: bx, iy: by)
    }

    /// The bin along one axis of coordinate `v` (nm) as `bin` finds it, -1 outside `0 ..< size` (or not
    /// finite).
    @inline(__always) private static func index(_ v: Float, origin: Double, inverse: Double, size: Int) -> Int {
        let f = ((Double(v) - origin) * inverse).rounded(.down)
        return f >= 0 && f < Double(size) ? Int(f) : -1
    }

    /// The same corner in bins `factor` times larger: bin (ix, iy) falls in (ix / factor, iy / factor).
    public func coarsened(by factor: Int) -> ReferenceGrid {
        precondition(factor >= 1)
        return ReferenceGrid(binNm: binNm * Double(factor), originX: originX, originY: originY,
                             width: (width + factor - 1) / factor, height: (height + factor - 1) / factor)
    }
}
