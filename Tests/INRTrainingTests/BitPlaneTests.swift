import INRCodec
import Foundation
import INRConfig
import INRCore
import INRMedia
import INRModel
import INRNetwork
import INRTestSupport
import INRTraining
import XCTest

/// The bit-plane head: its loss, its samples and the interlaced order.
final class BitPlaneTests: XCTestCase {
    /// Binary cross-entropy: the loss is −log p(t) with p(1) = σ(z), the gradient σ(z) − t
    /// (scaled), and a bit counts as wrong when the hard decision differs; stable at ±100.
    func testBinaryCrossEntropy() {
        let logits: [Float] = [0, 2, -3, 100, -100, 0.5], bits: [Float] = [1, 1, 1, 0, 0, 0]
        let buffer = AlignedBuffer(count: 3 * 16)
        let prediction = buffer.matrix(rows: 6, columns: 1, stride: 1, offset: 0)
        let target = buffer.matrix(rows: 6, columns: 1, stride: 1, offset: 16)
        let gradient = buffer.matrix(rows: 6, columns: 1, stride: 1, offset: 32)
        for i in 0..<6 {
            prediction[i, 0] = logits[i]
            target[i, 0] = bits[i]
        }
        let sums = BinaryCrossEntropy().evaluate(
            prediction: prediction, target: target, gradientScale: 0.5, gradient: gradient, sampleLosses: nil, peak: 1)
        var expected = 0.0
        for i in 0..<6 {
            let z = Double(logits[i]), p1 = 1 / (1 + exp(-z))
            expected += -log(bits[i] == 1 ? p1 : 1 - p1)
            XCTAssertEqual(Double(gradient[i, 0]), 0.5 * (p1 - Double(bits[i])), accuracy: 1e-6)
        }
        XCTAssertEqual(sums.loss, expected, accuracy: 1e-4 * expected)
        XCTAssertEqual(sums.wrongBits, 4)  // z = 0 (decides 0) and −3 for a 1, 100 and 0.5 for a 0
        XCTAssertEqual(sums.count, 6)
    }

    /// Each layout's targets rebuild the image, and `bit(sample:column:)` names each target bit.
    func testTargetsRebuildTheImage() throws {
        let image = try PNG.read(TestSupport.path("Media/png/rgb16.png")).cropped(left: 3, top: 5, width: 11, height: 7)
        let heads = [
            BitPlaneHead(layout: .allOutputs), BitPlaneHead(layout: .bitInput),
            BitPlaneHead(layout: .bitInput, context: .neighbourhood, contextSize: 1),
            BitPlaneHead(layout: .bitInput, context: .interlaced, contextSize: 2),
        ]
        for head in heads {
            let samples = BitPlaneSamples(image: image, head: head)
            var outputs = [Float](repeating: 0, count: samples.count * samples.targetWidth)
            var point = [Float](repeating: 0, count: 2), extras = [Float](repeating: 0, count: max(1, samples.extraInputWidth))
            for sample in 0..<samples.count {
                outputs.withUnsafeMutableBufferPointer { outputs in
                    samples.fill(sample: sample, coordinates: &point, extras: &extras, targets: outputs.baseAddress! + sample * samples.targetWidth)
                }
            }
            // Targets are 0/1; as logits ±1 their hard decisions are the bits themselves.
            XCTAssertEqual(samples.reconstruction(outputs.map { $0 * 2 - 1 }), image, "\(head)")
            XCTAssertEqual(samples.extraInputWidth, head.extraInputWidth(channels: 3))
        }
    }

    /// Interlaced order: every pixel has a phase, and every neighbour a context reads is inside
    /// the image only if it comes from an earlier phase, so the decoder already has it whole.
    func testInterlacedNeighboursComeFirst() {
        for levels in 1...4 {
            let interlace = Interlace(levels: levels)
            let width = 37, height = 29
            var phases = [Int](repeating: 0, count: width * height)
            for row in 0..<height { for column in 0..<width { phases[row * width + column] = interlace.phase(row: row, column: column) } }
            XCTAssertEqual(Set(phases).count, min(interlace.phaseCount, Set(phases).count))
            for row in 0..<height {
                for column in 0..<width where phases[row * width + column] > 0 {
                    let phase = phases[row * width + column]
                    var nearest = 0
                    for n in 0..<Interlace.neighbourCount {
                        let offset = interlace.neighbourOffset(n, phase: phase)
                        let y = row + offset.row, x = column + offset.column
                        guard y >= 0, y < height, x >= 0, x < width else { continue }
                        XCTAssertLessThan(phases[y * width + x], phase, "levels \(levels), (\(row), \(column)) → (\(y), \(x))")
                        if n < 4 { nearest += 1 }
                    }
                    // Away from the edges the 4 nearest are all there.
                    let h = (1 << levels) >> ((phase - 1) / 2 + 1)
                    if row >= h, column >= h, row + h < height, column + h < width { XCTAssertEqual(nearest, 4) }
                }
            }
        }
    }

    /// A bit-plane fit that reaches every bit stops there, and `inr fit`'s reconstruction is the image.
    func testFitStopsWhenExact() throws {
        let image = try PNG.read(TestSupport.kodimCrop).cropped(left: 60, top: 60, width: 12, height: 12)
        var config = try CodecConfig.load(TestSupport.path("Configs/bitplanes/bits-outputs.yaml"))
        config.training.steps = 3000
        config.training.timeLimit = nil
        let trainer = config.imageEncoderSettings.trainer(for: image, kernels: try KernelSelection.preferred(), threads: 2)
        trainer.fit()
        XCTAssertTrue(trainer.isExact)
        XCTAssertLessThan(trainer.completedSteps, 3000)
        XCTAssertEqual(trainer.best.evaluation.bitErrorRate, 0, "the best weights are exact ones")
        // The exact weights had `exactStep` updates; the step that found them made one more.
        XCTAssertEqual(try XCTUnwrap(trainer.exactStep) + 1, trainer.completedSteps, "stops right after the exact step")
        XCTAssertNotNil(trainer.exactSeconds)
        let samples = try XCTUnwrap(trainer.samples as? BitPlaneSamples)
        XCTAssertEqual(samples.reconstruction(trainer.renderBest()), image)
    }

    /// A context the layout cannot take is a config error naming the key.
    func testHeadConfigErrors() throws {
        let yaml = "head: {type: bitPlanes, layout: allOutputs, context: pixel}\n"
        XCTAssertThrowsError(try ConfigDecoder(file: "x.yaml").decode(CodecConfig.self, from: yaml)) { error in
            XCTAssertTrue("\(error)".contains("head.context"), "\(error)")
        }
        let radius = "head: {type: bitPlanes, context: neighbourhood, contextSize: 9}\n"
        XCTAssertThrowsError(try ConfigDecoder(file: "x.yaml").decode(CodecConfig.self, from: radius)) { error in
            XCTAssertTrue("\(error)".contains("head.contextSize"), "\(error)")
        }
    }
}
