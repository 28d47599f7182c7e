/// Renders localisations into a 2D histogram on a `RenderGrid`, with linear (cloud-in-cell) splatting
/// so that sub-bin positions survive, and a Tukey window over the field's edges.
public struct Renderer: Sendable {
    public let grid: RenderGrid
    /// Tukey window parameter (fraction of the field that is tapered).
    public let tukeyAlpha: Double
    private let windowX: [Float]
    private let windowY: [Float]

    public init(grid: RenderGrid, tukeyAlpha: Double) {
        self.grid = grid
        self.tukeyAlpha = tukeyAlpha
        windowX = TukeyWindow.weights(length: grid.fieldWidth, alpha: tukeyAlpha)
        windowY = TukeyWindow.weights(length: grid.fieldHeight, alpha: tukeyAlpha)
    }

    /// The histogram of the localisations (x, y in nm) with the given row range, `width * height`
    /// values in row-major order (y rows, x fastest). Rows are summed in order, so the result
    /// depends only on the rows, never on how the work was split.
    public func render(x: ArraySlice<Float>, y: ArraySlice<Float>) -> [Float] {
        precondition(x.count == y.count)
        let w = grid.width, fw = grid.fieldWidth, fh = grid.fieldHeight
        var image = [Float](repeating: 0, count: grid.binCount)
        let inv = 1 / grid.binNm
        let ox = grid.originX, oy = grid.originY
        image.withUnsafeMutableBufferPointer { img in
            var j = y.startIndex
            for i in x.indices {
                // Bin centres sit at (k + 0.5) * bin.
                let px = (Double(x[i]) - ox) * inv - 0.5
                let py = (Double(y[j]) - oy) * inv - 0.5
                j += 1
                // Points beyond the field (or not finite) add nothing.
                guard px > -1, px < Double(fw), py > -1, py < Double(fh) else { continue }
                let fx = px.rounded(.down), fy = py.rounded(.down)
                let ix = Int(fx), iy = Int(fy)
                let tx = Float(px - fx), ty = Float(py - fy)
                let wx0 = 1 - tx, wy0 = 1 - ty
                if iy >= 0 && iy < fh {
                    if ix >= 0 && ix < fw { img[iy * w + ix] += wx0 * wy0 }
                    if ix + 1 >= 0 && ix + 1 < fw { img[iy * w + ix + 1] += tx * wy0 }
                }
                if iy + 1 >= 0 && iy + 1 < fh {
                    if ix >= 0 && ix < fw { img[(iy + 1) * w + ix] += wx0 * ty }
                    if ix + 1 >= 0 && ix + 1 < fw { img[(iy + 1) * w + ix + 1] += tx * ty }
                }
            }
            if tukeyAlpha > 0 {
                for iy in 0..<fh {
                    let wy = windowY[iy]
                    for ix in 0..<fw { img[iy * w + ix] *= wy * windowX[ix] }
                }
            }
        }
        return image
    }
}
