import ArgumentParser

/// A mode as typed on the command line, turned into its enum (`Value`) by the command's checks. An
/// unknown value then gets the command's own message (`--method must be rcc, mcc or dcc`) rather
/// than ArgumentParser's, and --help shows the default alone, without a list of values. Text that
/// is not even of the mode's raw type (`--dims two`) is refused by the parser, as a number would be.
struct Typed<Value: CommandLineMode>: ExpressibleByArgument {
    /// The text as given (or the default).
    let text: String

    init(_ text: String) { self.text = text }

    init?(argument: String) {
        guard Value.isWellFormed(argument) else { return nil }
        text = argument
    }

    var defaultValueDescription: String { text }

    /// The value, or `ValidationError(message)` when the text names none.
    func value(or message: String) throws -> Value {
        guard let value = Value(argument: text) else { throw ValidationError(message) }
        return value
    }
}
