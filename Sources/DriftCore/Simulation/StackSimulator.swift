import Foundation

/// Simulates image stacks: the structures of `Simulator` (origami grids and filaments), every site
/// always on, imaged as pixel-integrated Gaussian spots moving with the drift, a uniform background
/// and Poisson noise.
public enum StackSimulator {
    /// The localisation-simulation parameters of the same acquisition (same sites, same drift).
    public static func locsParameters(_ p: StackParameters) -> SimulationParameters {
        var s = SimulationParameters()
        s.frames = p.frames
        s.sites = p.sites
        s.seed = p.seed
        s.driftNm = p.driftNm
        s.threeD = p.threeD
        s.width = p.width
        s.height = p.height
        s.pixelSizeNm = p.pixelSizeNm
        s.psfSigmaNm = p.psfSigmaPx * p.pixelSizeNm
        return s
    }

    /// Simulates the whole stack in memory.
    public static func run(_ p: StackParameters) -> SimulatedStack {
        var frames: [[Float]] = []
        frames.reserveCapacity(p.frames)
        let (drift, sites) = generate(p) { _, frame in frames.append(frame) }
        return SimulatedStack(parameters: p, frames: frames, drift: drift, sites: sites, width: p.width,
                              height: p.height, depth: max(1, p.zSlices),
                              voxelSizeNm: SIMD3(p.pixelSizeNm, p.pixelSizeNm, p.zStepNm))
    }

    /// Simulates the stack one time point at a time, handing each (index, depth x height x width
    /// values) to `body` in order, so that a large stack need not be held in memory. Returns the drift
    /// and the sites. The result is the same as `run`'s.
    @discardableResult
    public static func generate(_ p: StackParameters, body: (Int, [Float]) throws -> Void) rethrows
        -> (drift: [SIMD3<Double>], sites: [SIMD3<Double>]) {
        precondition(p.frames > 0 && p.width > 0 && p.height > 0 && p.pixelSizeNm > 0 && p.psfSigmaPx > 0)
        let sp = locsParameters(p)
        // The same random stream as Simulator.run: the drift, then the sites; the rest is image noise.
        var rng = RandomSource(seed: p.seed)
        let drift = DriftTrajectory.make(frames: sp.frames, magnitudeNm: sp.driftNm, threeD: sp.threeD, rng: &rng)
        let sites = Simulator.makeSites(sp, rng: &rng)

        let w = p.width, h = p.height, depth = max(1, p.zSlices)
        let plane = w * h
        let sigma = p.psfSigmaPx
        let radius = 4 * sigma
        let erfScale = 1 / (2.0.squareRoot() * sigma)
        let sliceZ = (0..<depth).map { k in p.threeD ? (Double(k) - Double(depth - 1) / 2) * p.zStepNm : 0 }
        let zCut = 4 * p.psfSigmaZNm
        let zScale = 1 / (2 * p.psfSigmaZNm * p.psfSigmaZNm)
        var wx = [Double](repeating: 0, count: Int(2 * radius) + 4)
        var wy = wx
        var slices = [Float](repeating: 0, count: depth)

        for t in 0..<p.frames {
            var image = [Float](repeating: Float(p.backgroundPhotons), count: depth * plane)
            let d = drift[t]
            image.withUnsafeMutableBufferPointer { img in
                for s in sites {
                    let cx = (s.x + d.x) / p.pixelSizeNm, cy = (s.y + d.y) / p.pixelSizeNm
                    // Pixel i spans [i - 0.5, i + 0.5).
                    let x0 = max(0, Int((cx - radius).rounded(.down))), x1 = min(w - 1, Int((cx + radius).rounded(.up)))
                    let y0 = max(0, Int((cy - radius).rounded(.down))), y1 = min(h - 1, Int((cy + radius).rounded(.up)))
                    guard x0 <= x1, y0 <= y1 else { continue }
                    axisWeights(from: x0, to: x1, centre: cx, scale: erfScale, into: &wx)
                    axisWeights(from: y0, to: y1, centre: cy, scale: erfScale, into: &wy)
                    var any = false
                    for k in 0..<depth {
                        var weight = 1.0
                        if p.threeD {
                            let dz = s.z + d.z - sliceZ[k]
                            weight = abs(dz) > zCut ? 0 : exp(-dz * dz * zScale)
                        }
                        slices[k] = Float(p.photonsPerEmitter * weight)
                        if weight > 0 { any = true }
                    }
                    guard any else { continue }
                    for k in 0..<depth where slices[k] > 0 {
                        let amp = slices[k]
                        let base = k * plane
                        for y in y0...y1 {
                            let a = amp * Float(wy[y - y0])
                            let row = base + y * w
                            for x in x0...x1 { img[row + x] += a * Float(wx[x - x0]) }
                        }
                    }
                }
                if p.noise {
                    for i in 0..<img.count { img[i] = poisson(Double(img[i]), &rng) }
                }
            }
            try body(t, image)
        }
        return (drift, sites)
    }

    /// The fraction of a unit Gaussian spot at `centre` falling in pixels `from ... to` (erf differences).
    @inline(__always)
    static func axisWeights(from a: Int, to b: Int, centre: Double, scale: Double, into out: inout [Double]) {
        var lower = erf((Double(a) - 0.5 - centre) * scale)
        for i in a...b {
            let upper = erf((Double(i) + 0.5 - centre) * scale)
            out[i - a] = 0.5 * (upper - lower)
            lower = upper
        }
    }

    /// A Poisson sample: Knuth's method below a mean of 30, a rounded Gaussian approximation above.
    @inline(__always)
    static func poisson(_ mean: Double, _ rng: inout RandomSource) -> Float {
        guard mean > 0 else { return 0 }
        if mean < 30 {
            let limit = exp(-mean)
            var k = 0
            var prod = rng.uniform()
            while prod > limit {
                k += 1
                prod *= rng.uniform()
            }
            return Float(k)
        }
        return Float(max(0, (mean + mean.squareRoot() * rng.normal()).rounded()))
    }
}
