/// The histogram grid that segments are rendered on: 2D (depth 1) or 3D.
///
/// Bins are `binNm` wide in x and y and `binZNm` deep in z; bin (ix, iy, iz) covers
/// x in [originX + ix*binNm, originX + (ix+1)*binNm), likewise y and z. The array is
/// `width` x `height` x `depth` bins (sizes FFTW is fast at: `FFTSize`), of which the field
/// occupies the first `fieldWidth` x `fieldHeight` x `fieldDepth`; the rest is zero padding.
/// Values are stored with x fastest, then y, then z.
public struct RenderGrid: Equatable, Sendable {
    /// Bin size in x and y, nm.
    public var binNm: Double
    /// Bin size in z, nm (unused in 2D).
    public var binZNm: Double
    /// Lower corner of the field, nm.
    public var originX: Double
    public var originY: Double
    public var originZ: Double
    /// Field, in bins.
    public var fieldWidth: Int
    public var fieldHeight: Int
    public var fieldDepth: Int
    /// Array size, in bins (>= the field).
    public var width: Int
    public var height: Int
    public var depth: Int

    /// A 2D grid covering `widthNm` x `heightNm` from the origin, with `padBins` extra bins on the far
    /// sides; or a 3D one when `depthNm` is given (z from `originZ`, bins of `binZNm`, padded by `padBinsZ`).
    public init(originX: Double = 0, originY: Double = 0, widthNm: Double, heightNm: Double,
                binNm: Double, padBins: Int = 0,
                originZ: Double = 0, depthNm: Double? = nil, binZNm: Double = 50, padBinsZ: Int = 0) {
        precondition(binNm > 0 && widthNm > 0 && heightNm > 0 && binZNm > 0)
        self.binNm = binNm
        self.binZNm = binZNm
        self.originX = originX
        self.originY = originY
        self.originZ = originZ
        fieldWidth = max(1, Int((widthNm / binNm).rounded(.up)))
        fieldHeight = max(1, Int((heightNm / binNm).rounded(.up)))
        width = FFTSize.next(atLeast: fieldWidth + padBins)
        height = FFTSize.next(atLeast: fieldHeight + padBins)
        if let d = depthNm {
            fieldDepth = max(1, Int((d / binZNm).rounded(.up)))
            depth = FFTSize.next(atLeast: fieldDepth + padBinsZ)
        } else {
            fieldDepth = 1
            depth = 1
        }
    }

    /// Whether the grid has a z axis.
    public var is3D: Bool { depth > 1 }

    /// Number of bins in the array.
    public var binCount: Int { width * height * depth }
}
