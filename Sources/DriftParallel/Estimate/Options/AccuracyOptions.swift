import DriftCore
import DriftIO

/// The split-halves accuracy estimate after the refinement (`--no-accuracy` turns it off, `--accuracy-passes` sets its passes; the rule
/// and the formula are `SplitHalves`, the stage `AccuracyEstimate`). Localisations only, and only
/// with the refinement: with `--no-refine` and for image stacks the expected error is not estimated.
public struct AccuracyOptions: Equatable, Sendable {
    /// Estimate the expected error of the drift from two independent halves of the localisations.
    public var enabled = true
    /// Side of the x-y cells that assign localisations to halves, nm.
    public var cellNm: Double = SplitHalves.defaultCellNm
    /// Most refinement passes of each half (started from the whole's final drift, they are short).
    public var maxPasses: Int = 1

    public init() {}

    public func validate() throws {
        guard cellNm > 0, cellNm.isFinite else { throw OptionError("the split-halves cell must be a positive size in nm") }
        guard maxPasses >= 1 else { throw OptionError("--accuracy-passes must be at least 1") }
    }

    /// `accuracy` (1 when the estimate ran, else 0), and with it `accuracy_cell_nm` and
    /// `accuracy_max_passes`. `ran` is false with the refinement off.
    public func attributes(ran: Bool) -> [(String, AttributeValue)] {
        guard enabled && ran else { return [("accuracy", .int(0))] }
        return [("accuracy", .int(1)), ("accuracy_cell_nm", .double(cellNm)), ("accuracy_max_passes", .int(Int64(maxPasses)))]
    }
}
