import Foundation

/// The committed test files in Tests/Fixtures (made by Tests/Fixtures/make_fixtures.py).
public enum Fixtures {
    /// The absolute path of Tests/Fixtures.
    public static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// The absolute path of `relative` under Tests/Fixtures (e.g. `"pyme/drift.npz"`).
    public static func path(_ relative: String) -> String { root + "/" + relative }
}
