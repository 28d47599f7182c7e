import Foundation

/// Finds the highest value of a circular correlation image within a box around zero shift, then
/// refines it to sub-bin precision with a three-point Gaussian fit along each axis.
public enum PeakFinder {
    /// `image` is `width * height * depth`, x fastest, zero shift at index 0 (negative shifts wrap).
    public static func locate(in image: [Float], width: Int, height: Int, depth: Int = 1,
                              maxShift: Int, maxShiftZ: Int = 0) -> PeakEstimate? {
        image.withUnsafeBufferPointer {
            locate(in: $0, width: width, height: height, depth: depth, maxShift: maxShift, maxShiftZ: maxShiftZ)
        }
    }

    /// As `locate(in:width:height:depth:maxShift:maxShiftZ:)`, in values held elsewhere (a transform's
    /// own output, not copied).
    public static func locate(in image: UnsafeBufferPointer<Float>, width: Int, height: Int, depth: Int = 1,
                              maxShift: Int, maxShiftZ: Int = 0) -> PeakEstimate? {
        precondition(image.count == width * height * depth)
        let r = maxShift, rz = depth > 1 ? maxShiftZ : 0
        func index(_ sx: Int, _ sy: Int, _ sz: Int) -> Int {
            let x = ((sx % width) + width) % width
            let y = ((sy % height) + height) % height
            let z = ((sz % depth) + depth) % depth
            return (z * height + y) * width + x
        }
        var best = -Float.infinity
        var bx = 0, by = 0, bz = 0
        var sum = 0.0
        // Each row's shifts -r ... r in order, as two runs of contiguous values (the negative
        // shifts wrapped to the row's end), with no index arithmetic per value.
        for sz in -rz...rz {
            for sy in -r...r {
                let row = index(0, sy, sz)
                for sx in -r...r {
                    let v = image[row + (sx < 0 ? sx + width : sx)]
                    sum += Double(v)
                    if v > best { best = v; bx = sx; by = sy; bz = sz }
                }
            }
        }
        guard best > 0, best.isFinite else { return nil }
        func value(_ sx: Int, _ sy: Int, _ sz: Int) -> Double { Double(image[index(sx, sy, sz)]) }
        let c = value(bx, by, bz)
        let ox = subBinOffset(value(bx - 1, by, bz), c, value(bx + 1, by, bz))
        let oy = subBinOffset(value(bx, by - 1, bz), c, value(bx, by + 1, bz))
        let oz = depth > 1 ? subBinOffset(value(bx, by, bz - 1), c, value(bx, by, bz + 1)) : 0
        let count = Double((2 * r + 1) * (2 * r + 1) * (2 * rz + 1))
        let mean = sum / count
        return PeakEstimate(dx: Double(bx) + ox, dy: Double(by) + oy, dz: Double(bz) + oz, height: c,
                            contrast: mean > 0 ? c / mean : .infinity)
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
