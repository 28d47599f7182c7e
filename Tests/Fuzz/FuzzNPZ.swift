// libFuzzer target: NumPy .npz archives (DriftIO.NumpyArchive through libzip) as PYME drift files
// (DriftIO.PymeDriftFile).
import DriftIO
import Foundation

private let npz = FuzzFile("input.npz")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ data: UnsafePointer<UInt8>, _ n: Int) -> CInt {
    npz.write(data, n)
    attempt("read all") { try NumpyArchive.read(path: npz.path).mapValues(\.shape) }
    if let archive = attempt("open", { try NumpyArchive(path: npz.path) }) {
        _ = archive.arrayNames
        attempt("array drift") { try archive.array("drift").shape }
        attempt("bytes tIndex.npy") { try archive.bytes(ofMember: "tIndex.npy").count }
    }
    // import-pyme: the drift at every frame between the first and last tIndex (a span of millions of
    // frames is a legitimate, large result; only small spans are built here).
    if let points = attempt("PymeDriftFile", { try PymeDriftFile.read(path: npz.path) }) {
        let t = points.tIndex
        if let first = t.first, let last = t.last, abs(first) < 1e7, abs(last) < 1e7, last - first < 100_000 {
            attempt("PymeDriftFile.result") { try PymeDriftFile.result(path: npz.path, created: "fuzz").frames.count }
        }
        attempt("PymeDriftFile.result frames") { try PymeDriftFile.result(path: npz.path, frames: 1000, created: "fuzz").frames.count }
    }
    return 0
}
