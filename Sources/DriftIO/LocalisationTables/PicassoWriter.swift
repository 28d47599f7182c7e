import CHDF5
import DriftCore
import Foundation

/// Writes Picasso localisation files.
public enum PicassoWriter {
    /// Picasso's column layout for simulated data.
    static func recordType(threeD: Bool) -> H5CompoundType {
        var members: [(String, H5Scalar)] = [("frame", .uint32), ("x", .float32), ("y", .float32),
                                             ("photons", .float32), ("sx", .float32), ("sy", .float32),
                                             ("bg", .float32), ("lpx", .float32), ("lpy", .float32)]
        if threeD { members.append(("z", .float32)) }
        return H5CompoundType(members: members)
    }

    /// Writes `acquisition` as `path` (dataset `locs`) and the `.yaml` beside it, each whole or not at all.
    public static func write(_ acq: SimulatedAcquisition, to path: String, generator: [(String, String)]) throws {
        let p = acq.parameters
        let type = recordType(threeD: p.threeD)
        let px = Float(p.pixelSizeNm)
        var bytes = [UInt8](repeating: 0, count: acq.count * type.size)
        bytes.withUnsafeMutableBytes { raw in
            let o = type.offsets
            for k in 0..<acq.count {
                let base = k * type.size
                raw.storeBytes(of: acq.frame[k].littleEndian, toByteOffset: base + o["frame"]!, as: UInt32.self)
                func put(_ name: String, _ v: Float) {
                    raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: base + o[name]!, as: UInt32.self)
                }
                put("x", acq.x[k] / px)
                put("y", acq.y[k] / px)
                put("photons", acq.photons[k])
                put("sx", acq.psfSigma[k] / px)
                put("sy", acq.psfSigma[k] / px)
                put("bg", acq.background[k])
                put("lpx", acq.precision[k] / px)
                put("lpy", acq.precision[k] / px)
                if p.threeD { put("z", acq.z[k]) }
            }
        }
        try AtomicOutput.write(to: path) { tmp in
            let file = try HDF5File.create(tmp)
            let ds = try file.createDataset("/locs", type: type.id, shape: [acq.count])
            if acq.count > 0 { try ds.writeRecords(bytes, type: type.id, rowOffset: 0) }
        }
        let meta = PicassoMetadata(frames: p.frames, width: p.width, height: p.height, pixelSizeNm: p.pixelSizeNm)
        try AtomicOutput.write(text: meta.yaml(extra: generator), to: PicassoMetadata.yamlPath(forLocalisations: path))
    }
}
