/// Figures of merit for an estimated drift against a known one.
public enum DriftAccuracy {
    /// Root-mean-square error per axis (nm) after removing the mean difference (a constant offset is
    /// not drift: it only moves the whole image).
    public static func rmse(estimated: [SIMD3<Double>], truth: [SIMD3<Double>]) -> SIMD3<Double> {
        precondition(estimated.count == truth.count && !truth.isEmpty)
        let n = Double(truth.count)
        var mean = SIMD3<Double>.zero
        for k in truth.indices { mean += estimated[k] - truth[k] }
        mean /= n
        var sum = SIMD3<Double>.zero
        for k in truth.indices {
            let d = estimated[k] - truth[k] - mean
            sum += d * d
        }
        return (sum / n).squareRoot()
    }
}
