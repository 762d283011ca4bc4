import Foundation
import INRCodec
import INRConfig
import INRTestSupport
import XCTest

final class ConfigTests: XCTestCase {
    func testEveryShippedConfigLoads() throws {
        let folder = TestSupport.path("Configs")
        let enumerator = FileManager.default.enumerator(atPath: folder)!
        var loaded = 0
        while let file = enumerator.nextObject() as? String {
            guard file.hasSuffix(".yaml") else { continue }
            XCTAssertNoThrow(try CodecConfig.load(folder + "/" + file), file)
            loaded += 1
        }
        XCTAssertGreaterThanOrEqual(loaded, 3)
        let siren = try CodecConfig.load(folder + "/image/siren.yaml")
        XCTAssertEqual(siren.network.hiddenLayers, 10)
        XCTAssertEqual(siren.network.width, 28)
        XCTAssertEqual(siren.network.activation, .sine)
        XCTAssertEqual(siren.network.omega0, 30)
    }

    func testMissingKeysTakeTheirDefaults() throws {
        let config = try CodecConfig.parse("encoding: {type: fourier, sigma: 3}\ntraining: {steps: 7}")
        XCTAssertEqual(config.training.steps, 7)
        XCTAssertEqual(config.training.learningRate, TrainingConfig().learningRate)
        XCTAssertEqual(config.training.batch, .full)
        XCTAssertEqual(config.network, NetworkConfig())
        guard case .fourier(let fourier) = config.encoding else { return XCTFail("expected fourier") }
        XCTAssertEqual(fourier.sigma, 3)
        XCTAssertEqual(fourier.features, FourierEncodingConfig().features)
        XCTAssertNil(fourier.seed)
        XCTAssertEqual(try CodecConfig.parse(""), CodecConfig())
        let schedule = try CodecConfig.parse("training:\n  schedule:\n    type: plateau\n    patience: 20\n")
        guard case .plateau(let plateau) = schedule.training.schedule else { return XCTFail("expected plateau") }
        XCTAssertEqual(plateau.patience, 20)
        XCTAssertEqual(plateau.factor, 0.5)
    }

    /// Fine-tuning takes its schedule from the config: a cosine to 0 unless `qatSchedule` says
    /// otherwise, and `training.schedule` stays the float fit's.
    func testFineTuningScheduleComesFromTheConfig() throws {
        let defaults = try CodecConfig.parse("training: {schedule: {type: step, stepSize: 10}}")
        XCTAssertEqual(defaults.quantization.qatSchedule, .cosine(CosineScheduleConfig()))
        var schedule = defaults.quantizationSettings.fineTuningSchedule
        XCTAssertEqual(schedule.learningRate(step: 99, totalSteps: 100, base: 1), 0, accuracy: 1e-6)
        let constant = try CodecConfig.parse("quantization: {qatSchedule: {type: constant}}")
        schedule = constant.quantizationSettings.fineTuningSchedule
        XCTAssertEqual(schedule.learningRate(step: 99, totalSteps: 100, base: 0.5), 0.5)
        var training = defaults.trainingSettings.schedule
        XCTAssertEqual(training.learningRate(step: 99, totalSteps: 100, base: 1), 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5, accuracy: 1e-6)
    }

    func testUnknownKeysAreErrorsWithPathLineAndHint() {
        assertError("network:\n  widht: 64\n", keyPath: "network.widht", line: 2, contains: "did you mean 'width'")
        assertError("seeed: 3\n", keyPath: "seeed", line: 1, contains: "did you mean 'seed'")
        assertError("training:\n  schedule:\n    type: cosine\n    gama: 0.5\n", keyPath: "training.schedule.gama", line: 4, contains: "unknown key")
        // A key of another encoding type is unknown for this one.
        assertError("encoding:\n  type: positional\n  sigma: 10\n", keyPath: "encoding.sigma", line: 3, contains: "unknown key")
        assertError("training:\n  batch: {type: full, fraction: 0.5}\n", keyPath: "training.batch.fraction", line: 2, contains: "unknown key")
        assertError("training:\n  schedule: {type: constant, gamma: 2}\n", keyPath: "training.schedule.gamma", line: 2, contains: "unknown key")
    }

    func testBadValuesAreErrorsNamingTheKey() {
        assertError("network:\n  activation: sinus\n", keyPath: "network.activation", line: 2, contains: "expected one of identity, relu, gelu, sine; found 'sinus'")
        assertError("training:\n  steps: many\n", keyPath: "training.steps", line: 2, contains: "expected an integer; found 'many'")
        assertError("training:\n  steps: 0\n", keyPath: "training.steps", line: 2, contains: "must be between 1 and 1000000000")
        assertError("training:\n  learningRate: -1e-3\n", keyPath: "training.learningRate", line: 2, contains: "must be positive")
        assertError("training:\n  learningRate: .inf\n", keyPath: "training.learningRate", line: 2, contains: "must be a finite number, not .inf")
        assertError("network: {width: 99999999999999999999}\n", keyPath: "network.width", line: 1, contains: "99999999999999999999 is out of range (-9223372036854775808 to 9223372036854775807)")
        assertError("network: {width: 0}\n", keyPath: "network.width", line: 1, contains: "between 1 and 4096")
        assertError("encoding: {type: sape, gridResolution: 1}\n", keyPath: "encoding.gridResolution", line: 1, contains: "between 2 and 1024")
        assertError("encoding: {type: wavelets}\n", keyPath: "encoding.type", line: 1, contains: "expected one of raw, positional, fourier, sape")
        assertError("encoding: {sigma: 3}\n", keyPath: "encoding.type", line: nil, contains: "required key is missing")
        assertError("network: 5\n", keyPath: "network", line: 1, contains: "expected a mapping")
        assertError("seed: -1\n", keyPath: "seed", line: 1, contains: "non-negative integer")
        assertError("optimizer: {beta1: 1.5}\n", keyPath: "optimizer.beta1", line: 1, contains: "[0, 1)")
        assertError("loss: {type: mae}\n", keyPath: "loss.type", line: 1, contains: "expected one of mse")
        assertError("encoding: {type: positional, frequencies: 30, base: 2}\n", keyPath: "encoding.frequencies", line: 1, contains: "base^(frequencies-1)")
        assertError("encoding: {type: sape, features: 8192, gridResolution: 1024}\n", keyPath: "encoding.gridResolution", line: 1, contains: "gridResolution² × features")
        assertError("encoding: {type: fourier, sigma: 5000}\n", keyPath: "encoding.sigma", line: 1, contains: "(0, 1000]")
        assertError("network: {hiddenLayers: 64, width: 4096}\n", keyPath: "network.width", line: 1, contains: "parameters")
        assertError("training: {steps: 99999999999}\n", keyPath: "training.steps", line: 1, contains: "between 1 and")
        assertError("training:\n  steps: 3\n  steps: 4\n", keyPath: "", line: 3, contains: "duplicate key 'steps' (first set on line 2)")
        assertError("a: \(String(repeating: "[", count: 5000))\n", keyPath: "", line: 1, contains: "nested more than 1000 levels deep")
        assertError("network:\n\twidth: 3\n", keyPath: "", line: 2, contains: "a tab cannot indent YAML")
        assertError("training: [1, 2\n", keyPath: "", line: nil, contains: "not valid YAML")
        assertError("video: {patchSize: 5}\n", keyPath: "video.patchSize", line: 1, contains: "must be even")
        assertError("video: {groupSize: 0}\n", keyPath: "video.groupSize", line: 1, contains: "between 1 and 64")
        assertError("video: {initialization: random}\n", keyPath: "video.initialization", line: 1, contains: "expected one of previousGroup, scratch")
        assertError("video: {patchSize: 64, groupSize: 64}\n", keyPath: "video.patchSize", line: nil, contains: "393216 outputs")
        assertError("video:\n  groupsize: 4\n", keyPath: "video.groupsize", line: 2, contains: "did you mean 'groupSize'")
        // A latent config would ignore the MLP codec's sections: naming one is an error.
        for section in ["network: {width: 32}", "encoding: {type: positional}", "quantization: {weightBits: 6}", "optimizer: {beta1: 0.8}"] {
            assertError("latent: {grids: 3}\n\(section)\n", keyPath: String(section.prefix { $0 != ":" }), line: nil, contains: "belongs to the MLP codec")
        }
        XCTAssertNoThrow(try CodecConfig.parse("latent: {grids: 3}\ntraining: {steps: 10}\nseed: 4\n", name: "test.yaml"))
    }

    func testErrorsNameTheFile() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/bad.yaml"
        try "network:\n  depth: 3\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CodecConfig.load(path)) { error in
            XCTAssertEqual("\(error)", "\(path):2:3: network.depth: unknown key 'depth' (known keys: activation, firstOmega0, hiddenLayers, initialization, omega0, sizing, width)")
        }
        XCTAssertThrowsError(try CodecConfig.load(folder + "/missing.yaml")) { error in
            XCTAssertEqual("\(error)", "\(folder)/missing.yaml: cannot read the file: No such file or directory")
        }
        try "# only a comment\n".write(toFile: folder + "/empty.yaml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CodecConfig.load(folder + "/empty.yaml")) { error in
            XCTAssertEqual("\(error)", "\(folder)/empty.yaml: the config is empty (Configs/README.md lists its keys)")
        }
    }

    private func assertError(_ yaml: String, keyPath: String, line: Int?, contains text: String, file: StaticString = #filePath, testLine: UInt = #line) {
        XCTAssertThrowsError(try CodecConfig.parse(yaml, name: "test.yaml"), file: file, line: testLine) { error in
            guard let error = error as? ConfigError else { return XCTFail("not a ConfigError: \(error)", file: file, line: testLine) }
            XCTAssertEqual(error.file, "test.yaml", file: file, line: testLine)
            XCTAssertEqual(error.keyPath, keyPath, "\(error)", file: file, line: testLine)
            if let line { XCTAssertEqual(error.line, line, "\(error)", file: file, line: testLine) }
            XCTAssertTrue(error.message.contains(text), "\(error)", file: file, line: testLine)
        }
    }

    func testOverridesAreLaidOverTheFileAndCheckedLikeIt() throws {
        let codec = TestSupport.path("Configs/image/mlp.yaml")
        let overrides = try ["network.width=48", "training.schedule={type: step, stepSize: 10}", "quantization.weightBits=6", "loss.l1WeightPenalty=1e-5"]
            .map(ConfigOverride.init(parsing:))
        let config = try CodecConfig.load(codec, overrides: overrides)
        XCTAssertEqual(config.network.width, 48)
        XCTAssertEqual(config.network.hiddenLayers, try CodecConfig.load(codec).network.hiddenLayers)
        XCTAssertEqual(config.quantization.weightBits, 6)
        XCTAssertEqual(config.loss.l1WeightPenalty, 1e-5)
        guard case .step(let step) = config.training.schedule else { return XCTFail("expected a step schedule") }
        XCTAssertEqual(step.stepSize, 10)

        // A misspelt or bad overridden key fails like one in the file: path and hint.
        XCTAssertThrowsError(try CodecConfig.load(codec, overrides: [ConfigOverride(parsing: "network.widht=8")])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("network.widht") && text.contains("did you mean 'width'"), text)
        }
        XCTAssertThrowsError(try CodecConfig.load(codec, overrides: [ConfigOverride(parsing: "quantization.weightBits=40")])) { error in
            XCTAssertTrue("\(error)".contains("quantization.weightBits"), "\(error)")
        }
        XCTAssertThrowsError(try CodecConfig.load(codec, overrides: [ConfigOverride(parsing: "seed.x=1")])) { error in
            XCTAssertTrue("\(error)".contains("not a mapping"), "\(error)")
        }
        XCTAssertThrowsError(try ConfigOverride(parsing: "network.width"))
        XCTAssertThrowsError(try ConfigOverride(parsing: "network..width=3"))
    }
}
