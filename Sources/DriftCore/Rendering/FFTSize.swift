/// Transform sizes FFTW is fast at with `FFTW_ESTIMATE` plans: a power of two times 1, 3 or 5. Sizes
/// with several odd factors cost up to twice as much per point (measured on this project's machine:
/// a 750 x 750 inverse transform took 3.6 ms, 768 x 768 2.1 ms, 729 x 729 8.4 ms; docs/benchmarks.md).
public enum FFTSize {
    /// The smallest n >= `atLeast` of the form 2^a, 3 * 2^a or 5 * 2^a.
    public static func next(atLeast: Int) -> Int {
        var n = max(1, atLeast)
        while !isFast(n) { n += 1 }
        return n
    }

    static func isFast(_ value: Int) -> Bool {
        var n = value
        while n % 2 == 0 { n /= 2 }
        return n == 1 || n == 3 || n == 5
    }
}
