/// The kernel sums of one segment's points in one strip of the reference: a fixed group of
/// `BandSweep.bandsPerStrip` bands of rows, numbered from the reference's first row. A segment's sums
/// are its strips' sums added in strip order, so a process holding only some strips (and the rows
/// within reach of them) can compute its part, and the parts put together in strip order give the
/// same sums, bit for bit, as one process doing every strip.
public struct StripSums: Equatable, Sendable {
    public var strip: Int
    public var segment: Int
    public var sums: KernelSums

    public init(strip: Int, segment: Int, sums: KernelSums) {
        self.strip = strip
        self.segment = segment
        self.sums = sums
    }

    /// Each segment's sums (`count` segments) from `parts`, added in strip order (then segment order:
    /// each (strip, segment) appears once).
    public static func totals(_ parts: [StripSums], count: Int) -> [KernelSums] {
        var totals = [KernelSums](repeating: KernelSums(), count: count)
        let before: (StripSums, StripSums) -> Bool = { ($0.strip, $0.segment) < ($1.strip, $1.segment) }
        let inOrder = parts.indices.dropFirst().allSatisfy { before(parts[$0 - 1], parts[$0]) }
        for p in inOrder ? parts : parts.sorted(by: before) { totals[p.segment].add(p.sums) }
        return totals
    }
}
