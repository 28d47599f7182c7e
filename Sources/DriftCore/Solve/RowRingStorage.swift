/// The memory of `ReferenceRowWindow`'s rings, kept from one sweep to the next (one refinement makes
/// a sweep per level and pass): a ring is all zero after each use (`ReferenceRowWindow.empty`), so the
/// next ring starts from it as it is, instead of allocating and clearing counts of `slots` rows of the
/// field's width again. One window at a time holds it (`lend`, `giveBack`), from its making to its
/// end, so a `BandSweep` holds it while the sweep itself lives. Not shared between threads.
final class RowRingStorage {
    private var counts: UnsafeMutablePointer<Int32>
    /// Counts held (all zero between uses).
    private(set) var capacity: Int
    /// Whether a window holds the counts now.
    private(set) var inUse = false

    init() {
        counts = .allocate(capacity: 0)
        capacity = 0
    }

    deinit {
        counts.deallocate()
    }

    /// At least `count` counts, all zero, for one window until it gives them back.
    func lend(_ count: Int) -> UnsafeMutablePointer<Int32> {
        precondition(!inUse, "a ring's storage lent to two windows")
        if count > capacity {
            counts.deallocate()
            counts = .allocate(capacity: count)
            counts.initialize(repeating: 0, count: count)
            capacity = count
        }
        inUse = true
        return counts
    }

    /// Ends a window's use of the counts, which must be all zero again.
    func giveBack() {
        precondition(inUse)
        inUse = false
    }
}
