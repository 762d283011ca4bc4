import Foundation
import INRCore
import INRNetwork
import XCTest

final class NetworkTests: XCTestCase {
    func testParameterLayoutFollowsTheSpec() {
        let spec = NetworkSpec(inputWidth: 2, hiddenWidths: Array(repeating: 28, count: 10), outputWidth: 3, activation: .sine)
        let layout = ParameterLayout(spec: spec)
        // COIN's 10 × 28 SIREN: 2·28+28 + 9·(28·28+28) + 28·3+3.
        XCTAssertEqual(layout.count, 84 + 9 * 812 + 87)
        XCTAssertEqual(spec.parameterCount, layout.count)
        XCTAssertEqual(layout.weight(ofLayer: 0).shape, [28, 2])
        XCTAssertEqual(layout.bias(ofLayer: 0).offset, 56)
        XCTAssertEqual(layout.weight(ofLayer: 1).offset, 84)
        XCTAssertEqual(layout.tensors.last!.range.upperBound, layout.count)
        XCTAssertEqual(spec.layers.map(\.activation).first, .sine(omega0: 30))
        XCTAssertEqual(spec.layers.last!.activation, .identity)
    }

    func testInitialisationBoundsAndSeeds() {
        let spec = NetworkSpec(inputWidth: 2, hiddenWidths: [28, 28], outputWidth: 3, activation: .sine,
                               omega0: 30, firstOmega0: 30, initialization: .siren)
        let parameters = Parameters(spec: spec, seed: 1)
        let layout = parameters.layout
        // SIREN: first layer U(±1/fanIn), the others U(±√(6/fanIn)/ω0), biases alike (COIN).
        for i in layout.weight(ofLayer: 0).range { XCTAssertLessThanOrEqual(abs(parameters.values[i]), 0.5) }
        let bound = Float((6.0 / 28).squareRoot() / 30)
        for i in layout.weight(ofLayer: 1).range.lowerBound..<layout.count { XCTAssertLessThanOrEqual(abs(parameters.values[i]), bound) }
        XCTAssertGreaterThan(parameters.values[layout.weight(ofLayer: 0).range].map(abs).max()!, 0.45)
        XCTAssertEqual(parameters, Parameters(spec: spec, seed: 1))
        XCTAssertNotEqual(parameters, Parameters(spec: spec, seed: 2))
        let relu = NetworkSpec(inputWidth: 64, hiddenWidths: [64], outputWidth: 3, activation: .relu)
        let defaults = Parameters(spec: relu, seed: 1)
        XCTAssertLessThanOrEqual(defaults.values.map(abs).max()!, 1 / 8)
    }

    func testFourierBasisIsSortedAndSeeded() {
        let basis = FourierBasis(count: 64, sigma: 10, seed: 3)
        let magnitudes = (0..<64).map { j in
            (basis.scaled[j] * basis.scaled[j] + basis.scaled[64 + j] * basis.scaled[64 + j]).squareRoot()
        }
        XCTAssertEqual(magnitudes, magnitudes.sorted())
        // |b| is half-normal with σ = 10: its mean is σ·√(2/π) ≈ 7.98 (×2π in `scaled`).
        let mean = magnitudes.reduce(0, +) / 64 / (2 * .pi)
        XCTAssertEqual(Double(mean), 7.98, accuracy: 2.5)
        XCTAssertEqual(basis, FourierBasis(count: 64, sigma: 10, seed: 3))
        XCTAssertNotEqual(basis.scaled, FourierBasis(count: 64, sigma: 10, seed: 4).scaled)
    }

    func testPixelCentresCoverTheSquare() {
        let grid = PixelGrid(width: 4, height: 2)
        var point = [Float](repeating: 0, count: 2)
        grid.coordinates(ofPixel: 0, into: &point)
        XCTAssertEqual(point, [-0.75, -0.5])
        grid.coordinates(ofPixel: 7, into: &point)
        XCTAssertEqual(point, [0.75, 0.5])
        grid.coordinates(ofPixel: 5, into: &point)
        XCTAssertEqual(point, [-0.25, 0.5])
        let single = PixelGrid(width: 1, height: 1)
        single.coordinates(ofPixel: 0, into: &point)
        XCTAssertEqual(point, [0, 0])
    }

    func testPositionalEncodingValues() {
        let encoding = PositionalEncoding(frequencyCount: 3, base: 1.4, includeInput: true)
        XCTAssertEqual(encoding.outputWidth, 2 + 2 * 6)
        let coordinates = AlignedBuffer(count: 16), features = AlignedBuffer(count: 16)
        coordinates.base[0] = 0.3
        coordinates.base[1] = -0.7
        encoding.encode(coordinates.matrix(rows: 1, columns: 2, stride: 16), into: features.matrix(rows: 1, columns: 14, stride: 16), kernels: PortableKernels())
        XCTAssertEqual(features.base[0], 0.3)
        XCTAssertEqual(features.base[1], -0.7)
        for i in 0..<3 {
            for (c, x) in [0.3, -0.7].enumerated() {
                let argument = pow(1.4, Double(i)) * Double.pi * x
                XCTAssertEqual(Double(features.base[2 + 2 * i + c]), sin(argument), accuracy: 1e-6)
                XCTAssertEqual(Double(features.base[8 + 2 * i + c]), cos(argument), accuracy: 1e-6)
            }
        }
    }
}

final class SAPETests: XCTestCase {
    func testControllerOpensBlocksWhereTheLossIsHighAndStopsElsewhere() {
        var mask = SpatialFrequencyMask(blockCount: 8, resolution: 4, epsilon: 0.01)
        XCTAssertEqual(mask.kernelSize, 3)
        XCTAssertEqual(SpatialFrequencyMask(blockCount: 8, resolution: 11, epsilon: 0).kernelSize, 5)
        // Samples at every cell centre; high loss in the top row (y < 0) only.
        let centres: [Float] = [-0.75, -0.25, 0.25, 0.75]
        let points = centres.flatMap { y in centres.flatMap { x in [x, y] } }
        let losses = (0..<16).map { $0 < 4 ? Float(1) : Float(0) }
        var history: [[Int32]] = []
        // 160 steps, 8 blocks: one update every 10 steps.
        for step in 0..<160 {
            mask.prepare(step: step, totalSteps: 160)
            mask.observe(coordinates: points, losses: losses, count: 16)
            history.append(mask.counts)
        }
        // Counts never decrease.
        for (before, after) in zip(history, history.dropFirst()) {
            XCTAssertTrue(zip(before, after).allSatisfy { $0 <= $1 })
        }
        // Blurred loss of the bottom row (3×3 window, edges replicated) is zero: stopped at once.
        XCTAssertEqual(Array(mask.counts[12..<16]), [0, 0, 0, 0])
        XCTAssertFalse(mask.active[15])
        // The top row keeps opening until every block is open.
        XCTAssertEqual(Array(mask.counts[0..<4]), [8, 8, 8, 8])
        // Updates happen every 10 steps: after step 10 exactly one block opened up top.
        XCTAssertEqual(history[10][0], 1)
        XCTAssertEqual(history[9][0], 0)
    }

    func testMaskIsTheBlurredCellMaskInterpolated() {
        var mask = SpatialFrequencyMask(blockCount: 4, resolution: 4, epsilon: 0.5)
        let centres: [Float] = [-0.75, -0.25, 0.25, 0.75]
        let points = centres.flatMap { y in centres.flatMap { x in [x, y] } }
        let losses = [Float](repeating: 1, count: 16)
        for step in 0..<9 {
            mask.prepare(step: step, totalSteps: 32)
            mask.observe(coordinates: points, losses: losses, count: 16)
        }
        XCTAssertEqual(mask.counts, Array(repeating: 2, count: 16))
        var values = [Float](repeating: -1, count: 4)
        // At a cell centre, the blurred mask of uniform counts: blocks 0,1 open, 2,3 closed.
        mask.values(at: [0.25, -0.25], into: &values)
        XCTAssertEqual(values, [1, 1, 0, 0])
        // Beyond the outer centres the edge cell's value holds.
        mask.values(at: [1, 1], into: &values)
        XCTAssertEqual(values, [1, 1, 0, 0])
    }

    func testGlobalScheduleFadesBlocksIn() {
        var mask = GlobalFrequencyMask(blockCount: 4)
        // 3·steps/(4·blocks) = 3·160/16 = 30 steps per block.
        mask.prepare(step: 0, totalSteps: 160)
        XCTAssertEqual(mask.openBlocks, 0)
        XCTAssertEqual(mask.fadeIn, 0)
        mask.prepare(step: 37, totalSteps: 160)
        XCTAssertEqual(mask.openBlocks, 1)
        XCTAssertEqual(mask.fadeIn, Float(2 * 7) / 30, accuracy: 1e-6)
        var values = [Float](repeating: 0, count: 4)
        mask.values(at: [0, 0], into: &values)
        XCTAssertEqual(values[0], 1)
        XCTAssertEqual(values[1], mask.fadeIn)
        XCTAssertEqual(values[2], 0)
        mask.prepare(step: 130, totalSteps: 160)
        mask.values(at: [0, 0], into: &values)
        XCTAssertEqual(values, [1, 1, 1, 1])
    }

    func testEncodingsSurviveACodableRoundTrip() throws {
        var spatial = SpatialFrequencyMask(blockCount: 6, resolution: 5, epsilon: 0.01)
        spatial.prepare(step: 0, totalSteps: 60)
        spatial.observe(coordinates: [0.1, 0.2, -0.5, 0.9], losses: [1, 1], count: 2)
        spatial.prepare(step: 5, totalSteps: 60)
        // Every registered encoding's examples, and a spatial mask in the middle of a fit.
        let models = EncodingModel.examples + [EncodingModel(SAPEEncoding(basis: FourierBasis(count: 6, sigma: 3, seed: 2), progression: .spatial(spatial)))]
        for model in models {
            let data = try JSONEncoder().encode(model)
            let decoded = try JSONDecoder().decode(EncodingModel.self, from: data)
            XCTAssertEqual(decoded, model, model.typeName)
            let a = AlignedBuffer(count: 32), b = AlignedBuffer(count: 32), coordinates = AlignedBuffer(count: 16)
            coordinates.base[0] = 0.37
            coordinates.base[1] = -0.21
            let width = model.encoding.outputWidth
            // An encoding with values of its own (a grid) computes with them: its seeded start.
            let parameters = model.encoding.initialParameters(seed: 1)
            parameters.withUnsafeBufferPointer { parameters in
                model.encoding.encode(coordinates.matrix(rows: 1, columns: 2, stride: 16), parameters: parameters,
                                      into: a.matrix(rows: 1, columns: width, stride: 32), kernels: PortableKernels())
                decoded.encoding.encode(coordinates.matrix(rows: 1, columns: 2, stride: 16), parameters: parameters,
                                        into: b.matrix(rows: 1, columns: width, stride: 32), kernels: PortableKernels())
            }
            XCTAssertEqual(Array(UnsafeBufferPointer(start: a.base, count: width)), Array(UnsafeBufferPointer(start: b.base, count: width)))
        }
        let corrupt = #"{"type":"sape","featureCount":6,"sigma":3,"seed":2,"inputWidth":2,"spatial":{"blockCount":6,"resolution":2,"epsilon":0,"counts":[1,2,3],"active":[true,true,true]}}"#
        XCTAssertThrowsError(try JSONDecoder().decode(EncodingModel.self, from: Data(corrupt.utf8)))
    }
}
