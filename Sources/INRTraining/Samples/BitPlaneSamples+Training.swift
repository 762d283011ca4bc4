import Foundation
import INRModel

/// Bit planes as a training set: binary cross-entropy per bit, evaluated as a bit error rate
/// and the code length an arithmetic coder would spend with the predicted probabilities.
extension BitPlaneSamples: SampleSet {
    public var loss: any Loss { BinaryCrossEntropy() }
    public var peak: Float { 1 }

    /// Bit error rate and code length; exact when no hard decision is wrong.
    public func evaluation(_ sums: LossSums) -> Evaluation {
        // Mean code length per bit (loss in nats ÷ ln 2) times the bits of a pixel.
        let bitsPerPixel = sums.loss / log(2.0) / Double(max(sums.count, 1)) * Double(channels * bitDepth)
        return Evaluation(
            bitErrorRate: Double(sums.wrongBits) / Double(max(sums.count, 1)), codeBitsPerPixel: bitsPerPixel,
            score: -bitsPerPixel, isExact: sums.wrongBits == 0)
    }
}
