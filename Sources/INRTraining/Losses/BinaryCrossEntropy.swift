import Foundation
import INRCore

/// Binary cross-entropy on logits: `L = 1/(N·C) Σ softplus(z) − t·z` for bits t ∈ {0, 1}
/// (Han et al., CVPR 2025, fit bit planes with it).
///
/// `softplus(z) − t·z = −log p(t)` with p(1) = σ(z), so the summed loss (in nats, ÷ ln 2 for
/// bits) is the length of the code an arithmetic coder driven by σ(z) spends on the bits.
/// ∂L/∂z = σ(z) − t. A bit counts as wrong when its hard decision (z > 0 means 1) differs.
public struct BinaryCrossEntropy: Loss {
    public init() {}

    public func evaluate(
        prediction: MatrixView, target: MatrixView, gradientScale: Float,
        gradient: MatrixView, sampleLosses: UnsafeMutablePointer<Float>?, peak: Float
    ) -> LossSums {
        var sums = LossSums()
        let channels = prediction.columns
        for row in 0..<prediction.rows {
            let z = prediction.row(row), t = target.row(row), g = gradient.row(row)
            var rowLoss: Float = 0
            for c in 0..<channels {
                let logit = z[c], bit = t[c]
                // softplus(z) = max(z, 0) + log(1 + e^−|z|) and σ(z) from the same e^−|z|:
                // stable for any z.
                let e = exp(-abs(logit))
                rowLoss += max(logit, 0) + log1p(e) - bit * logit
                let probability = logit >= 0 ? 1 / (1 + e) : e / (1 + e)
                g[c] = gradientScale * (probability - bit)
                if (logit > 0) != (bit > 0.5) { sums.wrongBits += 1 }
            }
            for c in channels..<gradient.stride { g[c] = 0 }
            sums.loss += Double(rowLoss)
            sampleLosses?[row] = rowLoss / Float(channels)
        }
        sums.count = prediction.rows * channels
        return sums
    }
}
