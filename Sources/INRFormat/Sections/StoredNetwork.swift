import INRCoding
import INRNetwork

/// NETW, ENCO and QUAN together: the network's shape, its encoding and its quantisation, which
/// every media kind stores alike after its HEAD (its integers follow in WGHT or GRPS).
public struct StoredNetwork: Hashable, Sendable {
    public var encoding: EncodingModel
    public var spec: NetworkSpec
    public var quantization: QuantizationSpec
    /// One step per quantisation group of `layout`.
    public var stepSizes: [Float16]

    public init(encoding: EncodingModel, spec: NetworkSpec, quantization: QuantizationSpec, stepSizes: [Float16]) {
        self.encoding = encoding
        self.spec = spec
        self.quantization = quantization
        self.stepSizes = stepSizes
    }

    /// ENCO, then NETW from the encoding's features (plus `extraInputWidth`) to `outputWidth`,
    /// then QUAN.
    public init(reading file: Container, extraInputWidth: Int = 0, outputWidth: Int) throws(BitstreamError) {
        encoding = try EncodingSection.read(file.payload(EncodingSection.tag))
        spec = try NetworkSection.read(
            file.payload(NetworkSection.tag), inputWidth: encoding.encoding.outputWidth + extraInputWidth, outputWidth: outputWidth)
        (quantization, stepSizes) = try QuantizationSection.read(
            file.payload(QuantizationSection.tag), layout: ParameterLayout(spec: spec, encodingShapes: encoding.encoding.parameterShapes))
    }

    /// Where the integers of WGHT (or of each video group) sit: the network's tensors, then
    /// the encoding's.
    public var layout: ParameterLayout { ParameterLayout(spec: spec, encodingShapes: encoding.encoding.parameterShapes) }

    /// Integers laid out as `layout` with this quantisation.
    public func parameters(_ symbols: [Int32]) -> QuantizedParameters {
        QuantizedParameters(
            spec: spec, encodingShapes: encoding.encoding.parameterShapes, quantization: quantization, symbols: symbols, stepSizes: stepSizes)
    }

    /// The three sections, in file order.
    public var sections: [Container.Section] {
        [
            Container.Section(NetworkSection.tag, NetworkSection.payload(spec)),
            Container.Section(EncodingSection.tag, EncodingSection.payload(encoding)),
            Container.Section(QuantizationSection.tag, QuantizationSection.payload(quantization, stepSizes: stepSizes)),
        ]
    }

    /// Their tags, in file order.
    public static let tags = [NetworkSection.tag, EncodingSection.tag, QuantizationSection.tag]

    /// `inr inspect`'s network, encoding and quantisation lines.
    public var summary: [String] {
        [
            "network    " + NetworkSection.summary(spec),
            "encoding   " + encoding.encoding.summary,
            "quantised  " + QuantizationSection.summary(quantization, stepCount: stepSizes.count),
        ]
    }
}
