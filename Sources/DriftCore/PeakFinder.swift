import Foundation

/// A located correlation peak.
public struct PeakEstimate: Equatable, Sendable {
    /// Shift, bins (x, y).
    public var dx: Double
    public var dy: Double
    /// Height of the correlation at the peak (arbitrary units).
    public var height: Double
}

/// Finds the highest value of a circular correlation image within a square search region around zero
/// shift, then refines it to sub-bin precision with a three-point Gaussian fit along each axis.
public enum PeakFinder {
    /// `image` is `width * height`, row-major, zero shift at index 0 (negative shifts wrap around).
    public static func locate(in image: [Float], width: Int, height: Int, maxShift: Int) -> PeakEstimate? {
        let r = maxShift
        var best = -Float.infinity
        var bx = 0, by = 0
        for sy in -r...r {
            let row = ((sy % height) + height) % height * width
            for sx in -r...r {
                let v = image[row + ((sx % width) + width) % width]
                if v > best { best = v; bx = sx; by = sy }
            }
        }
        guard best > 0, best.isFinite else { return nil }
        func value(_ sx: Int, _ sy: Int) -> Double {
            Double(image[((sy % height) + height) % height * width + ((sx % width) + width) % width])
        }
        let c = value(bx, by)
        let ox = subBinOffset(value(bx - 1, by), c, value(bx + 1, by))
        let oy = subBinOffset(value(bx, by - 1), c, value(bx, by + 1))
        return PeakEstimate(dx: Double(bx) + ox, dy: Double(by) + oy, height: c)
    }

    /// Offset of the vertex from the middle sample, in (-0.5, 0.5): a parabola through the logarithms
    /// (exact for a Gaussian peak) when all three values are positive, else through the values.
    public static func subBinOffset(_ left: Double, _ centre: Double, _ right: Double) -> Double {
        var l = left, c = centre, r = right
        if l > 0 && c > 0 && r > 0 { l = log(l); c = log(c); r = log(r) }
        let denom = l - 2 * c + r
        guard denom < 0 else { return 0 }
        let o = 0.5 * (l - r) / denom
        return max(-0.5, min(0.5, o))
    }
}
