import Foundation

/// Tukey (tapered cosine) window: 1 in the middle, a half cosine over `alpha / 2` of the length at each end.
public enum TukeyWindow {
    /// Window weights for `length` samples; alpha 0 is rectangular, 1 is a Hann window.
    public static func weights(length: Int, alpha: Double) -> [Float] {
        guard length > 1, alpha > 0 else { return [Float](repeating: 1, count: max(length, 0)) }
        let a = min(alpha, 1)
        let n = Double(length - 1)
        let edge = a * n / 2
        return (0..<length).map { i in
            let t = Double(i)
            let d = min(t, n - t)
            if d >= edge { return 1 }
            return Float(0.5 * (1 - cos(Double.pi * d / edge)))
        }
    }
}
