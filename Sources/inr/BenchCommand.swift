import ArgumentParser
import Foundation
import INRConfig
import INRCore
import INRMedia
import INRNetwork
import INRTraining

/// Times training steps of the three reference networks. `Tools/bench.py` runs this and the
/// PyTorch reference (`Tools/reference/bench.py`) in one go and prints the ratios.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time training steps of the benchmark networks.",
        discussion: """
            (a) positional encoding to 64 features → 3 × 64 sine → 3, full batch;
            (b) COIN's 10 × 28 SIREN, full batch;
            (c) SAPE, 256 frequencies → 3 × 256 ReLU, a random 25% of the pixels per step.
            Prints the median milliseconds per step after one warm-up step.
            """)

    @Option(help: "The image (default: kodim23 from ../shared/media).")
    var image = "../shared/media/kodak/kodim23.png"

    @Option(help: "Which cases to run, e.g. 'ab'.")
    var cases = "abc"

    @Option(help: "Timed steps per case.")
    var steps = 5

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        guard !cases.isEmpty, cases.allSatisfy({ "abc".contains($0) }) else { throw ValidationError("--cases takes letters from 'abc'") }
    }

    /// The benchmark networks as configs.
    static func config(_ name: Character) -> (description: String, config: FitConfig) {
        var config = FitConfig()
        config.training.steps = 1000
        switch name {
        case "a":
            var positional = PositionalEncodingConfig()
            positional.frequencies = 16
            positional.includeInput = false
            config.encoding = .positional(positional)
            config.network.hiddenLayers = 3
            config.network.width = 64
            config.network.activation = .sine
            return ("PE(64) → 3×64 sine → 3, full batch", config)
        case "b":
            config.encoding = .raw(RawEncodingConfig())
            config.network.hiddenLayers = 10
            config.network.width = 28
            config.network.activation = .sine
            return ("COIN SIREN 10×28, full batch", config)
        default:
            config.encoding = .sape(SAPEEncodingConfig())
            config.network.hiddenLayers = 3
            config.network.width = 256
            config.network.activation = .relu
            config.training.batch = .random(RandomBatchConfig())
            config.training.evaluationInterval = 1_000_000
            return ("SAPE 256 → 3×256 ReLU, 25% of pixels", config)
        }
    }

    func run() throws {
        let picture = try PNG.read(image)
        let kernels = try Kernels.preferred()
        var results: [String: Double] = [:]
        if !json {
            print("inr bench: \(image) \(picture.width)×\(picture.height), \(threads) thread(s), "
                + "\(kernels.instructionSet.rawValue) kernels, OpenBLAS core \(BLAS.coreName)")
        }
        for name in cases {
            let (description, config) = Self.config(name)
            let trainer = config.makeTrainer(image: picture, kernels: kernels, threads: threads)
            trainer.step()  // warm-up: first-touch of buffers, OpenBLAS start-up
            var times: [Double] = []
            for _ in 0..<steps {
                let start = DispatchTime.now().uptimeNanoseconds
                trainer.step()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            let median = times.sorted()[times.count / 2]
            results[String(name)] = median
            if !json {
                print("(\(name)) " + description.padding(toLength: 42, withPad: " ", startingAt: 0)
                    + String(format: "%8.1f ms/step", median))
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: results.merging(["threads": Double(threads)]) { a, _ in a }, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
