import Foundation
import INRTraining
import XCTest

final class OptimizationTests: XCTestCase {
    func testAdamMatchesTheAlgorithm() {
        var adam = Adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1)
        var parameters: [Float] = [1, -2]
        let gradients: [[Float]] = [[0.5, 0.25], [-0.5, 1]]
        // By hand in Double: g' = g + λθ; m, v moments; θ -= lr·m̂/(√v̂ + ε).
        var theta = [1.0, -2.0], m = [0.0, 0.0], v = [0.0, 0.0]
        for (t, g) in gradients.enumerated() {
            adam.update(&parameters, gradient: g, learningRate: 0.01)
            for i in 0..<2 {
                let gi = Double(g[i]) + 0.1 * theta[i]
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.999 * v[i] + 0.001 * gi * gi
                let mHat = m[i] / (1 - pow(0.9, Double(t + 1))), vHat = v[i] / (1 - pow(0.999, Double(t + 1)))
                theta[i] -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
            }
            XCTAssertEqual(Double(parameters[0]), theta[0], accuracy: 1e-6)
            XCTAssertEqual(Double(parameters[1]), theta[1], accuracy: 1e-6)
        }
    }

    func testSchedules() {
        var constant = ConstantSchedule()
        XCTAssertEqual(constant.learningRate(step: 50, totalSteps: 100, base: 0.1), 0.1)

        var cosine = CosineSchedule(minimum: 0.01, warmupSteps: 10)
        XCTAssertEqual(cosine.learningRate(step: 0, totalSteps: 110, base: 1), 0.1, accuracy: 1e-6)
        XCTAssertEqual(cosine.learningRate(step: 9, totalSteps: 110, base: 1), 1, accuracy: 1e-6)
        XCTAssertEqual(cosine.learningRate(step: 10, totalSteps: 110, base: 1), 1, accuracy: 1e-6)
        XCTAssertEqual(cosine.learningRate(step: 109, totalSteps: 110, base: 1), 0.01, accuracy: 1e-6)
        XCTAssertEqual(cosine.learningRate(step: 59, totalSteps: 110, base: 1), 0.505, accuracy: 0.01)

        var step = StepSchedule(stepSize: 100, gamma: 0.5)
        XCTAssertEqual(step.learningRate(step: 99, totalSteps: 1000, base: 1), 1)
        XCTAssertEqual(step.learningRate(step: 250, totalSteps: 1000, base: 1), 0.25)

        var exponential = ExponentialSchedule(gamma: 0.9)
        XCTAssertEqual(exponential.learningRate(step: 2, totalSteps: 10, base: 1), 0.81, accuracy: 1e-6)

        var plateau = PlateauSchedule(factor: 0.5, patience: 2, threshold: 0.01, cooldown: 1, minimum: 0.2)
        var rates: [Float] = []
        for loss in [1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5] {
            rates.append(plateau.learningRate(step: 0, totalSteps: 0, base: 1))
            plateau.observe(loss: loss)
        }
        // Improves twice, then 3 bad steps (> patience 2) halve it; cooldown 1; floor 0.2.
        XCTAssertEqual(rates, [1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25])
        XCTAssertEqual(plateau.learningRate(step: 0, totalSteps: 0, base: 0.5), 0.2)
    }

    func testRandomBatchesAreSeededAndCoverEveryEpoch() {
        var a = RandomBatchSampler(count: 10, batchSize: 3, seed: 1)
        var b = RandomBatchSampler(count: 10, batchSize: 3, seed: 1)
        var c = RandomBatchSampler(count: 10, batchSize: 3, seed: 2)
        var epoch: [Int] = []
        var differs = false
        for _ in 0..<3 {
            guard case .indices(let x) = a.nextBatch(), case .indices(let y) = b.nextBatch(), case .indices(let z) = c.nextBatch() else {
                return XCTFail("random batches are index lists")
            }
            XCTAssertEqual(x, y)
            differs = differs || x != z
            epoch += x.map(Int.init)
        }
        XCTAssertTrue(differs)
        // One epoch of 3 batches of 3: 9 distinct samples (the tenth dropped).
        XCTAssertEqual(Set(epoch).count, 9)
        var full = FullBatchSampler(count: 5)
        XCTAssertEqual(full.nextBatch().count, 5)
        XCTAssertTrue(full.nextBatch().isFull)
    }
}
