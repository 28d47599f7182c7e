import DriftCore

extension SimulationParameters {
    /// A small acquisition for tests: 4000 frames, 2000 sites.
    static func small(seed: UInt64 = 5, threeD: Bool = false) -> SimulationParameters {
        var p = SimulationParameters()
        p.frames = 4000
        p.sites = 2000
        p.seed = seed
        p.threeD = threeD
        return p
    }
}
