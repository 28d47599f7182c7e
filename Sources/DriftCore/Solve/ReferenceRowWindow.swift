/// The counts of a few consecutive rows of a `ReferenceRows` reference, rebuilt as a band of rows
/// moves down the field: row iy lives in slot iy & (slots - 1) of a ring of `slots` rows (a power of
/// two), so memory is `slots` x width counts whatever the field's height. Rows are added from the
/// reference's points and dropped by taking the same points out again, so the ring is all zero
/// between uses and nothing is ever cleared by the field.
final class ReferenceRowWindow {
    let reference: ReferenceRows
    let width: Int
    /// Rows in the ring (a power of two) and the mask that maps a row to its slot.
    let slots: Int
    let rowMask: Int
    let counts: UnsafeMutablePointer<Int32>
    /// The rows held now: lower ..< upper.
    private(set) var lower = 0, upper = 0

    /// Where the counts live: this window's own, or a `RowRingStorage` lent to it.
    private let storage: RowRingStorage?

    /// A window that can hold `rows` consecutive rows of `reference` at once, in `storage`'s memory
    /// where given (which must not be in use by another window) or in its own.
    init(reference: ReferenceRows, rows: Int, storage: RowRingStorage? = nil) {
        self.reference = reference
        width = reference.grid.width
        var s = 1
        while s < max(rows, 1) { s <<= 1 }
        slots = s
        rowMask = s - 1
        // A vector's width of spare counts after the last row, so that a row can be read a whole
        // vector at a time from any column (`KernelGeometry.add`).
        let count = s * width + KernelEvaluator.lanes
        if let storage {
            counts = storage.lend(count)
        } else {
            counts = .allocate(capacity: count)
            counts.initialize(repeating: 0, count: count)
        }
        self.storage = storage
    }

    deinit {
        // The rows still held go out first, so that lent storage is all zero for its next window.
        empty()
        if let storage { storage.giveBack() } else { counts.deallocate() }
    }

    /// Makes the window hold exactly rows `range` (clipped to the reference), which must be at most
    /// `slots` rows: the rows before it are dropped, the new ones added.
    func hold(_ range: Range<Int>) {
        let a = max(0, range.lowerBound), b = min(reference.grid.height, range.upperBound)
        precondition(b - a <= slots)
        if a >= upper || b <= lower {
            change(lower..<upper, by: -1)
            lower = a; upper = a
        }
        if a > lower { change(lower..<a, by: -1); lower = a }
        if b < upper { change(b..<upper, by: -1); upper = b }
        if a < lower { change(a..<lower, by: 1); lower = a }
        if b > upper { change(upper..<b, by: 1); upper = b }
    }

    /// Drops every row (the ring is all zero after it).
    func empty() {
        change(lower..<upper, by: -1)
        lower = 0; upper = 0
    }

    /// Adds `weight` at the bins of `points[indices]` that fall in the rows held.
    func change(points indices: Range<Int>, of points: UnsafeBufferPointer<BandedPoint>, by weight: Int32) {
        // This window's fields as locals: the stores through `counts` could otherwise be taken to
        // change them, and they would be read again for every point.
        let w = width, mask = rowMask, counts = counts, lower = lower, held = UInt(bitPattern: upper &- lower)
        guard let base = points.baseAddress else { return }
        for i in indices {
            let row = Int(base[i].iy)
            // lower <= row < upper in one comparison (a row before lower wraps to a large value).
            if UInt(bitPattern: row &- lower) < held { counts[(row & mask) &* w &+ Int(base[i].ix)] &+= weight }
        }
    }

    private func change(_ rows: Range<Int>, by weight: Int32) {
        guard !rows.isEmpty else { return }
        let w = width
        reference.rowStart.withUnsafeBufferPointer { start in
            reference.columns.withUnsafeBufferPointer { columns in
                for row in rows {
                    let base = counts + (row & rowMask) * w
                    for k in start[row]..<start[row + 1] { base[Int(columns[k])] &+= weight }
                }
            }
        }
    }
}
