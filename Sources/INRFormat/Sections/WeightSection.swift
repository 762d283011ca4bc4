import INRCoding
import INRNetwork

/// WGHT: the quantised integers in `ParameterLayout` order (docs/bitstream.md); also each
/// group's code inside a video's GRPS.
///
///     method (u8) · 0: range code, one adaptive `IntegerModel` for all weights, one for all biases
///                      (and one for an encoding's values, a dense grid's, where there are any)
///                 · 1: each integer plus its level offset packed at its tensor's bit width
///                 · 2: as 0, of the differences from the previous group's integers (video only)
///
/// The writer codes every method it may use and keeps the smallest.
public enum WeightSection {
    public static let tag = "WGHT"

    /// The integers' code; with `previous` (a video group's predecessor) method 2 competes too.
    public static func payload(_ parameters: QuantizedParameters, previous: [Int32]? = nil) -> [UInt8] {
        let tensors = parameters.layout.tensors
        func adaptive(_ reference: [Int32]?) -> [UInt8] {
            var coder = RangeEncoder()
            var models = Models()
            for tensor in tensors {
                for i in tensor.range { models[tensor.kind].encode(parameters.symbols[i] - (reference?[i] ?? 0), into: &coder) }
            }
            return coder.finish()
        }
        var packed = RangeEncoder()
        for tensor in tensors {
            let level = parameters.quantization.maximumLevel(tensor.kind)
            let bits = parameters.quantization.bits(tensor.kind)
            for i in tensor.range { packed.encodeDirect(UInt32(parameters.symbols[i] + level), count: bits) }
        }
        var candidates = [[0] + adaptive(nil), [1] + packed.finish()]
        if let previous { candidates.append([2] + adaptive(previous)) }
        return candidates.min { $0.count < $1.count }!
    }

    /// `layout.count` integers, each within its tensor's levels; errors say `context` (the
    /// section, or the video group).
    public static func read(
        _ payload: ArraySlice<UInt8>, layout: ParameterLayout, quantization: QuantizationSpec, context: String = tag, previous: [Int32]? = nil
    ) throws(BitstreamError) -> [Int32] {
        var reader = ByteReader(payload, context: context)
        let method = try reader.byte()
        guard method <= 1 || (method == 2 && previous != nil) else { throw .corrupt(context, "unknown coding method \(method)") }
        let reference = method == 2 ? previous : nil
        var decoder = RangeDecoder(Array(try reader.bytes(reader.remaining)))
        guard decoder.startsWell else { throw .corrupt(context, "bad range code") }
        var symbols = [Int32](repeating: 0, count: layout.count)
        var models = Models()
        for tensor in layout.tensors {
            let limit = quantization.maximumLevel(tensor.kind)
            let bits = quantization.bits(tensor.kind)
            for i in tensor.range {
                let symbol: Int32
                if method == 1 {
                    symbol = Int32(decoder.decodeDirect(count: bits)) - limit
                } else {
                    let value = models[tensor.kind].decode(from: &decoder)
                    let (sum, overflow) = value.addingReportingOverflow(reference?[i] ?? 0)
                    guard !overflow else { throw .corrupt(context, "integer out of range") }
                    symbol = sum
                }
                guard abs(symbol) <= limit else { throw .corrupt(context, "integer \(symbol) beyond ±\(limit)") }
                symbols[i] = symbol
            }
            // A code that ran out is refused at the tensor it ran out in, not after them all.
            guard decoder.overrun <= 4 else { throw .truncated(context) }
        }
        guard decoder.overrun <= 4 else { throw .truncated(context) }
        return symbols
    }

    /// The integers tensor by tensor, with their bit widths (`inr inspect --symbols`).
    public static func tensors(_ parameters: QuantizedParameters) -> [SymbolTensor] {
        parameters.layout.tensors.map { tensor in
            SymbolTensor(layer: tensor.layer, kind: tensor.kind.rawValue,
                         bits: parameters.quantization.bits(tensor.kind), symbols: Array(parameters.symbols[tensor.range]))
        }
    }

    /// The adaptive models of methods 0 and 2: one per tensor kind.
    struct Models {
        var weights = IntegerModel(), biases = IntegerModel(), features = IntegerModel()

        subscript(kind: ParameterLayout.Tensor.Kind) -> IntegerModel {
            get {
                switch kind {
                case .weight: weights
                case .bias: biases
                case .feature: features
                }
            }
            set {
                switch kind {
                case .weight: weights = newValue
                case .bias: biases = newValue
                case .feature: features = newValue
                }
            }
        }
    }
}
