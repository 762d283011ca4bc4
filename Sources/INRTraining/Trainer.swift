import Foundation
import INRCore
import INRModel
import INRNetwork

/// Fits a model to a sample set (an image's intensities or its bit planes): the engine of inr.
///
///     ┌─────────────────────────── step() ────────────────────────────┐
///     │ model.prepare ─► sampler ─► batch ─► model.lossSums(backward) │
///     │   (CoordinateNetwork: tiles ─► encode ─► MLP ─► loss ─► back, │
///     │    one gradient buffer per chunk, summed in chunk order)      │
///     │ + L1 penalty ─► optimizer (per-group rates) ─► parameters     │
///     │ model.observe ─► best evaluation so far ─► snapshot           │
///     └───────────────────────────────────────────────────────────────┘
///
/// Any `TrainableModel` trains; `Trainer` is the coordinate network's (encoding + MLP). The
/// model's passes are deterministic on any thread count, so a seed gives the same weights.
public final class ModelTrainer<Model: TrainableModel> {
    /// Weights and model state together: what the best evaluation was measured with.
    public struct Snapshot: Sendable {
        public var parameters: Parameters
        public var state: Model.State
        public var evaluation: Evaluation
        public var step: Int

        /// PSNR (dB) of the rounded reconstruction (−∞ for fits that do not measure it).
        public var psnr: Double { evaluation.psnr ?? -.infinity }
    }

    public let model: Model
    public var samples: any SampleSet { model.samples }
    public let settings: TrainingSettings
    public private(set) var parameters: Parameters
    public private(set) var completedSteps = 0
    public private(set) var best: Snapshot

    /// Whether an evaluation found every sample reproduced exactly.
    public var isExact: Bool { exactStep != nil }
    /// The updates the first exactly reproducing weights had had, and the fitting seconds
    /// until the step that found them ended.
    public private(set) var exactStep: Int?
    public private(set) var exactSeconds: Double?
    /// The step whose batch loss was not finite (NaN or infinite): the fit diverged there and
    /// `fit` stopped. Encoders refuse to code such a fit.
    public private(set) var divergedAtStep: Int?

    private var optimizer: any Optimizer
    private var schedule: any LearningRateSchedule
    private var sampler: any Sampler
    private var gradient: [Float]
    private var elapsed: Double = 0
    /// The step whose weights `evaluate()` last rendered.
    private var evaluatedAt: Int?

    /// A trainer of `model` from `parameters`, its optimiser, schedule and sampler made from
    /// `settings`.
    public init(model: Model, parameters: Parameters, settings: TrainingSettings) {
        precondition(model.groups.last?.range.upperBound == parameters.values.count, "parameters do not match the model")
        self.model = model
        self.settings = settings
        self.parameters = parameters
        optimizer = settings.optimizer
        schedule = settings.schedule
        sampler = settings.batch.sampler(sampleCount: model.samples.count, seed: settings.seed)
        gradient = Array(repeating: 0, count: parameters.values.count)
        best = Snapshot(parameters: parameters, state: model.state, evaluation: .none, step: 0)
    }

    /// What one step measured.
    public struct StepReport: Sendable {
        public var step: Int
        public var learningRate: Float
        /// The batch's mean loss before the update: MSE in [0, 1] units, or cross-entropy in
        /// nats per bit.
        public var loss: Double
        /// The whole-set evaluation, when this step measured one.
        public var evaluation: Evaluation?
        public var best: Evaluation
        public var elapsed: Double

        /// PSNR of the rounded reconstruction of the whole image, when this step measured it.
        public var psnr: Double? { evaluation?.psnr }
        public var bestPSNR: Double { best.psnr ?? -.infinity }
    }

    /// Runs steps until `settings.steps`, the time limit, `shouldStop()` or (with
    /// `stopWhenExact`) an exact fit; then evaluates the final weights too, so `best` holds the
    /// best weights seen.
    public func fit(shouldStop: () -> Bool = { false }, progress: (StepReport) -> Void = { _ in }) {
        while completedSteps < settings.steps && !shouldStop() && !(settings.stopWhenExact && isExact) && divergedAtStep == nil {
            if let limit = settings.timeLimit, elapsed >= limit { break }
            progress(self.step())
        }
        guard evaluatedAt != completedSteps else { return }
        let start = Date()
        evaluate()
        addElapsed(since: start)
    }

    /// One training step: forward, loss, backward and update on one batch.
    @discardableResult
    public func step() -> StepReport {
        let start = Date()
        model.prepare(step: completedSteps, totalSteps: settings.steps)
        let batch = sampler.nextBatch()
        let learningRate = schedule.learningRate(step: completedSteps, totalSteps: settings.steps, base: settings.learningRate)
        let sums = model.lossSums(over: batch, parameters: effective(parameters), gradient: &gradient, backward: true)
        var evaluation: Evaluation?
        if batch.isFull {
            evaluation = samples.evaluation(sums)
            keep(evaluation!)
        }
        addWeightPenalty()
        settings.weightTransform?.addRegularizerGradient(parameters, to: &gradient)
        optimizer.update(&parameters.values, gradient: gradient, learningRate: learningRate, groups: model.groups)
        let batchLoss = sums.loss / Double(sums.count)
        if !batchLoss.isFinite && divergedAtStep == nil { divergedAtStep = completedSteps + 1 }
        schedule.observe(loss: batchLoss)
        model.observe(batch)
        completedSteps += 1
        if !batch.isFull && (completedSteps % settings.evaluationInterval == 0) { evaluation = evaluate() }
        addElapsed(since: start)
        return StepReport(step: completedSteps, learningRate: learningRate, loss: batchLoss, evaluation: evaluation, best: best.evaluation, elapsed: elapsed)
    }

    /// Evaluates the current weights on every sample and keeps them if they are the best.
    @discardableResult
    public func evaluate() -> Evaluation {
        let evaluation = samples.evaluation(
            model.lossSums(over: .all(count: samples.count), parameters: effective(parameters), gradient: &gradient, backward: false))
        evaluatedAt = completedSteps
        keep(evaluation)
        return evaluation
    }

    /// Counts fitting time; the first exact evaluation's time is the time at the end of the
    /// step (or final evaluation) that found it.
    private func addElapsed(since start: Date) {
        elapsed += Date().timeIntervalSince(start)
        if exactStep != nil && exactSeconds == nil { exactSeconds = elapsed }
    }

    /// Keeps the weights if they are the best so far: exact ones before inexact ones, then the
    /// highest score.
    private func keep(_ evaluation: Evaluation) {
        if evaluation.isExact && exactStep == nil { exactStep = completedSteps }
        let better =
            evaluation.isExact != best.evaluation.isExact ? evaluation.isExact : evaluation.score > best.evaluation.score
        if better {
            best = Snapshot(parameters: parameters, state: model.state, evaluation: evaluation, step: completedSteps)
        }
    }

    /// The best snapshot's outputs for every sample, `count × targetWidth` (for images: values
    /// in [0, 1]; for bit planes: logits).
    public func renderBest() -> [Float] {
        model.render(effective(best.parameters), state: best.state)
    }

    /// The weights the network computes with.
    private func effective(_ parameters: Parameters) -> Parameters {
        settings.weightTransform?.transform(parameters) ?? parameters
    }

    public var elapsedSeconds: Double { elapsed }

    private func addWeightPenalty() {
        let lambda = settings.l1WeightPenalty
        guard lambda != 0 else { return }
        for tensor in parameters.layout.tensors where tensor.kind == .weight {
            for i in tensor.range {
                let w = parameters.values[i]
                gradient[i] += w > 0 ? lambda : w < 0 ? -lambda : 0
            }
        }
    }
}

/// The trainer of the coordinate network (encoding + MLP): what every codec fits.
public typealias Trainer = ModelTrainer<CoordinateNetwork>

extension ModelTrainer where Model == CoordinateNetwork {
    /// A trainer of `parameters` (with `encoding`) on `samples`: the one way a fit is set up.
    /// `parameters` hold the encoding's values after the network's where it has some.
    public convenience init(
        samples: any SampleSet, spec: NetworkSpec, encoding: EncodingModel, parameters: Parameters,
        settings: TrainingSettings, kernels: any KernelSet, threads: Int
    ) {
        let model = CoordinateNetwork(
            samples: samples, spec: spec, encoding: encoding, adaptsEncoding: settings.adaptEncoding, kernels: kernels, threads: threads)
        self.init(model: model, parameters: parameters, settings: settings)
    }

    /// The encoding as it is now.
    public var encoding: EncodingModel { model.encoding }
}

extension ModelTrainer.Snapshot where Model == CoordinateNetwork {
    /// The encoding state the snapshot's weights were measured with.
    public var encoding: EncodingModel { state }
}
