import Foundation

/// ImageJ's ImageDescription: `key=value` lines after a first line `ImageJ=version`.
struct ImageJDescription {
    var values: [String: String] = [:]

    init?(_ description: String) {
        guard description.hasPrefix("ImageJ=") else { return nil }
        for line in description.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            values[key] = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        }
    }
}
