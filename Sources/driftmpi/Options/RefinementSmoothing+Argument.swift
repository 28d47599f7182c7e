import ArgumentParser
import DriftCore

/// `--refine-smoothing auto` or a number.
extension RefinementSmoothing: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }
    public var defaultValueDescription: String { description }
}
