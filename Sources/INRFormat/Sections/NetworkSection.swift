import INRCoding
import INRNetwork

/// NETW: the MLP's hidden layers and activations (docs/bitstream.md). Its input width follows
/// from ENCO (and a lossless head's extra inputs), its output width from HEAD.
///
///     hidden layer count H (varint) · H widths (varint) · activation · output activation
///     (u8 each, `NetworkSpec.ActivationKind.formatCode`) · ω0 · first ω0 (f32)
public enum NetworkSection {
    public static let tag = "NETW"

    public static func payload(_ spec: NetworkSpec) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(varint: spec.hiddenWidths.count)
        for width in spec.hiddenWidths { writer.append(varint: width) }
        writer.append(byte: spec.activation.formatCode)
        writer.append(byte: spec.outputActivation.formatCode)
        writer.append(spec.omega0)
        writer.append(spec.firstOmega0)
        return writer.bytes
    }

    /// The spec between the given input and output widths, validated.
    public static func read(_ payload: ArraySlice<UInt8>, inputWidth: Int, outputWidth: Int) throws(BitstreamError) -> NetworkSpec {
        var reader = ByteReader(payload, context: tag)
        let depth = try reader.varint(in: 0...NetworkSpec.maximumLayers - 1, "hidden layer count")
        var hidden: [Int] = []
        for _ in 0..<depth { hidden.append(try reader.varint(in: 1...NetworkSpec.maximumWidth, "layer width")) }
        let activation = try readActivation(&reader), outputActivation = try readActivation(&reader)
        let omega0 = try reader.float("ω0"), firstOmega0 = try reader.float("first ω0")
        let spec = NetworkSpec(
            inputWidth: inputWidth, hiddenWidths: hidden, outputWidth: outputWidth,
            activation: activation, omega0: omega0, firstOmega0: firstOmega0, outputActivation: outputActivation)
        do {
            try spec.validate()
        } catch {
            throw .corrupt(tag, error.description)
        }
        return spec
    }

    static func readActivation(_ reader: inout ByteReader) throws(BitstreamError) -> NetworkSpec.ActivationKind {
        let code = try reader.byte()
        guard let kind = NetworkSpec.ActivationKind(formatCode: code) else { throw .corrupt(tag, "unknown activation \(code)") }
        return kind
    }

    /// `inr inspect`'s words: "2 → 32 → 32 → 3, sine (ω0 30.0, first 30.0), 1219 parameters".
    public static func summary(_ spec: NetworkSpec) -> String {
        "\(spec.inputWidth) → " + spec.hiddenWidths.map(String.init).joined(separator: " → ")
            + " → \(spec.outputWidth), \(spec.activation.rawValue)"
            + (spec.activation == .sine ? " (ω0 \(spec.omega0), first \(spec.firstOmega0))" : "")
            + ", \(spec.parameterCount) parameters"
    }
}
