import DriftCore
import Foundation

/// The values a drift plot draws, taken from a result: units and nm scales of the axes, the coarse
/// drift before the refinement, offsets between curves, /drift between frames, and lines reduced to
/// the pixel columns they cover. Frames are frame numbers; drifts are in the result's unit.
enum PlotSeries {
    /// The unit of an axis's values: the result's unit (slices for z in pixel results).
    static func axisUnit(_ r: DriftResult, axis: Int) -> String {
        if r.lengthUnit == .px && axis == 2 { return "slices" }
        return r.unit
    }

    /// nm per result unit on each axis, for results not in nm: the root attribute `voxel_size_nm`
    /// ("x,y,z"), else the ratio of `/drift/xyz_nm` to `/drift/xyz` at the largest drift; nil when unknown.
    static func nmScales(_ r: DriftResult) -> [Double?] {
        guard r.lengthUnit != .nm, !r.driftNm.isEmpty, r.driftNm.count == r.drift.count else { return [nil, nil, nil] }
        var fromAttribute: [Double]?
        if case .string(let s)? = r.attributes["voxel_size_nm"] {
            let v = s.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            if v.count == 3 { fromAttribute = v }
        }
        return (0..<3).map { a -> Double? in
            if let v = fromAttribute?[a], v.isFinite, v > 0 { return v }
            var best = 0.0, ratio: Double?
            for (d, n) in zip(r.drift, r.driftNm) where d[a].isFinite && n[a].isFinite && abs(d[a]) > best {
                best = abs(d[a]); ratio = n[a] / d[a]
            }
            if let q = ratio, q.isFinite, q > 0 { return q }
            return nil
        }
    }

    /// The coarse drift before the refinement at each refinement segment: /drift there (linear between
    /// frames) minus the correction, plus the correction at the first segment (the drift is shifted to 0 at
    /// the first frame, where the correction is held at its first value). Empty without a refinement.
    static func coarseCurve(_ r: DriftResult) -> [(frame: Double, value: SIMD3<Double>)] {
        let n = min(r.fineCentreFrame.count, r.fineCorrection.count)
        guard n > 0, r.frames.count == r.drift.count else { return [] }
        let first = r.fineCorrection[0]
        var out: [(frame: Double, value: SIMD3<Double>)] = []
        for k in 0..<n {
            let c = r.fineCentreFrame[k]
            guard c.isFinite, let d = driftAt(r, frame: c) else { continue }
            out.append((c, d - r.fineCorrection[k] + first))
        }
        return out.sorted { $0.frame < $1.frame }
    }

    /// The mean of /drift minus `points` over the points where both are finite (zero without any).
    static func offset(from points: [(frame: Double, value: SIMD3<Double>)], to r: DriftResult) -> SIMD3<Double> {
        var sum = SIMD3<Double>.zero, n = 0.0
        for p in points where p.frame.isFinite && p.value.x.isFinite && p.value.y.isFinite && p.value.z.isFinite {
            guard let d = driftAt(r, frame: p.frame) else { continue }
            sum += d - p.value
            n += 1
        }
        return n > 0 ? sum / n : .zero
    }

    /// /drift at a (fractional) frame, linear between the frames listed, held beyond them.
    static func driftAt(_ r: DriftResult, frame: Double) -> SIMD3<Double>? {
        guard !r.frames.isEmpty else { return nil }
        if frame <= Double(r.frames[0]) { return r.drift[0] }
        if frame >= Double(r.frames[r.frames.count - 1]) { return r.drift[r.drift.count - 1] }
        // The frames listed bracketing `frame` (increasing frames): frames[lo] <= frame < frames[hi].
        let hi = r.frames.partitioningIndex { Double($0) > frame }, lo = hi - 1
        let a = Double(r.frames[lo]), b = Double(r.frames[hi])
        let t = b > a ? (frame - a) / (b - a) : 0
        return r.drift[lo] + (r.drift[hi] - r.drift[lo]) * t
    }

    /// A line's points, reduced when there are more than `DriftPlot.maxLinePoints`: in each of `columns` equal
    /// columns between `x0` and `x1`, the lowest and the highest value, in their order. nil breaks the line
    /// (a non-finite value).
    static func decimated(x: [Double], y: [Double], columns: Int, x0: Double, x1: Double) -> [(Double, Double)?] {
        let n = min(x.count, y.count)
        var out: [(Double, Double)?] = []
        if n <= DriftPlot.maxLinePoints {
            for k in 0..<n { out.append(y[k].isFinite && x[k].isFinite ? (x[k], y[k]) : nil) }
            return out
        }
        out.reserveCapacity(2 * columns + 2)
        var column = -1, low = -1, high = -1
        func flush() {
            guard low >= 0 else { return }
            if low == high { out.append((x[low], y[low])) }
            else if low < high { out.append((x[low], y[low])); out.append((x[high], y[high])) }
            else { out.append((x[high], y[high])); out.append((x[low], y[low])) }
            low = -1; high = -1
        }
        let width = x1 > x0 ? x1 - x0 : 1
        for k in 0..<n {
            guard y[k].isFinite, x[k].isFinite else { flush(); out.append(nil); continue }
            let c = min(columns - 1, max(0, Int((x[k] - x0) / width * Double(columns))))
            if c != column { flush(); column = c }
            if low < 0 || y[k] < y[low] { low = k }
            if high < 0 || y[k] > y[high] { high = k }
        }
        flush()
        return out
    }
}
