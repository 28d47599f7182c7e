import ArgumentParser

/// A mode of the command line (an enum that `Typed` parses).
protocol CommandLineMode: ExpressibleByArgument {
    /// Whether the parser accepts `text` (whether it names a mode is the command's check).
    static func isWellFormed(_ text: String) -> Bool
}

extension CommandLineMode {
    static func isWellFormed(_ text: String) -> Bool { true }
}

extension CommandLineMode where Self: RawRepresentable, RawValue: ExpressibleByArgument {
    /// Text of the raw type: any text for named modes, a number for numbered ones.
    static func isWellFormed(_ text: String) -> Bool { RawValue(argument: text) != nil }
}
