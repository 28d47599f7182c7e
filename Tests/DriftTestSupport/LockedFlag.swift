import Foundation

/// A flag set on one thread and read on another.
public final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false

    public init() {}

    /// Sets the flag.
    public func set() { lock.lock(); flag = true; lock.unlock() }

    /// Whether the flag has been set.
    public var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
