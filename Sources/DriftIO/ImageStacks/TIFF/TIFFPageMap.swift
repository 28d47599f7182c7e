import DriftCore
import Foundation

/// Time points, depth and the page of every plane.
struct TIFFPageMap {
    var layout: TIFFStack.Layout
    var timePoints: Int
    var depth: Int
    var pageOfPlane: [Int]
    var voxelSizeNm: SIMD3<Double>?
    var omeSizeXY: (Int, Int)? = nil

    init(plain pages: Int) {
        layout = .plain
        timePoints = pages
        depth = 1
        pageOfPlane = Array(0..<pages)
        voxelSizeNm = nil
    }

    init(imageJ ij: ImageJDescription, resolution: (x: Double, y: Double)?, pageCount: Int, path: String) throws {
        func count(_ key: String) throws -> Int? {
            guard let text = ij.values[key] else { return nil }
            guard let n = Int(text), n >= 1 else {
                throw FileFormatError(path, "ImageJ metadata: \(key)=\(text) is not a positive count")
            }
            return n
        }
        let channels = try count("channels") ?? 1
        guard channels == 1 else {
            throw FileFormatError(path, "ImageJ hyperstack with \(channels) channels; only single-channel stacks are supported")
        }
        let images = try count("images") ?? pageCount
        let frames = try count("frames"), slices = try count("slices")
        if let frames {
            timePoints = frames
            depth = slices ?? 1
        } else {
            timePoints = slices ?? images  // slices without frames: a time series (see TIFFStack)
            depth = 1
        }
        let (planes, overflow) = timePoints.multipliedReportingOverflow(by: depth)
        guard !overflow, planes == images else {
            throw FileFormatError(path, "ImageJ metadata is inconsistent: images=\(images), but slices x frames = "
                + "\(depth) x \(timePoints)")
        }
        guard images == pageCount else {
            let hint = pageCount == 1
                ? " (ImageJ stores stacks over 4 GB with one directory; such files are not supported)"
                : " (an incomplete or damaged file?)"
            throw FileFormatError(path, "ImageJ metadata says images=\(images), but the file has \(pageCount) pages\(hint)")
        }
        layout = .imageJ
        pageOfPlane = Array(0..<images)  // channel fastest (one channel), then slice, then frame
        if let unit = ij.values["unit"], let scale = lengthUnitInNm(unit), let resolution {
            let z = depth > 1 ? (ij.values["spacing"].flatMap(Double.init).map { abs($0) * scale } ?? 0) : 0
            voxelSizeNm = SIMD3(scale / resolution.x, scale / resolution.y, z)
        } else {
            voxelSizeNm = nil
        }
    }

    init(ome: OMEMetadata, pageCount: Int, path: String) throws {
        let p = ome.pixels
        func size(_ key: String, default value: Int? = nil) throws -> Int {
            guard let text = p[key] else {
                if let value { return value }
                throw FileFormatError(path, "OME-XML: Pixels has no \(key)")
            }
            guard let n = Int(text), n >= 1 else { throw FileFormatError(path, "OME-XML: \(key)=\"\(text)\" is not a positive size") }
            return n
        }
        let sizeX = try size("SizeX"), sizeY = try size("SizeY")
        let sizeZ = try size("SizeZ", default: 1), sizeC = try size("SizeC", default: 1), sizeT = try size("SizeT", default: 1)
        guard sizeC == 1 else {
            throw FileFormatError(path, "OME-TIFF with SizeC=\(sizeC) channels; only single-channel stacks are supported")
        }
        let order = p["DimensionOrder"] ?? "XYZCT"
        let orders = ["XYZCT", "XYZTC", "XYCZT", "XYCTZ", "XYTZC", "XYTCZ"]
        guard orders.contains(order) else {
            throw FileFormatError(path, "OME-XML: DimensionOrder \"\(order)\" is not one of \(orders.joined(separator: ", "))")
        }
        // Plane index of (z, c, t): the dimension order lists the fastest-varying dimension first.
        var stride: [Character: Int] = [:]
        var step = 1
        // Sizes are checked before any arithmetic or allocation depends on them: overflowing products
        // trapped and SizeT = 2e9 allocated a table of 16 GB (inputs in Tests/Fuzz/regressions/tiff).
        for d in order.dropFirst(2) {
            stride[d] = step
            let (next, overflow) = step.multipliedReportingOverflow(by: d == "Z" ? sizeZ : d == "C" ? sizeC : sizeT)
            guard !overflow else {
                throw FileFormatError(path, "OME-XML: SizeZ x SizeC x SizeT = \(sizeZ) x \(sizeC) x \(sizeT) planes is impossible")
            }
            step = next
        }
        let planes = step
        func plane(z: Int, c: Int, t: Int) -> Int { z * stride["Z"]! + c * stride["C"]! + t * stride["T"]! }
        let own = URL(fileURLWithPath: path).lastPathComponent
        if let name = ome.tiffData.lazy.compactMap({ $0["FileName"] }).first(where: { $0 != own }) {
            throw FileFormatError(path, "OME-XML puts planes in another file (\(name)); multi-file OME-TIFF "
                + "data sets are not supported")
        }
        guard planes <= pageCount else {
            throw FileFormatError(path, "OME-XML describes SizeZ x SizeC x SizeT = \(sizeZ) x \(sizeC) x \(sizeT) planes, but the "
                + "file has \(pageCount) pages")
        }

        var pageOf = [Int](repeating: -1, count: planes)
        if ome.tiffData.isEmpty {
            for i in 0..<planes { pageOf[i] = i }
        } else {
            for td in ome.tiffData {
                func value(_ key: String) throws -> Int? {
                    guard let text = td[key] else { return nil }
                    guard let n = Int(text), n >= 0 else { throw FileFormatError(path, "OME-XML: TiffData \(key)=\"\(text)\" is not valid") }
                    return n
                }
                let ifd = try value("IFD"), firstZ = try value("FirstZ") ?? 0, firstC = try value("FirstC") ?? 0,
                    firstT = try value("FirstT") ?? 0
                let anchored = ifd != nil || td["FirstZ"] != nil || td["FirstC"] != nil || td["FirstT"] != nil
                guard firstZ < sizeZ, firstC < sizeC, firstT < sizeT else {
                    throw FileFormatError(path, "OME-XML: a TiffData element covers planes beyond SizeZ x SizeC x SizeT")
                }
                let start = plane(z: firstZ, c: firstC, t: firstT)
                let count = try value("PlaneCount") ?? (anchored ? 1 : planes)
                guard count <= planes - start else {
                    throw FileFormatError(path, "OME-XML: a TiffData element covers planes beyond SizeZ x SizeC x SizeT")
                }
                guard (ifd ?? 0) < pageCount else {
                    throw FileFormatError(path, "OME-XML: TiffData IFD=\(ifd ?? 0), but the file has \(pageCount) pages")
                }
                for k in 0..<count { pageOf[start + k] = (ifd ?? 0) + k }
            }
        }
        layout = .ome
        timePoints = sizeT
        depth = sizeZ
        omeSizeXY = (sizeX, sizeY)
        var table: [Int] = []
        table.reserveCapacity(sizeT * sizeZ)
        for t in 0..<sizeT {
            for z in 0..<sizeZ {
                let page = pageOf[plane(z: z, c: 0, t: t)]
                guard page >= 0 else { throw FileFormatError(path, "OME-XML gives no page for t=\(t), z=\(z)") }
                guard page < pageCount else {
                    throw FileFormatError(path, "OME-XML puts t=\(t), z=\(z) on page \(page), but the file has \(pageCount) pages")
                }
                table.append(page)
            }
        }
        pageOfPlane = table

        func physical(_ axis: String) -> Double? {
            guard let text = p["PhysicalSize\(axis)"], let v = Double(text), v > 0, v.isFinite,
                  let scale = lengthUnitInNm(p["PhysicalSize\(axis)Unit"] ?? "µm") else { return nil }
            return v * scale
        }
        if let x = physical("X") {
            voxelSizeNm = SIMD3(x, physical("Y") ?? x, sizeZ > 1 ? (physical("Z") ?? 0) : 0)
        } else {
            voxelSizeNm = nil
        }
    }
}
