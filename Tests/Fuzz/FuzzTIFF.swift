// libFuzzer target: TIFF image stacks (DriftIO.TIFFStack through libtiff): headers, the directory
// chain, ImageJ and OME-XML descriptions, and the pixels of the first and last time points when
// they are small.
import DriftIO
import Foundation

private let tiff = FuzzFile("input.tif")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTIFF(_ data: UnsafePointer<UInt8>, _ n: Int) -> CInt {
    tiff.write(data, n)
    guard let stack = attempt("open", { try TIFFStack(path: tiff.path) }) else { return 0 }
    if fuzzVerbose {
        print("layout \(stack.layout), \(stack.timePoints) x \(stack.depth) x \(stack.height) x \(stack.width) \(stack.sampleType)")
    }
    // Bound the memory a claimed size can make the fuzzer allocate (a real 64 MB frame is fine).
    let (voxels, overflow) = stack.width.multipliedReportingOverflow(by: stack.height)
    let (total, overflow2) = voxels.multipliedReportingOverflow(by: stack.depth)
    guard !overflow, !overflow2, total <= 1 << 22 else { return 0 }
    attempt("read first") { try stack.read(timePoints: 0..<1).count }
    if stack.timePoints > 1 { attempt("read last") { try stack.read(timePoints: (stack.timePoints - 1)..<stack.timePoints).count } }
    attempt("read beyond") { try stack.read(timePoints: stack.timePoints..<(stack.timePoints + 1)).count }  // an error
    return 0
}
