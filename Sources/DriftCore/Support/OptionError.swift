/// An option out of its range, found by an option part's `validate()` before any work. The message
/// names the command-line option (`--window must be ...`), as the command reports it.
public struct OptionError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
