import Foundation
import INRCoding
import INRNetwork

/// The most work a file may ask of the decoder, checked from its header (HEAD and NETW) before a
/// single weight is decoded, so that a tiny file declaring a huge network or clip is refused at
/// once instead of running for hours or filling memory. The encoder checks the same budget
/// before fitting, so it never writes a file the decoder would refuse.
///
/// Three measures (docs/reliability.md):
/// - **pixels** of an image's rendering: default 2²⁶ (8192 × 8192); `INR_DECODE_MAX_PIXELS`.
/// - **multiply-adds**: the network's multiply-adds per rendered sample (Σ fan-in × fan-out over
///   its layers) × the samples rendered (pixels of the rendering; patch positions × groups of a
///   clip). Default 2³⁸ ≈ 2.7·10¹¹, about ten seconds on two cores; `INR_DECODE_MAX_MULTIPLY_ADDS`.
/// - **samples**: decoded samples held in memory and written (width × height × channels; a
///   4:2:0 clip 1.5 per pixel × frames). Default 2²⁹ (1 GiB as 16-bit samples: 170 frames of
///   4:2:0 1080p); `INR_DECODE_MAX_SAMPLES`.
public struct DecodeBudget: Sendable, Equatable {
    public var pixels: Int
    public var multiplyAdds: Int
    public var samples: Int

    public static let pixelsVariable = "INR_DECODE_MAX_PIXELS"
    public static let multiplyAddsVariable = "INR_DECODE_MAX_MULTIPLY_ADDS"
    public static let samplesVariable = "INR_DECODE_MAX_SAMPLES"
    public static let standard = DecodeBudget(pixels: 1 << 26, multiplyAdds: 1 << 38, samples: 1 << 29)
    /// No limit: `inr inspect` reads headers of any size.
    public static let unlimited = DecodeBudget(pixels: .max, multiplyAdds: .max, samples: .max)

    public init(pixels: Int, multiplyAdds: Int, samples: Int) {
        self.pixels = pixels
        self.multiplyAdds = multiplyAdds
        self.samples = samples
    }

    /// The standard budget with the environment's overrides; a value that is not a positive
    /// whole number (digits, or a float such as 1e12) is an error naming the variable.
    public static func current(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DecodeBudget {
        var budget = standard
        if let text = environment[pixelsVariable] { budget.pixels = try parse(text, pixelsVariable) }
        if let text = environment[multiplyAddsVariable] { budget.multiplyAdds = try parse(text, multiplyAddsVariable) }
        if let text = environment[samplesVariable] { budget.samples = try parse(text, samplesVariable) }
        return budget
    }

    private static func parse(_ text: String, _ variable: String) throws -> Int {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 1, value < 9.2e18,
              value == value.rounded() else {
            throw BudgetVariableError(description: "\(variable)=\(text): expected a positive whole number such as 1e12")
        }
        return Int(value)
    }

    /// The multiply-adds of one sample through `spec`'s layers.
    public static func multiplyAddsPerSample(_ spec: NetworkSpec) -> Int {
        let widths = [spec.inputWidth] + spec.hiddenWidths + [spec.outputWidth]
        return zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Throws `.overBudget` naming the measure, its parts and the variable that raises it.
    /// `what` says what is decoded ("a 256×256 image"); `network` gives the per-sample cost.
    public func check(what: String, network spec: NetworkSpec, renderedSamples: Int, decodedSamples: Int) throws(BitstreamError) {
        let perSample = Self.multiplyAddsPerSample(spec)
        let (work, overflow) = perSample.multipliedReportingOverflow(by: renderedSamples)
        if overflow || work > multiplyAdds {
            throw .overBudget(
                "decoding \(what) takes \(Self.scientific(overflow ? Double(perSample) * Double(renderedSamples) : Double(work))) multiply-adds "
                    + "(\(perSample) per sample × \(renderedSamples) samples), above the decoder's limit of \(Self.scientific(Double(multiplyAdds))) "
                    + "(raise it with \(Self.multiplyAddsVariable))")
        }
        try checkSamples(decodedSamples, what: what)
    }

    /// Throws `.overBudget` when decoding `what` makes more samples than the budget.
    public func checkSamples(_ decodedSamples: Int, what: String) throws(BitstreamError) {
        guard decodedSamples <= samples else {
            throw .overBudget(
                "decoding \(what) makes \(decodedSamples) samples, above the decoder's limit of \(samples) "
                    + "(raise it with \(Self.samplesVariable))")
        }
    }

    /// Throws `.overBudget` for an image rendering of more pixels than the budget.
    public func checkImage(width: Int, height: Int, what: String = "image") throws(BitstreamError) {
        guard width * height <= pixels else {
            throw .overBudget(
                "a \(width)×\(height) \(what) has \(width * height) pixels, above the decoder's limit of \(pixels) "
                    + "(raise it with \(Self.pixelsVariable))")
        }
    }

    static func scientific(_ value: Double) -> String { String(format: "%.3g", value) }
}

/// A budget variable that does not hold a positive number.
public struct BudgetVariableError: Error, CustomStringConvertible {
    public let description: String
}
