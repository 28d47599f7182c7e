import DriftCore
import DriftIO
@testable import DriftParallel
import XCTest

/// The option parts: their defaults (one home each), their checks (the command's messages) and the
/// values they resolve to.
final class EstimateOptionsTests: XCTestCase {
    func testDefaults() {
        let o = EstimateOptions(input: "in.hdf5", output: "out.h5")
        XCTAssertEqual(o.output.path, "out.h5")
        XCTAssertNil(o.segmentation.frames)
        XCTAssertNil(o.segmentation.step)
        XCTAssertTrue(o.segmentation.automatic)
        XCTAssertFalse(o.segmentation.overlaps)
        XCTAssertNil(o.segmentation.localisations)
        XCTAssertEqual(o.segmentation.minLocalisations, 50)
        XCTAssertNil(o.rendering.dims)
        XCTAssertEqual(o.rendering.binZNm, 50)
        XCTAssertEqual(o.rendering.localisationTukeyAlpha, 0.1)
        XCTAssertEqual(o.correlation.method, .rcc)
        XCTAssertEqual(o.correlation.window, .next(5))
        XCTAssertEqual(o.correlation.maxDriftNm, 1000)
        XCTAssertEqual(o.correlation.minPeakQuality, 0.01)
        XCTAssertEqual(o.correlation.smoothingBins, 1)
        XCTAssertEqual(o.correlation.maxRenderMB, 2048)
        XCTAssertEqual(o.solve.maxResidualNm, 10)
        XCTAssertEqual(o.solve.residualLimitNm, 10)
        XCTAssertEqual(o.solve.smoothing, 0)
        XCTAssertTrue(o.refinement.enabled)
        XCTAssertEqual(o.refinement.localisations, 150)
        XCTAssertEqual(o.refinement.smoothing, .automatic)
        XCTAssertEqual(o.refinement.sigmaNm, 8)
        XCTAssertEqual(o.images.maxDriftPx, 64)
        XCTAssertEqual(o.images.maxResidualPx, 1)
        XCTAssertEqual(o.images.preprocessing(tukeyAlpha: nil).tukeyAlpha, 0.25)
        XCTAssertNoThrow(try o.validate())
    }

    func testResolvedValues() {
        var r = RenderingOptions()
        // 60 nm, or the size that makes the longer side 750 bins.
        XCTAssertEqual(r.binNm(field: SIMD2(30_000, 20_000)), 60)
        XCTAssertEqual(r.binNm(field: SIMD2(90_000, 30_000)), 120)
        // With the refinement: 120 nm, or 750 bins across.
        XCTAssertEqual(r.binNm(field: SIMD2(30_000, 20_000), refining: true), 120)
        XCTAssertEqual(r.binNm(field: SIMD2(135_000, 30_000), refining: true), 180)
        r.binNm = 40
        XCTAssertEqual(r.binNm(field: SIMD2(90_000, 30_000)), 40)
        r.tukeyAlpha = 0.3
        XCTAssertEqual(r.localisationTukeyAlpha, 0.3)

        var s = SolveOptions()
        s.maxResidualNm = 0
        XCTAssertNil(s.residualLimitNm)

        var i = ImageStackOptions()
        i.preparation.binX = 2
        i.preparation.binY = 4
        i.maxDriftPx = 64
        i.maxResidualPx = 0
        XCTAssertEqual(i.maxDriftBinnedPx, 32)
        XCTAssertNil(i.residualLimitPx)
        XCTAssertEqual(i.preprocessing(tukeyAlpha: 0.5).tukeyAlpha, 0.5)
        XCTAssertEqual(i.preprocessing(tukeyAlpha: nil).binY, 4)

        var f = RefinementSettings()
        f.sigmaNm = 6
        f.localisations = 400
        XCTAssertEqual(f.engineOptions().smoothing, .automatic)
        f.smoothing = .fixed(16)
        let engine = f.engineOptions()
        XCTAssertEqual(engine.sigmasNm, [12, 6])
        XCTAssertEqual(engine.minLocalisations, 400)
        XCTAssertEqual(engine.smoothing, .fixed(16))
    }

    func testChecksGiveTheCommandsMessages() {
        func message(_ change: (inout EstimateOptions) -> Void) -> String? {
            var o = EstimateOptions(input: "in.hdf5", output: "out.h5")
            change(&o)
            do { try o.validate(); return nil } catch let e as OptionError { return e.message } catch { return "\(error)" }
        }
        XCTAssertEqual(message { $0.correlation.window = .next(0) }, "--window must be a whole number >= 1 or 'all'")
        XCTAssertEqual(message { $0.segmentation.frames = 0 }, "--segment-frames must be at least 1")
        XCTAssertEqual(message { $0.segmentation.frames = 1000; $0.segmentation.step = 1001 }, "--segment-step must be between 1 and --segment-frames")
        XCTAssertEqual(message { $0.segmentation.step = 10 }, "--segment-step needs --segment-frames")
        XCTAssertEqual(message { $0.segmentation.frames = 100; $0.segmentation.localisations = 100 }, "--segment-frames and --segment-locs cannot both be given")
        XCTAssertEqual(message { $0.segmentation.localisations = 9 }, "--segment-locs must be at least 10")
        XCTAssertEqual(message { $0.segmentation.minLocalisations = 0 }, "--min-segment-locs must be at least 1")
        XCTAssertEqual(message { $0.rendering.binZNm = 0 }, "--bin-z-nm must be positive")
        XCTAssertEqual(message { $0.rendering.binNm = .infinity }, "--bin-nm must be positive")
        XCTAssertEqual(message { $0.rendering.tukeyAlpha = 1.5 }, "--tukey must be between 0 and 1")
        XCTAssertEqual(message { $0.solve.maxResidualNm = -1 }, "--max-residual-nm must be 0 or positive")
        XCTAssertEqual(message { $0.solve.smoothing = .nan }, "--smoothing must be 0 or positive")
        XCTAssertEqual(message { $0.correlation.maxRenderMB = 0 }, "--max-render-mb must be positive")
        XCTAssertEqual(message { $0.correlation.maxDriftNm = 0 }, "--max-drift-nm must be positive")
        XCTAssertEqual(message { $0.refinement.localisations = 9 }, "--refine-locs must be at least 10")
        XCTAssertEqual(message { $0.refinement.sigmaNm = 201 }, "--refine-sigma-nm must be between 2 and 200")
        XCTAssertEqual(message { $0.images.preparation.median = 16 }, "--median must be between 0 and 15")
        XCTAssertEqual(message { $0.images.preparation.binT = 0 }, "--bin-x, --bin-y and --bin-t must be at least 1")
        XCTAssertEqual(message { $0.images.maxDriftPx = -1 }, "--max-drift-px must be positive")
        XCTAssertEqual(message { $0.images.maxResidualPx = -1 }, "--max-residual-px must be 0 or positive")
        // Overlapping segments need RCC with a window of 2 or more.
        let overlap = "overlapping segments (--segment-step below --segment-frames) need --method rcc with --window 2 or more, so that the pairs link every segment"
        XCTAssertEqual(message { $0.segmentation.frames = 1000; $0.segmentation.step = 500; $0.correlation.method = .mcc }, overlap)
        XCTAssertEqual(message { $0.segmentation.frames = 1000; $0.segmentation.step = 500; $0.correlation.window = .next(1) }, overlap)
        XCTAssertNil(message { $0.segmentation.frames = 1000; $0.segmentation.step = 500; $0.correlation.window = .next(2) })
        XCTAssertNil(message { $0.segmentation.frames = 1000; $0.segmentation.step = 500; $0.correlation.window = .all })
        XCTAssertNil(message { $0.segmentation.frames = 1000; $0.segmentation.step = 1000; $0.correlation.method = .mcc })
    }

    func testPairWindow() {
        XCTAssertEqual(PairWindow("5"), .next(5))
        XCTAssertEqual(PairWindow("all"), .all)
        XCTAssertNil(PairWindow("0"))
        XCTAssertNil(PairWindow("-2"))
        XCTAssertNil(PairWindow("five"))
        XCTAssertEqual(PairWindow.next(3).partners, 3)
        XCTAssertNil(PairWindow.all.partners)
        XCTAssertEqual(PairWindow.all.text, "all")
        var c = CorrelationOptions()
        c.window = .next(7)
        XCTAssertEqual(c.windowDescription, "7")
        XCTAssertFalse(c.allPairs)
        c.window = .all
        XCTAssertEqual(c.windowDescription, "all")
        XCTAssertTrue(c.allPairs)
        c.method = .dcc
        XCTAssertEqual(c.windowDescription, "1")
        XCTAssertFalse(c.allPairs)
        c.method = .mcc
        XCTAssertEqual(c.windowDescription, "sum")
    }

    func testAttributesOfTheParts() {
        var o = EstimateOptions(input: "in.hdf5", output: "out.h5")
        o.segmentation.localisations = 4000
        o.refinement.sigmaNm = 5
        func names(_ a: [(String, AttributeValue)]) -> [String] { a.map(\.0) }
        XCTAssertEqual(names(o.segmentation.attributes()), ["segmentation", "segment_frames", "segment_step", "segment_locs", "min_segment_locs"])
        XCTAssertEqual(o.segmentation.attributes()[0].1, AttributeValue.string("localisations"))
        let automatic = SegmentationOptions().attributes(chosen: 496)
        XCTAssertEqual(automatic[0].1, AttributeValue.string("automatic"))
        XCTAssertEqual(automatic[1].1, AttributeValue.int(0))
        XCTAssertEqual(automatic[3].1, AttributeValue.int(496))
        XCTAssertEqual(names(o.rendering.attributes(binNm: 60)), ["bin_nm", "bin_z_nm", "tukey_alpha"])
        XCTAssertEqual(names(o.correlation.attributes), ["method", "window", "min_peak_quality", "correlation_smoothing_bins"])
        XCTAssertEqual(names(o.solve.attributes), ["smoothing", "interpolation"])
        XCTAssertEqual(names(o.refinement.attributes()),
                       ["refine", "refine_min_localisations", "refine_min_frames", "refine_sigmas_nm", "refine_convergence_nm",
                        "refine_smoothing"])
        XCTAssertEqual(o.refinement.attributes()[3].1, AttributeValue.string("10.0,5.0"))
        XCTAssertEqual(o.refinement.attributes()[5].1, AttributeValue.string("auto"))
        o.refinement.enabled = false
        XCTAssertEqual(names(o.refinement.attributes()), ["refine"])
        XCTAssertEqual(names(o.images.attributes(tukeyAlpha: 0.25)),
                       ["bin_x", "bin_y", "bin_t", "clip_low", "clip_high", "clip_fill", "median", "tukey_alpha", "max_drift_px", "max_residual_px"])
        o.images.preparation.clipLow = .percentile(1)
        XCTAssertEqual(o.images.attributes(tukeyAlpha: 0.25)[3].1, AttributeValue.string("p1.0"))
    }
}
