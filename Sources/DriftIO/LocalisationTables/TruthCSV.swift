import Foundation

/// The simulator's true drift as CSV: header `frame,dx_nm,dy_nm,dz_nm`, one row per frame.
public enum TruthCSV {
    public static func text(drift: [SIMD3<Double>], firstFrame: Int = 0) -> String {
        var s = "frame,dx_nm,dy_nm,dz_nm\n"
        s.reserveCapacity(drift.count * 40)
        for (k, d) in drift.enumerated() {
            s += "\(firstFrame + k),\(format(d.x)),\(format(d.y)),\(format(d.z))\n"
        }
        return s
    }

    static func format(_ v: Double) -> String { String(format: "%.4f", v) }

    /// Reads the truth back: frames and drift (nm).
    public static func read(path: String) throws -> (frames: [Int], drift: [SIMD3<Double>]) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FileFormatError(path, "cannot read the file")
        }
        var frames: [Int] = []
        var drift: [SIMD3<Double>] = []
        for (n, line) in text.split(separator: "\n").enumerated() where n > 0 {
            let f = line.split(separator: ",")
            guard f.count == 4, let fr = Int(f[0]), let x = Double(f[1]), let y = Double(f[2]), let z = Double(f[3]) else {
                throw FileFormatError(path, "line \(n + 1) is not frame,dx_nm,dy_nm,dz_nm")
            }
            frames.append(fr)
            drift.append(SIMD3(x, y, z))
        }
        guard !frames.isEmpty else { throw FileFormatError(path, "no rows after the header") }
        return (frames, drift)
    }
}
