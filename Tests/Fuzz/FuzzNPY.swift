// libFuzzer target: the .npy header parser and element conversion (DriftIO.NumpyArray), on raw
// .npy bytes (the members of a .npz archive, without the zip layer).
import DriftIO
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ n: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: n))
    if let array = attempt("parse", { try NumpyArray.parse(npy: bytes, path: "fuzz.npy", member: "drift.npy") }) {
        let count = array.shape.reduce(1, *)
        precondition(array.values.count == count, "shape \(array.shape) but \(array.values.count) values")
    }
    return 0
}
