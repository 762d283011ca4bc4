import INRNetwork

/// An encoding the `.inr` bitstream cannot store yet: one with trainable parameters
/// (`encoding: {type: grid}`), whose values the format has no section for.
public struct UnsupportedEncodingError: Error, CustomStringConvertible {
    public let encoding: EncodingModel

    /// Throws for an encoding with parameters.
    static func check(_ encoding: EncodingModel) throws {
        guard encoding.encoding.parameterCount == 0 else { throw UnsupportedEncodingError(encoding: encoding) }
    }

    public var description: String {
        "encoding type '\(encoding.typeName)' has trainable parameters, which the .inr bitstream cannot store yet: "
            + "fit it with `inr fit` (its checkpoint, .inrmodel, keeps them)"
    }
}
