@testable import DriftCore
import DriftIO
@testable import DriftParallel
import XCTest

/// The estimate's stages that need no MPI: pair measurement, segment costs, rows of segments, the
/// result builder's share of segments and pairs, phases and injected failures.
final class EstimateStageTests: XCTestCase {
    func testPairWeightAndMeasure() {
        // Harmonic combination of the counts times the clamped quality.
        XCTAssertEqual(PairMeasure.weight(100, 300, quality: 0.5), 37.5)
        XCTAssertEqual(PairMeasure.weight(100, 100, quality: 2), 50)
        XCTAssertEqual(PairMeasure.weight(100, 100, quality: -1), 0)

        let measure = PairMeasure(minCount: 50, minPeakQuality: 0.01)
        let grid = RenderGrid(widthNm: 6000, heightNm: 6000, binNm: 60)
        let counts = [100, 300, 20]
        // Height 0.5 over energies 1 and 1: quality 0.5; shift 1.5 x 60 nm, -0.25 x 60 nm.
        let peak = PeakEstimate(dx: 1.5, dy: -0.25, height: 0.5)
        let p = measure.pair(0, 1, counts: counts, peaks: [peak], energies: (1, 1), grids: [grid])
        XCTAssertEqual(p.i, 0)
        XCTAssertEqual(p.j, 1)
        XCTAssertEqual(p.shift, SIMD3(90, -15, 0))
        XCTAssertEqual(p.weight, 37.5)
        XCTAssertTrue(p.used)
        // Below the peak quality: measured but not used.
        let weak = measure.pair(0, 1, counts: counts, peaks: [PeakEstimate(dx: 1, dy: 1, height: 0.001)], energies: (1, 1), grids: [grid])
        XCTAssertFalse(weak.used)
        XCTAssertEqual(weak.shift, SIMD3(60, 60, 0))
        // Too few localisations, or no peak: nothing.
        let sparse = measure.pair(0, 2, counts: counts, peaks: [peak], energies: (1, 1), grids: [grid])
        XCTAssertEqual(sparse.weight, 0)
        XCTAssertFalse(sparse.used)
        XCTAssertEqual(measure.pair(0, 1, counts: counts, peaks: [nil], energies: (1, 1), grids: [grid]).weight, 0)
        // 3D: z from the second grid's peak, in its z bins.
        let zGrid = RenderGrid(widthNm: 6000, heightNm: 6000, binNm: 100, originZ: -500, depthNm: 1000, binZNm: 50)
        let z = measure.pair(0, 1, counts: counts, peaks: [peak, PeakEstimate(dx: 0, dy: 0, dz: -2, height: 1)], energies: (1, 1),
                             grids: [grid, zGrid])
        XCTAssertEqual(z.shift, SIMD3(90, -15, -100))
    }

    func testSegmentCosts() {
        let segmentation = Segmentation.byFrames(firstFrame: 0, frameCount: 4000, segmentFrames: 1000, step: nil)
        let schedule = PairSchedule(method: .rcc, segmentation: segmentation, window: 2)
        // Partners: 2, 2, 1, 0.
        let costs = SegmentCosts(method: .rcc, refine: true).costs(rows: [1000, 2000, 0, 10], schedule: schedule, binsPerRender: 100)
        // 170 + 300 ns per localisation; 10 ns per bin, 5 more per bin and pair.
        let expected: [Int64] = [472_000, 942_000, 1_500, 5_700]
        XCTAssertEqual(costs, expected)
        let mcc = SegmentCosts(method: .mcc, refine: false)
        XCTAssertEqual(mcc.perLocalisation, 170)
        XCTAssertEqual(mcc.perBin, 50)
    }

    func testFrameSearchAndSegmentRows() {
        let frames: [Int64] = [0, 0, 3, 5, 5, 5, 9]
        XCTAssertEqual(FrameSearch.lowerBound(frames, -1), 0)
        XCTAssertEqual(FrameSearch.lowerBound(frames, 5), 3)
        XCTAssertEqual(FrameSearch.lowerBound(frames, 6), 6)
        XCTAssertEqual(FrameSearch.lowerBound(frames, 10), 7)
        XCTAssertEqual(FrameSearch.rows(frames, frames: 3, through: 5), 2..<6)

        let segmentation = Segmentation.byFrames(firstFrame: 0, frameCount: 10, segmentFrames: 5, step: nil)
        let locs = Localisations(frame: [0, 1, 1, 4, 6, 8], x: [Float](repeating: 0, count: 6), y: [Float](repeating: 0, count: 6), z: nil)
        XCTAssertEqual(SegmentRows.rows(of: 0..<1, in: locs, segmentation), 0..<4)
        XCTAssertEqual(SegmentRows.rows(of: 1..<2, in: locs, segmentation), 4..<6)
        XCTAssertEqual(SegmentRows.rows(of: 0..<2, in: locs, segmentation), 0..<6)
        XCTAssertEqual(SegmentRows.centre(of: 0, rows: 0..<4, locs: locs, segmentation), 1.5)
        XCTAssertEqual(SegmentRows.centre(of: 1, rows: 4..<4, locs: locs, segmentation), segmentation.segments[1].midFrame)
    }

    func testResultBuilderSharesSegmentsAndPairs() {
        let segmentation = Segmentation.byFrames(firstFrame: 0, frameCount: 300, segmentFrames: 100, step: nil)
        let schedule = PairSchedule(method: .mcc, segmentation: segmentation, window: nil)
        let correlation = CorrelationOutcome(pairs: [], counts: [10, 20, 30], centres: [50, 150, 250])
        let pairs = (0..<3).map { PairShift(i: $0, j: schedule.referenceNode, shift: SIMD3(Double($0), 0, 0), weight: 1, used: $0 != 1) }
        let solved = SolveOutcome(drift: [.zero, SIMD3(1, 2, 3), SIMD3(4, 5, 6)], sigma: [.zero, .zero, .zero],
                                  weight: [1, 1, 1], pairs: pairs, rmsResidualNm: 0.5)
        // Rank 1 of 2 owns segments 1 and 2, and writes pairs 1 and 2 of 3.
        var part = DriftResultPart(totalFrames: 300, totalSegments: 3, totalPairs: 3)
        EstimateResultBuilder.addSegmentsAndPairs(to: &part, rank: 1, ranks: 2, owned: 1..<3, segmentation: segmentation,
                                                  correlation: correlation, solved: solved, schedule: schedule)
        XCTAssertEqual(part.segmentOffset, 1)
        XCTAssertEqual(part.segmentFirstFrame, [100, 200])
        XCTAssertEqual(part.segmentLastFrame, [199, 299])
        XCTAssertEqual(part.segmentCentreFrame, [150, 250])
        XCTAssertEqual(part.segmentCount, [20, 30])
        XCTAssertEqual(part.segmentDrift, [SIMD3(1, 2, 3), SIMD3(4, 5, 6)])
        XCTAssertEqual(part.pairOffset, 1)
        XCTAssertEqual(part.pairI, [1, 2])
        // MCC's reference node is written as -1.
        XCTAssertEqual(part.pairJ, [-1, -1])
        XCTAssertEqual(part.pairUsed, [0, 1])
        XCTAssertEqual(part.pairShift, [SIMD3(1, 0, 0), SIMD3(2, 0, 0)])
        // Rank 0 owns none of the segments here, and pair 0.
        var first = DriftResultPart(totalFrames: 300, totalSegments: 3, totalPairs: 3)
        EstimateResultBuilder.addSegmentsAndPairs(to: &first, rank: 0, ranks: 2, owned: 0..<0, segmentation: segmentation,
                                                  correlation: correlation, solved: solved, schedule: schedule)
        XCTAssertEqual(first.segmentCount, [])
        XCTAssertEqual(first.pairI, [0])

        XCTAssertEqual(EstimateResultBuilder.range(of: [SIMD3(1, -5, 0), SIMD3(-3, 2, 0.5)]), SIMD3(3, 5, 0.5))
    }

    func testPhasesAndInjectedFailures() {
        XCTAssertEqual(Phase.allCases.map(\.rawValue), ["read", "render", "fft", "correlate", "exchange", "peaks", "solve", "refine", "fiducials", "accuracy", "write"])
        XCTAssertEqual(Phase.faultPoints.map(\.rawValue), ["read", "render", "correlate", "solve", "refine", "write"])
        XCTAssertEqual("\(InjectedFailure(rank: 2, phase: .solve))", "DRIFTMPI_FAULT: injected failure on rank 2 in phase solve")
        XCTAssertEqual("\(SolveFailure(input: "a.hdf5", problem: "unconnected"))", "a.hdf5: unconnected")
        XCTAssertEqual("\(OptionError("--bin-nm must be positive"))", "--bin-nm must be positive")

        var timer = PhaseTimer()
        timer.add(.fft, 1.5)
        timer.add(.fft, 0.5)
        timer.add(.correlate, 2)
        timer.add(.correlate, -0.5)
        XCTAssertEqual(timer.seconds(.fft), 2)
        XCTAssertEqual(timer.seconds(.correlate), 1.5)
        XCTAssertEqual(timer.seconds(.write), 0)
    }

    func testGridDescription() {
        let xy = RenderGrid(widthNm: 6000, heightNm: 3000, binNm: 60)
        XCTAssertEqual(LocalisationGrids.describe([xy]), "\(xy.width)x\(xy.height) bins of 60.0 nm")
    }
}
