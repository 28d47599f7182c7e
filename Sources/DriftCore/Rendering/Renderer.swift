/// Renders localisations into a histogram on a `RenderGrid` (2D, or 3D with z), with linear
/// (cloud-in-cell) splatting so that sub-bin positions survive, and a Tukey window over the field's
/// edges.
public struct Renderer: Sendable {
    public let grid: RenderGrid
    /// Tukey window parameter (fraction of the field that is tapered).
    public let tukeyAlpha: Double
    private let windowX: [Float]
    private let windowY: [Float]
    private let windowZ: [Float]

    public init(grid: RenderGrid, tukeyAlpha: Double) {
        self.grid = grid
        self.tukeyAlpha = tukeyAlpha
        windowX = TukeyWindow.weights(length: grid.fieldWidth, alpha: tukeyAlpha)
        windowY = TukeyWindow.weights(length: grid.fieldHeight, alpha: tukeyAlpha)
        windowZ = grid.is3D ? TukeyWindow.weights(length: grid.fieldDepth, alpha: tukeyAlpha) : [1]
    }

    /// The histogram of the localisations (x, y, and z on a 3D grid, in nm): `binCount` values, x
    /// fastest. Rows are summed in order, so the result depends only on the rows, never on how the
    /// work was split. Points beyond the field add nothing.
    public func render(x: ArraySlice<Float>, y: ArraySlice<Float>, z: ArraySlice<Float>? = nil) -> [Float] {
        render(x: x, y: y, z: z, rows: 0..<grid.height)
    }

    /// Rows `rows` (y bins) of the same histogram: `depth` x `rows.count` x `width` values, each equal
    /// to the full histogram's (the same points summed in the same order), for a process that holds a
    /// slab of a distributed transform.
    public func render(x: ArraySlice<Float>, y: ArraySlice<Float>, z: ArraySlice<Float>? = nil, rows: Range<Int>) -> [Float] {
        precondition(x.count == y.count && (z == nil || z!.count == x.count))
        precondition(!grid.is3D || z != nil, "a 3D grid needs z")
        let w = grid.width, plane = grid.width * rows.count
        let fw = grid.fieldWidth, fh = grid.fieldHeight, fd = grid.fieldDepth
        var image = [Float](repeating: 0, count: grid.depth * rows.count * w)
        let inv = 1 / grid.binNm, invZ = 1 / grid.binZNm
        let ox = grid.originX, oy = grid.originY, oz = grid.originZ
        let threeD = grid.is3D
        let rowLo = max(rows.lowerBound, 0), rowHi = min(rows.upperBound, fh)
        image.withUnsafeMutableBufferPointer { img in
            var j = y.startIndex
            var l = z?.startIndex ?? 0
            for i in x.indices {
                // Bin centres sit at (k + 0.5) * bin.
                let px = (Double(x[i]) - ox) * inv - 0.5
                let py = (Double(y[j]) - oy) * inv - 0.5
                j += 1
                var pz = 0.0
                if threeD {
                    pz = (Double(z![l]) - oz) * invZ - 0.5
                    l += 1
                }
                guard px > -1, px < Double(fw), py > -1, py < Double(fh), pz > -1, pz < Double(fd) || !threeD else { continue }
                let fx = px.rounded(.down), fy = py.rounded(.down), fz = threeD ? pz.rounded(.down) : 0
                let ix = Int(fx), iy = Int(fy), iz = Int(fz)
                let tx = Float(px - fx), ty = Float(py - fy), tz = Float(pz - fz)
                let wxs = (1 - tx, tx), wys = (1 - ty, ty), wzs = threeD ? (1 - tz, tz) : (1, 0)
                // Nearly every point has all its bins inside: the same adds, in the same order, unguarded.
                if ix >= 0 && ix + 1 < fw && iy >= rowLo && iy + 1 < rowHi && (!threeD || (iz >= 0 && iz + 1 < fd)) {
                    for dz in 0..<(threeD ? 2 : 1) {
                        let wz = dz == 0 ? wzs.0 : wzs.1
                        let base = (iz + dz) * plane + (iy - rows.lowerBound) * w + ix
                        let wy0 = wz * wys.0, wy1 = wz * wys.1
                        img[base] += wxs.0 * wy0
                        img[base + 1] += wxs.1 * wy0
                        img[base + w] += wxs.0 * wy1
                        img[base + w + 1] += wxs.1 * wy1
                    }
                    continue
                }
                for dz in 0..<(threeD ? 2 : 1) {
                    let zz = iz + dz
                    guard zz >= 0 && zz < fd else { continue }
                    let wz = dz == 0 ? wzs.0 : wzs.1
                    for dy in 0..<2 {
                        let yy = iy + dy
                        guard yy >= rowLo && yy < rowHi else { continue }
                        let wyz = wz * (dy == 0 ? wys.0 : wys.1)
                        let base = zz * plane + (yy - rows.lowerBound) * w
                        if ix >= 0 && ix < fw { img[base + ix] += wxs.0 * wyz }
                        if ix + 1 >= 0 && ix + 1 < fw { img[base + ix + 1] += wxs.1 * wyz }
                    }
                }
            }
            if tukeyAlpha > 0 {
                // Where the weight is exactly 1 (the window's flat middle) the bins stay as they are,
                // so only the tapered edges are multiplied.
                let taperedX = windowX.indices.filter { windowX[$0] != 1 }
                for iz in 0..<fd {
                    for iy in rowLo..<max(rowLo, rowHi) {
                        let wyz = windowY[iy] * windowZ[iz]
                        let base = iz * plane + (iy - rows.lowerBound) * w
                        if wyz == 1 {
                            for ix in taperedX { img[base + ix] *= windowX[ix] }
                        } else {
                            for ix in 0..<fw { img[base + ix] *= wyz * windowX[ix] }
                        }
                    }
                }
            }
        }
        return image
    }
}
