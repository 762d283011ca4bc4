import Foundation
import INRConfig
import INRCore
import INRMedia
import INRNetwork
import INRTestSupport
import INRTraining
import XCTest

/// The dense grid encoding as a model with two parameter groups: it fits, deterministically on
/// any thread count, its values are saved with the model, and Adam applies its multiplier.
final class GridEncodingTests: XCTestCase {
    static func config(steps: Int) throws -> CodecConfig {
        var config = try CodecConfig.load(TestSupport.path("Configs/image/grid.yaml"))
        config.training.steps = steps
        return config
    }

    func testGridFitsAndIsBitIdenticalAcrossThreadCounts() throws {
        let kernels = try KernelSelection.preferred()
        let config = try Self.config(steps: 60)
        let a = FittingTests.fit(config, kernels: kernels, threads: 2)
        let b = FittingTests.fit(config, kernels: kernels, threads: 1)
        XCTAssertEqual(a.parameters.values.map(\.bitPattern), b.parameters.values.map(\.bitPattern))
        XCTAssertEqual(a.model.groups.map(\.name), ["network", "encoding"])
        XCTAssertEqual(a.model.groups.last?.learningRateMultiplier, 30)
        // The grid's values moved from their U(±1e-4) start.
        let features = a.parameters.values[a.parameters.layout.encodingRange]
        XCTAssertGreaterThan(features.map(abs).max()!, 1e-2)
        let rendered = Image(width: 128, height: 128, channels: 3, bitDepth: 8, normalized: a.renderBest())
        XCTAssertEqual(Metrics.psnr(FittingTests.image, rendered), a.best.psnr, accuracy: 1e-9)
        XCTAssertGreaterThan(a.best.psnr, 20)
    }

    func testModelFileKeepsTheGridValues() throws {
        let trainer = FittingTests.fit(try Self.config(steps: 5), kernels: try KernelSelection.preferred(), threads: 2)
        let model = ImageModel(width: 128, height: 128, channels: 3, bitDepth: 8, encoding: trainer.best.encoding, parameters: trainer.best.parameters)
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ModelFile.write(model, to: folder + "/grid.inrmodel")
        let read = try ModelFile.read(folder + "/grid.inrmodel")
        XCTAssertEqual(read.parameters, model.parameters)
        XCTAssertEqual(read.encoding, model.encoding)
        XCTAssertEqual(read.parameters.layout.networkCount, model.spec.parameterCount)
        XCTAssertEqual(read.parameters.values.count, model.spec.parameterCount + model.encoding.encoding.parameterCount)
    }

    func testAdamAppliesEachGroupsMultiplier() {
        let gradient: [Float] = [0.5, -0.25, 1, 2]
        var plain = Adam(), grouped = Adam(), scaled = Adam()
        let start: [Float] = [1, 2, 3, 4]
        var a = start, b = start, c = start
        for _ in 0..<3 {
            plain.update(&a, gradient: gradient, learningRate: 0.01)
            let groups = [ParameterGroup(name: "network", range: 0..<2), ParameterGroup(name: "encoding", range: 2..<4)]
            grouped.update(&b, gradient: gradient, learningRate: 0.01, groups: groups)
            scaled.update(&c, gradient: gradient, learningRate: 0.01, groups: [groups[0], ParameterGroup(name: "encoding", range: 2..<4, learningRateMultiplier: 10)])
        }
        XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern))
        XCTAssertEqual(c[0..<2], a[0..<2])
        for i in 2..<4 { XCTAssertEqual(c[i] - start[i], 10 * (a[i] - start[i]), accuracy: 1e-5) }
    }
}
