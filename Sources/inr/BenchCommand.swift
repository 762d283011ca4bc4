import ArgumentParser
import Foundation
import INRCodec
import INRFormat
import INRConfig
import INRCore
import INRMedia
import INRModel
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

    @Option(parsing: .unconditional, help: "Timed steps per case (1 to 100000).")
    var steps = 5

    @OptionGroup var threadOptions: ThreadOptions

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Flag(help: "Instead: GFLOP/s of the dense kernels of every tier, inr's own and OpenBLAS's, on one core.")
    var kernels = false

    @Flag(help: "Instead: encode the image with --codec-config (fit, fine-tune, code) and time decoding it (median of 7).")
    var codec = false

    @Option(help: "The MLP codec config for --codec (a latent config's compress and decode print their own times).")
    var codecConfig = "Configs/image/mlp.yaml"

    var threads: Int { threadOptions.threads }

    func validate() throws {
        guard (1...100_000).contains(steps) else { throw ValidationError("--steps \(steps): must be between 1 and 100000") }
        guard !cases.isEmpty, cases.allSatisfy({ "abc".contains($0) }) else { throw ValidationError("--cases \(cases): takes letters from 'abc' only") }
    }

    /// The benchmark networks as configs.
    static func config(_ name: Character) -> (description: String, config: CodecConfig) {
        var config = CodecConfig()
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
        if kernels { return benchmarkKernels() }
        if codec { return try benchmarkCodec() }
        let picture = try PNG.read(image)
        let kernels = try KernelSelection.preferred()
        var results: [String: Double] = [:]
        if !json {
            print("inr bench: \(image) \(picture.width)×\(picture.height), \(threads) thread(s), "
                + "\(kernels.instructionSet.rawValue) kernels, OpenBLAS core \(BLAS.coreName)")
        }
        for name in cases {
            let (description, config) = Self.config(name)
            let trainer = config.imageEncoderSettings.trainer(for: picture, kernels: kernels, threads: threads)
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

    /// Encode time of one image, and decode time of its file (bitstream to pixels, PNG writing
    /// left out), the figures issue 3 bounds at 120 s and 100 ms for a Kodak image.
    func benchmarkCodec() throws {
        let picture = try PNG.read(image)
        let config = try CodecConfig.load(codecConfig)
        guard config.latent == nil, config.video == nil else {
            throw CommandError("--codec times the MLP image codec; \(codecConfig) is a \(config.latent != nil ? "latent" : "video") config (inr compress and inr decode print their own times)")
        }
        let kernels = try KernelSelection.preferred()
        print("inr bench --codec: \(image) \(picture.width)×\(picture.height), \(codecConfig), \(threads) thread(s), \(kernels.instructionSet.rawValue) kernels")
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try ImageEncoder(settings: config.imageEncoderSettings, threads: threads, kernels: kernels).encode(picture)
        let encodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let decoder = try ImageDecoder(threads: threads)
        var times: [Double] = []
        var decoded: Image?
        for _ in 0..<7 {
            let start = DispatchTime.now().uptimeNanoseconds
            decoded = try decoder.decode(result.bytes)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let bpp = Double(result.bytes.count * 8) / Double(picture.pixelCount)
        print(String(format: "encode  %.1f s (fit %d steps %.1f s, fine-tune %d steps %.1f s)",
                     encodeSeconds, result.fitSteps, result.fitSeconds, result.fineTuningSteps, result.fineTuningSeconds))
        print(String(format: "decode  %.1f ms (median of 7; min %.1f, max %.1f)", times.sorted()[3], times.min()!, times.max()!))
        print(String(format: "result  %.4f bpp (%d bytes), PSNR %.2f dB", bpp, result.bytes.count, Metrics.psnr(picture, decoded!)))
    }

    /// Tile shapes the benchmark networks run: (rows, inputs, outputs).
    static let kernelShapes = [(256, 64, 64), (256, 28, 28), (80, 514, 256), (80, 256, 256)]

    /// One core, each tier the CPU runs, inr's products and OpenBLAS's: forward (fused ReLU
    /// epilogue) and weight-gradient GFLOP/s.
    func benchmarkKernels() {
        print("dense kernels, one core, OpenBLAS core \(BLAS.coreName): GFLOP/s forward / weight gradient")
        var header = "tier          products"
        for (rows, inputs, outputs) in Self.kernelShapes { header += "  " + "\(rows)×\(inputs)→\(outputs)".padding(toLength: 15, withPad: " ", startingAt: 0) }
        print(header)
        for tier in CPUFeatures.current.supportedInstructionSets {
            for products in KernelSelection.Products.allCases {
                let set = KernelSelection.make(tier, products: products)
                var line = tier.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) + products.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                for (rows, inputs, outputs) in Self.kernelShapes {
                    let (forward, gradient) = Self.measure(set, rows: rows, inputs: inputs, outputs: outputs)
                    line += "  " + String(format: "%6.1f / %-6.1f", forward, gradient)
                }
                print(line)
            }
        }
    }

    static func measure(_ kernels: any KernelSet, rows: Int, inputs: Int, outputs: Int) -> (forward: Double, gradient: Double) {
        let inPad = paddedWidth(inputs), outPad = paddedWidth(outputs)
        let x = AlignedBuffer(count: rows * inPad), w = AlignedBuffer(count: inputs * outPad), b = AlignedBuffer(count: outPad)
        let y = AlignedBuffer(count: rows * outPad), gw = AlignedBuffer(count: inputs * outPad)
        var generator = SeededGenerator(seed: 1)
        for i in 0..<x.count { x.base[i] = Float(generator.nextUniform(-1, 1)) }
        for i in 0..<w.count { w.base[i] = Float(generator.nextUniform(-0.1, 0.1)) }
        let input = x.matrix(rows: rows, columns: inputs, stride: inPad)
        let output = y.matrix(rows: rows, columns: outputs, stride: outPad)
        let flops = Double(2 * rows * inputs * outputs)
        let repetitions = max(10, Int(2e9 / flops))
        func seconds(_ body: () -> Void) -> Double {
            body()
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<repetitions { body() }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        let forward = seconds {
            kernels.denseForward(input: input, weights: w.base, bias: b.base, activation: .relu, output: output, derivative: nil)
        }
        let gradient = seconds {
            kernels.denseParameterGradient(input: input, outputGradient: output, weightGradient: gw.base, biasGradient: b.base)
        }
        return withExtendedLifetime((x, w, b, y, gw)) {
            (flops * Double(repetitions) / forward / 1e9, flops * Double(repetitions) / gradient / 1e9)
        }
    }
}
