/// The memory of `ReferenceRowWindow`'s rings, kept from one sweep to the next (one refinement makes
/// a sweep per level and pass): a ring is all zero after each use (`ReferenceRowWindow.empty`), so the
/// next ring starts from it as it is, instead of allocating and clearing counts of `slots` rows of the
/// field's width again. Not shared between threads.
final class RowRingStorage {
    private(set) var counts: UnsafeMutablePointer<Int32>
    /// Counts held (all zero between uses).
    private(set) var capacity: Int
    /// Whether a window uses the counts now.
    var inUse = false

    init() {
        counts = .allocate(capacity: 0)
        capacity = 0
    }

    deinit {
        counts.deallocate()
    }

    /// At least `count` counts, all zero.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        counts.deallocate()
        counts = .allocate(capacity: count)
        counts.initialize(repeating: 0, count: count)
        capacity = count
    }
}
