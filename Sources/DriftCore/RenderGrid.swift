/// The 2D histogram grid that segments are rendered on.
///
/// Bins are square, `binNm` wide; bin (ix, iy) covers x in [originX + ix*binNm, originX + (ix+1)*binNm).
/// The array is `width` x `height` bins (a size with small prime factors, for FFTW), of which the
/// field of view occupies the first `fieldWidth` x `fieldHeight` bins; the rest is zero padding.
public struct RenderGrid: Equatable, Sendable {
    /// Bin size, nm.
    public var binNm: Double
    /// Lower corner of the field, nm.
    public var originX: Double
    public var originY: Double
    /// Field of view, in bins.
    public var fieldWidth: Int
    public var fieldHeight: Int
    /// Array size, in bins (>= the field).
    public var width: Int
    public var height: Int

    /// A grid covering `widthNm` x `heightNm` from the origin, with `padBins` extra bins on the far sides.
    public init(originX: Double = 0, originY: Double = 0, widthNm: Double, heightNm: Double,
                binNm: Double, padBins: Int = 0) {
        precondition(binNm > 0 && widthNm > 0 && heightNm > 0)
        self.binNm = binNm
        self.originX = originX
        self.originY = originY
        fieldWidth = max(1, Int((widthNm / binNm).rounded(.up)))
        fieldHeight = max(1, Int((heightNm / binNm).rounded(.up)))
        width = FFTSize.next(atLeast: fieldWidth + padBins)
        height = FFTSize.next(atLeast: fieldHeight + padBins)
    }

    /// Number of bins in the array.
    public var binCount: Int { width * height }
}

/// Transform sizes whose prime factors are 2, 3, 5 and 7, which FFTW handles fastest.
public enum FFTSize {
    /// The smallest n >= `atLeast` with no prime factor above 7.
    public static func next(atLeast: Int) -> Int {
        var n = max(1, atLeast)
        while !isSmooth(n) { n += 1 }
        return n
    }

    static func isSmooth(_ value: Int) -> Bool {
        var n = value
        for p in [2, 3, 5, 7] { while n % p == 0 { n /= p } }
        return n == 1
    }
}
