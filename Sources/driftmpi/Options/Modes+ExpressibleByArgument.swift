import ArgumentParser
import DriftCore
import DriftParallel

// The modes of the command line as arguments (see `Typed`, which keeps the commands' own messages).

extension CorrelationMethod: ExpressibleByArgument, CommandLineMode {}
extension LengthUnit: ExpressibleByArgument, CommandLineMode {}
extension Dimensionality: ExpressibleByArgument, CommandLineMode {}
extension Extrapolation: ExpressibleByArgument, CommandLineMode {}
extension SmoothingOrder: ExpressibleByArgument, CommandLineMode {}
extension FrameBase: ExpressibleByArgument, CommandLineMode {}
extension FiducialMode: ExpressibleByArgument, CommandLineMode {
    /// `none`, `auto`, or a regions file (`.yaml`, `.yml`, `.csv`).
    public init?(argument: String) { self.init(argument) }
    public var defaultValueDescription: String { text }
}

extension PairWindow: ExpressibleByArgument, CommandLineMode {
    /// A whole number >= 1, or `all`.
    public init?(argument: String) { self.init(argument) }
    public var defaultValueDescription: String { text }
}

extension ClipBound: ExpressibleByArgument, CommandLineMode {
    /// A value, or a percentile of each plane (`p99.5` or `99.5%`).
    public init?(argument: String) { self.init(argument) }
}
