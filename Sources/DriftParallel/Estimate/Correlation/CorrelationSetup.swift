import DriftCore

/// The correlation of one run in the units of its render grids (nm for localisations, binned
/// pixels and slices for image stacks), as each driver resolves it from the options.
struct CorrelationSetup {
    var method: CorrelationMethod
    /// Largest shift searched, grid units (nm or binned pixels).
    var maxShift: Double
    /// Gaussian smoothing of the correlation before the peak fit, bins.
    var smoothingBins: Double
    /// Refine peaks on the continuous correlation (image stacks, whose peaks are not Gaussian).
    var continuousPeak = false
    /// 2: spectra cut to the lower half band in x and y (`CrossCorrelator.band`); 1: whole.
    var band = 1
    /// Tukey window parameter of the renders (localisations).
    var tukeyAlpha: Double
    /// Renders over this, MiB, are transformed by all ranks together; nil: never.
    var maxRenderMB: Double?
    /// How a pair's peaks become its shift, weight and used flag.
    var measure: PairMeasure

    /// A correlator for `grid` with these settings.
    func correlator(for grid: RenderGrid) -> CrossCorrelator {
        let correlator = CrossCorrelator(grid: grid, maxShiftNm: maxShift, smoothingBins: smoothingBins, band: band)
        correlator.continuousPeak = continuousPeak
        return correlator
    }
}
