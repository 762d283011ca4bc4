import Foundation
import INRCoding
import INRCore
import INRFormat
import INRLatent
import INRMedia
import INRNetwork
import INRTraining

/// The latent-grid image encoder (Cool-chic, Ladune et al. 2023; C3, Kim et al. 2024), fitted
/// per image on the CPU:
///
///     image ─► LatentTrainingPass steps on D + λ·R:
///                 1. `steps` with ŷ soft-rounded with noise (`SoftRounding`, annealed), Adam,
///                    cosine decay from `learningRate` (the latents' Γ times larger; the
///                    networks' gradient clipped to norm 0.1, their Adam with β = (0.95, 0.95))
///                 2. `finalSteps` with ŷ = round(y) frozen: only the networks train (clipped,
///                    the same Adam), from `finalLearningRate` with a cosine decay; the
///                    parameters with the lowest loss are kept
///           ─► latents rounded ─► learned upsampling taps, synthesis and entropy weights
///              quantised, each module's step 2^−e chosen by rate–distortion search
///           ─► LatentCoder ─► LatentImageFormat bytes
public struct LatentEncoder {
    public let settings: LatentEncoderSettings
    public let threads: Int
    public let budget: DecodeBudget
    /// The training's kernels (the CPU's best tier, or INR_ISA's).
    public let kernels: any KernelSet

    public init(settings: LatentEncoderSettings, threads: Int, budget: DecodeBudget = .standard) throws {
        try settings.validate()
        self.settings = settings
        self.threads = threads
        self.budget = budget
        kernels = try KernelSelection.preferred()
    }

    /// Where a fit stands, for progress lines.
    public struct Progress: Sendable {
        public var step: Int
        public var totalSteps: Int
        public var loss: Float
        /// PSNR of the step's (noisy or rounded) reconstruction, and the rate its model gives.
        public var psnr: Double
        public var bitsPerPixel: Float
        public var elapsed: Double
    }

    public struct Result: Sendable {
        public var bytes: [UInt8]
        public var file: LatentImageFormat.LatentImage
        public var steps: Int
        public var fitSeconds: Double
        /// Where the training ended: PSNR and rate estimate of its last step (of the kept step,
        /// when the final phase ran).
        public var trainedPSNR: Double
        public var trainedBitsPerPixel: Double
        /// Milliseconds per step by part: upsampling (and its adjoint), synthesis, entropy
        /// model, quantisation proxy, Adam.
        public var stepMilliseconds: [String: Double]
    }

    public func spec(for image: Image) -> LatentSpec {
        LatentSpec(
            width: image.width, height: image.height, channels: image.channels, gridCount: settings.gridCount,
            synthesisWidths: settings.synthesisWidths, entropyModel: settings.entropyModel, bandRows: settings.bandRows,
            residualConvolutions: settings.residualConvolutions, upsampling: settings.upsampling)
    }

    /// Refuses, before any work, an image this codec or the decoder's budget cannot take.
    public func checkDecodable(_ image: Image) throws {
        guard image.channels == 1 || image.channels == 3 else {
            throw LatentError("the latent codec takes gray or RGB images; this one has \(image.channels) channels (drop the alpha channel first)")
        }
        let spec = spec(for: image)
        try spec.validate()
        try LatentImageFormat.checkBudget(spec, threads: threads, budget: budget)
    }

    public func encode(_ image: Image, shouldStop: () -> Bool = { false }, progress: (Progress) -> Void = { _ in }) throws -> Result {
        try checkDecodable(image)
        let spec = spec(for: image)
        let pool = WorkerPool(threadCount: threads)
        // Planar targets in [0, 1].
        let normalized = image.normalizedSamples, pixels = spec.pixelCount, channels = spec.channels
        var targets = [Float](repeating: 0, count: normalized.count)
        for p in 0..<pixels { for c in 0..<channels { targets[c * pixels + p] = normalized[p * channels + c] } }
        let pass = LatentTrainingPass(spec: spec, targets: targets, pool: pool, kernels: kernels)

        var random = SeededGenerator(seed: settings.seed, stream: "latent")
        var latents = [Float](repeating: 0, count: spec.latentCount)
        var parameters = Self.initialParameters(spec: spec, random: &random)
        var latentOptimizer = Adam()
        var parameterOptimizer = Self.networkOptimizer, finalOptimizer = Self.networkOptimizer
        var schedule = CosineSchedule(minimum: 0)
        let start = Date()
        let total = settings.steps + settings.finalSteps
        var step = 0, last = Progress(step: 0, totalSteps: total, loss: 0, psnr: 0, bitsPerPixel: 0, elapsed: 0)
        var quantized = latents, slope = latents
        var proxySeconds = 0.0, optimizerSeconds = 0.0
        let noiseSeed = random.next()
        let gain = settings.gain
        // The final phase's best parameters by the exact loss (rounded latents).
        var best: (loss: Float, parameters: [Float], psnr: Double, bitsPerPixel: Float)?
        while step < total && !shouldStop() {
            if let limit = settings.timeLimit, Date().timeIntervalSince(start) >= limit { break }
            let final = step >= settings.steps
            var clock = Date()
            if final {
                if step == settings.steps { for i in 0..<latents.count { quantized[i] = latents[i].rounded() } }
            } else {
                let (temperature, noise) = SoftRounding.schedule(progress: Float(step) / Float(max(settings.steps - 1, 1)))
                SoftRounding.quantize(
                    latents, into: &quantized, slope: &slope, temperature: temperature, noise: noise, seed: noiseSeed, step: step, pool: pool,
                    kernels: kernels, softRounding: settings.softRounding)
            }
            proxySeconds += Date().timeIntervalSince(clock)
            var result = pass.step(quantized, parameters, lambda: settings.lambda, latentGradient: !final)
            clock = Date()
            Self.clip(&result.parameterGradient, norm: Self.networkGradientNorm)
            if final {
                // The latents stay rounded; the networks adapt to them (Cool-chic's last phase).
                if result.loss < best?.loss ?? .infinity {
                    best = (result.loss, parameters, Self.psnr(result.meanSquaredError), result.bitsPerPixel)
                }
                let rate = schedule.learningRate(step: step - settings.steps, totalSteps: settings.finalSteps, base: settings.finalLearningRate)
                finalOptimizer.update(&parameters, gradient: result.parameterGradient, learningRate: rate)
            } else {
                for i in 0..<latents.count { result.latentGradient[i] *= slope[i] }
                let rate = schedule.learningRate(step: step, totalSteps: settings.steps, base: settings.learningRate)
                latentOptimizer.update(&latents, gradient: result.latentGradient, learningRate: rate * gain)
                parameterOptimizer.update(&parameters, gradient: result.parameterGradient, learningRate: rate)
            }
            optimizerSeconds += Date().timeIntervalSince(clock)
            step += 1
            last = Progress(
                step: step, totalSteps: total, loss: result.loss, psnr: Self.psnr(result.meanSquaredError),
                bitsPerPixel: result.bitsPerPixel, elapsed: Date().timeIntervalSince(start))
            progress(last)
        }
        if let best { (parameters, last.psnr, last.bitsPerPixel) = (best.parameters, best.psnr, best.bitsPerPixel) }
        let fitSeconds = Date().timeIntervalSince(start)
        let limit = Float(LaplaceCoding.maximumMagnitude)
        let integers = latents.map { $0.isNaN ? 0 : Int32(min(max($0.rounded(), -limit), limit)) }
        let file = try quantize(spec: spec, latents: integers, parameters: parameters, pass: pass, pool: pool, bitDepth: image.bitDepth)
        let perStep = 1000 / Double(max(step, 1))
        let times = [
            "upsampling": pass.times.upsampling, "synthesis": pass.times.synthesis, "entropy": pass.times.entropy,
            "proxy": proxySeconds, "adam": optimizerSeconds,
        ].mapValues { $0 * perStep }
        return Result(
            bytes: LatentImageFormat.bytes(file), file: file, steps: step, fitSeconds: fitSeconds,
            trainedPSNR: last.psnr, trainedBitsPerPixel: Double(last.bitsPerPixel), stepMilliseconds: times)
    }

    /// The networks' optimiser: Adam with Cool-chic 4's short memories, β = (0.95, 0.95) (it
    /// uses them with SOAP; with Adam they cut the loss at 1,000 steps by about 4 % against
    /// (0.9, 0.999) on a kodim23 crop). The latents keep Adam's (0.9, 0.999).
    static var networkOptimizer: Adam { Adam(beta1: 0.95, beta2: 0.95) }

    /// The networks' gradient is scaled down to this Euclidean norm when larger (Cool-chic's
    /// clipping).
    static let networkGradientNorm: Float = 0.1

    /// The ARM's log-scale output bias at the start (Cool-chic's shift of −4).
    static let initialLogScale: Float = -4

    /// Scales `gradient` to `norm` when it is longer (the length summed in one fixed order).
    public static func clip(_ gradient: inout [Float], norm: Float) {
        var squares = 0.0
        for g in gradient { squares += Double(g) * Double(g) }
        let length = squares.squareRoot()
        guard length > Double(norm) else { return }
        let scale = Float(Double(norm) / length)
        for i in gradient.indices { gradient[i] *= scale }
    }

    static func psnr(_ meanSquaredError: Float) -> Double { -10 * log10(max(Double(meanSquaredError), 1e-12)) }

    /// PyTorch's default for the layers' weights (uniform ±1/√inputs), biases 0, the synthesis
    /// output's bias ½ (mid-grey); the convolutions 0 (identities); learned upsampling taps
    /// bicubic at every step; a factorised model's
    /// log-scales 0 (b = 1). The ARM starts as Cool-chic's does: its square hidden layers are
    /// identities (Cool-chic's residual layers, x + Wx with W = 0, are the plain layer I + W)
    /// and its log-scale output's bias is −4 (b = e⁻⁴: latents at 0 cost next to nothing, and
    /// the fit grows only those the distortion pays for).
    public static func initialParameters(spec: LatentSpec, random: inout SeededGenerator) -> [Float] {
        var parameters: [Float] = []
        func layers(_ layers: [(inputs: Int, outputs: Int)], outputBias: Float) {
            for (index, layer) in layers.enumerated() {
                let bound = 1 / Double(layer.inputs).squareRoot()
                parameters += (0..<(layer.inputs * layer.outputs)).map { _ in Float(random.nextUniform(-bound, bound)) }
                parameters += [Float](repeating: index == layers.count - 1 ? outputBias : 0, count: layer.outputs)
            }
        }
        layers(spec.synthesisLayers, outputBias: 0.5)
        parameters += [Float](repeating: 0, count: spec.synthesisParameterCount - spec.denseSynthesisParameterCount)
        parameters += UpsamplingPyramid.initialTaps(spec)
        if spec.entropyLayers.isEmpty {
            parameters += [Float](repeating: 0, count: spec.gridCount)
        } else {
            var offset = parameters.count
            layers(spec.entropyLayers, outputBias: 0)
            for layer in spec.entropyLayers.dropLast() {
                if layer.inputs == layer.outputs {
                    for j in 0..<layer.outputs { for i in 0..<layer.inputs { parameters[offset + j * layer.inputs + i] = i == j ? 1 : 0 } }
                }
                offset += (layer.inputs + 1) * layer.outputs
            }
            parameters[parameters.count - 1] = initialLogScale
        }
        return parameters
    }

    /// The file: each module's step chosen to minimise D + λ·R over the real bytes (the learned
    /// upsampling's by the rendered MSE, with the synthesis unquantised, and the taps' code
    /// length; then the synthesis's by the rendered MSE and its weights' code length; the
    /// entropy model's by its weights' and the latents' code length).
    func quantize(
        spec: LatentSpec, latents: [Int32], parameters: [Float], pass: LatentTrainingPass, pool: WorkerPool, bitDepth: Int
    ) throws -> LatentImageFormat.LatentImage {
        let entropyOffset = spec.synthesisParameterCount + spec.upsamplingParameterCount
        let synthesisWeights = Array(parameters[0..<spec.synthesisParameterCount])
        let taps = Array(parameters[spec.synthesisParameterCount..<entropyOffset])
        let entropyWeights = Array(parameters[entropyOffset...])
        guard parameters.allSatisfy(\.isFinite) else { throw LatentError("the fit diverged (a weight is not a number); try a lower training.learningRate") }
        let values = latents.map(Float.init), pixels = Double(spec.pixelCount), lambda = Double(settings.lambda)
        func codeBits(_ module: QuantizedModule) -> Double {
            var coder = RangeEncoder(), model = IntegerModel()
            for symbol in module.symbols { model.encode(symbol, into: &coder) }
            return Double(coder.finish().count * 8)
        }
        var upsampling: QuantizedModule?, best = Double.infinity
        if spec.upsampling == .learned {
            for exponent in 6...14 {
                let module = QuantizedModule(quantizing: taps, exponent: exponent)
                let cost = Double(pass.render(values, synthesis: synthesisWeights, taps: module.weights)) + lambda * codeBits(module) / pixels
                if cost < best { (best, upsampling) = (cost, module) }
            }
        }
        let quantizedTaps = upsampling?.weights ?? []
        var synthesis = QuantizedModule(quantizing: synthesisWeights, exponent: 8)
        best = .infinity
        for exponent in 4...14 {
            let module = QuantizedModule(quantizing: synthesisWeights, exponent: exponent)
            let mse = Double(pass.render(values, synthesis: module.weights, taps: quantizedTaps))
            let cost = mse + lambda * codeBits(module) / pixels
            if cost < best { (best, synthesis) = (cost, module) }
        }
        var entropy = QuantizedModule(quantizing: entropyWeights, exponent: 8), streams: [[UInt8]] = []
        best = .infinity
        for exponent in 5...12 {
            let module = QuantizedModule(quantizing: entropyWeights, exponent: exponent)
            let coded = LatentCoder.encode(latents, model: EntropyModel(spec: spec, parameters: module.weights), pool: pool)
            let cost = lambda * (codeBits(module) + Double(coded.reduce(0) { $0 + $1.count } * 8)) / pixels
            if cost < best { (best, entropy, streams) = (cost, module, coded) }
        }
        return LatentImageFormat.LatentImage(spec: spec, bitDepth: bitDepth, synthesis: synthesis, entropy: entropy, upsampling: upsampling, streams: streams)
    }
}

/// What the latent encoder does (the `latent:` section of a config, with `seed` and `training`).
public struct LatentEncoderSettings: Sendable, Equatable {
    public var gridCount = 7
    public var synthesisWidths = [16]
    /// 3×3 residual convolutions after the synthesis's per-pixel layers.
    public var residualConvolutions = 0
    /// The upsampling's filters: bicubic, or learned taps per step (trained from bicubic).
    public var upsampling: UpsamplingSpec = .bicubic
    public var entropyModel: EntropyModelSpec = .autoregressive(context: 16, width: 16, layers: 2)
    /// λ of D + λ·R (D the MSE of samples in [0, 1], R in bits per pixel): the rate knob.
    public var lambda: Float = 2e-3
    /// Γ: the latents learn Γ times faster than the networks (Cool-chic's encoder gain,
    /// ŷ = Q(Γ·y): with Adam the same as scaling the latents' learning rate).
    public var gain: Float = 16
    /// Rows per band: each band of a grid is coded on its own and decodes in parallel.
    public var bandRows = LatentSpec.defaultBandRows
    /// The main phase's proxy: soft-rounding with annealed noise (C3), or plain uniform noise.
    public var softRounding = true
    public var steps = 2000
    public var learningRate: Float = 1e-2
    public var finalSteps = 200
    public var finalLearningRate: Float = 1e-4
    public var seed: UInt64 = 0
    public var timeLimit: Double?

    public init() {}

    /// λ for `--quality Q` (0–100, higher is better): 0.002 · 2^((60 − Q)/13): about 0.049
    /// at Q 0, 0.0099 at Q 30, 0.002 at Q 60 and 0.00024 at Q 100. On Kodak the mean rate is about
    /// the one the MLP codec's quality targets, 0.05 · 2^(Q/20) bpp: a doubling of λ takes the
    /// rate down by a factor of about 1.56 (2^(13/20)), and λ 0.002 gives 0.40 bpp (the Kodak
    /// sweep of docs/latent.md). The same Q gives the same λ on every image; the rate follows
    /// the image.
    public static func lambda(quality: Double) -> Float {
        Float(0.002 * exp2((60 - quality) / 13))
    }

    public func validate() throws {
        guard lambda > 0, lambda.isFinite else { throw LatentError("λ must be positive") }
        guard steps >= 0, finalSteps >= 0, steps + finalSteps >= 1 else { throw LatentError("at least one step") }
        guard gain > 0, gain.isFinite else { throw LatentError("the latents' gain must be positive") }
        guard learningRate > 0, finalLearningRate > 0, learningRate.isFinite, finalLearningRate.isFinite else { throw LatentError("learning rates must be positive") }
    }
}
