import Foundation

/// Axis ticks at 1-2-5 steps (1, 2, 5, 10, 20, ... times a power of ten), in the axis's unit.
enum PlotTicks {
    /// The 1-2-5 step (1, 2, 5, 10, 20, ... times a power of ten) nearest to cutting `span` into `count` intervals.
    static func niceStep(_ span: Double, count: Int) -> Double {
        guard span.isFinite, span > 0 else { return 1 }
        let raw = span / Double(max(count, 1))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let f = raw / magnitude
        let m: Double = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10
        return m * magnitude
    }

    /// The next 1-2-5 step above `step`.
    static func coarser(_ step: Double) -> Double {
        let magnitude = pow(10, (log10(step) + 1e-9).rounded(.down))
        let f = (step / magnitude).rounded()
        return (f < 2 ? 2 : f < 5 ? 5 : 10) * magnitude
    }

    /// The multiples of `step` from `lo` to `hi` (with a little tolerance at both ends).
    static func ticks(from lo: Double, to hi: Double, step: Double) -> [Double] {
        guard step > 0, hi >= lo else { return [] }
        let first = (lo / step - 1e-9).rounded(.up), last = (hi / step + 1e-9).rounded(.down)
        guard last >= first, last - first < 1000 else { return [] }
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Decimals that show multiples of `step` exactly.
    static func decimals(for step: Double) -> Int {
        max(0, -Int((log10(step) + 1e-9).rounded(.down)))
    }
}
