import INRFormat
import INRNetwork
import INRTraining

/// A fit that diverged: a non-finite loss, weight or quantisation step. Nothing is coded from
/// it (a file with an infinite step size would not decode); the message says where and what to
/// change.
public struct FitDivergence: Error, CustomStringConvertible {
    public let description: String

    /// The `phase` ("fit") stopped at `step` on a non-finite loss.
    init(phase: String, step: Int, learningRate: Float? = nil) {
        description = "the \(phase) diverged at step \(step) (the loss is not finite): lower training.learningRate"
            + (learningRate.map { " (now \($0))" } ?? "") + "; nothing was written"
    }

    init(description: String) { self.description = description }

    /// Throws when `trainer` stopped on a non-finite loss.
    static func check<Model>(_ trainer: ModelTrainer<Model>, phase: String) throws {
        guard let step = trainer.divergedAtStep else { return }
        throw FitDivergence(phase: phase, step: step, learningRate: trainer.settings.learningRate)
    }

    /// Throws when the weights to quantise or their step sizes are not all finite.
    static func check(parameters: Parameters, stepSizes: [Float16]) throws {
        if let index = parameters.values.firstIndex(where: { !$0.isFinite }) {
            throw FitDivergence(description: "the fit diverged: weight \(index) is \(parameters.values[index]); "
                + "lower training.learningRate; nothing was written")
        }
        if let step = stepSizes.first(where: { !$0.isFinite || $0 <= 0 }) {
            throw FitDivergence(description: "the fit diverged: a quantisation step size is \(step); "
                + "lower training.learningRate; nothing was written")
        }
    }
}
