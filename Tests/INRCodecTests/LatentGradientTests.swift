import INRCodec
import INRCore
import INRLatent
import INRNetwork
import XCTest

/// The gradient contract of the latent model's training pass: every layer's analytic gradient
/// (grids through the upsampling, synthesis, ARM context and weights, factorised log-scales,
/// the Laplace rate) against central finite differences of the loss.
final class LatentGradientTests: XCTestCase {
    func check(
        _ model: EntropyModelSpec, bandRows: Int = 64, convolutions: Int = 0, channels: Int = 3, width: Int = 13, height: Int = 9,
        upsampling: UpsamplingSpec = .bicubic, frozenLatents: Bool = false, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let spec = LatentSpec(
            width: width, height: height, channels: channels, gridCount: 3, synthesisWidths: [6], entropyModel: model, bandRows: bandRows,
            residualConvolutions: convolutions, upsampling: upsampling)
        var random = SeededGenerator(seed: 7)
        let targets = (0..<(spec.pixelCount * channels)).map { _ in Float(random.nextUnit()) }
        let pool = WorkerPool(threadCount: 2)
        let pass = LatentTrainingPass(spec: spec, targets: targets, pool: pool, kernels: PortableKernels())
        let latents = (0..<spec.latentCount).map { _ in Float(random.nextUniform(-3, 3)) }
        var parameters = LatentEncoder.initialParameters(spec: spec, random: &random)
        // Scales near 1 (the ARM's log-scale bias at 0, not the fit's −4): away from the
        // probability floor, whose kinks finite differences cannot follow.
        if !spec.entropyLayers.isEmpty { parameters[parameters.count - 1] = 0 }
        parameters = parameters.map { $0 + Float(random.nextUniform(-0.2, 0.2)) }
        let lambda: Float = 0.05
        let result = pass.step(latents, parameters, lambda: lambda, latentGradient: !frozenLatents)
        func loss(_ l: [Float], _ p: [Float]) -> Double { Double(pass.step(l, p, lambda: lambda, latentGradient: !frozenLatents).loss) }
        var failures = 0, checked = 0
        func compare(_ analytic: Float, _ numeric: Double, _ what: String) {
            checked += 1
            let error = abs(Double(analytic) - numeric) / max(abs(numeric), abs(Double(analytic)), 1e-3)
            if error > 0.05 { failures += 1; print("\(what): analytic \(analytic), numeric \(numeric)") }
        }
        let epsilon: Float = 2e-3
        XCTAssertEqual(result.latentGradient.count, frozenLatents ? 0 : latents.count, file: file, line: line)
        for i in stride(from: 0, to: frozenLatents ? 0 : latents.count, by: 7) {
            var plus = latents, minus = latents
            plus[i] += epsilon; minus[i] -= epsilon
            compare(result.latentGradient[i], (loss(plus, parameters) - loss(minus, parameters)) / Double(2 * epsilon), "latent \(i)")
        }
        // Every third parameter, and every learned tap.
        let taps = spec.synthesisParameterCount..<(spec.synthesisParameterCount + spec.upsamplingParameterCount)
        for i in Set(stride(from: 0, to: parameters.count, by: 3)).union(taps).sorted() {
            var plus = parameters, minus = parameters
            plus[i] += epsilon; minus[i] -= epsilon
            compare(result.parameterGradient[i], (loss(latents, plus) - loss(latents, minus)) / Double(2 * epsilon), "parameter \(i)")
        }
        // Kinks (ReLU, the probability floor) may spoil a few differences; not more.
        XCTAssertLessThanOrEqual(failures, checked / 20, "\(failures) of \(checked) gradients disagree", file: file, line: line)
    }

    func testFactorisedModelGradients() throws { try check(.factorized) }

    /// Two 3×3 residual convolutions (ReLU between) after the per-pixel layers, RGB and gray:
    /// their weights, biases and inputs, edges replicated (one-pixel-wide and -high images too).
    func testConvolutionGradients() throws {
        try check(.autoregressive(context: 8, width: 5, layers: 1), convolutions: 2)
        try check(.factorized, convolutions: 1, channels: 1)
        try check(.factorized, convolutions: 2, width: 1, height: 6)
        try check(.factorized, convolutions: 2, width: 7, height: 1)
    }

    /// Learned upsampling: every step's four taps (the grids of 13 × 9, 7 × 5 and 4 × 3 crop
    /// odd outputs), with the latents trained and frozen (the final phase still trains the taps).
    func testLearnedUpsamplingGradients() throws {
        try check(.autoregressive(context: 8, width: 5, layers: 1), upsampling: .learned)
        try check(.factorized, channels: 1, upsampling: .learned, frozenLatents: true)
        try check(.factorized, convolutions: 1, width: 6, height: 11, upsampling: .learned)
    }

    func testAutoregressiveModelGradients() throws { try check(.autoregressive(context: 8, width: 5, layers: 2)) }

    /// Bands of 4 rows: the context (and its gradient) stops at each band's top.
    func testAutoregressiveModelGradientsInBands() throws { try check(.autoregressive(context: 16, width: 5, layers: 1), bandRows: 4) }
}
