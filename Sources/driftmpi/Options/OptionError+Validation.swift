import ArgumentParser
import DriftCore

extension OptionError {
    /// Runs `body`, reporting an option out of its range as ArgumentParser's `ValidationError`
    /// (usage printed, exit code 64).
    static func asValidation<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as OptionError { throw ValidationError(e.message) }
    }
}
