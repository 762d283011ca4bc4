import INRCore

/// `L = 1/(N·C) Σ (y - t)²` over a batch of N samples with C channels; values in [0, 1].
public struct MeanSquaredError: Loss {
    public init() {}

    public func evaluate(
        prediction: MatrixView, target: MatrixView, gradientScale: Float,
        gradient: MatrixView, sampleLosses: UnsafeMutablePointer<Float>?, peak: Float
    ) -> LossSums {
        var sums = LossSums()
        let channels = prediction.columns
        let twiceScale = 2 * gradientScale
        for row in 0..<prediction.rows {
            let y = prediction.row(row), t = target.row(row), g = gradient.row(row)
            var rowLoss: Float = 0
            var rowQuantized: Float = 0
            for c in 0..<channels {
                let difference = y[c] - t[c]
                g[c] = twiceScale * difference
                rowLoss += difference * difference
                let error = roundedSampleError(prediction: y[c], target: t[c], peak: peak)
                rowQuantized += error * error
            }
            for c in channels..<gradient.stride { g[c] = 0 }
            sums.loss += Double(rowLoss)
            sums.quantizedSquaredError += Double(rowQuantized) / Double(peak * peak)
            sampleLosses?[row] = rowLoss / Float(channels)
        }
        sums.count = prediction.rows * channels
        return sums
    }
}
