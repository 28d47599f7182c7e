import Foundation

/// Where a simulation writes its true drift.
enum TruthPath {
    /// The true drift's CSV beside a simulated file: NAME_truth.csv.
    static func beside(_ output: String) -> String { (output as NSString).deletingPathExtension + "_truth.csv" }
}
