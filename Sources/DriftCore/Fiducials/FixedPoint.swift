/// Sums that come out the same, bit for bit, whatever the order of their terms (so at any number of
/// processes): each term is rounded to a multiple of 2^-20 and held as an integer.
public enum FixedPoint {
    public static let scale = 1_048_576.0

    @inline(__always) public static func fixed(_ v: Double) -> Int64 { Int64((v * scale).rounded()) }
    @inline(__always) public static func value(_ v: Int64) -> Double { Double(v) / scale }
}
