import INRModel

/// `head:` — what the network predicts: intensities (MSE) or bit planes (binary cross-entropy).
public struct HeadConfig: ConfigSection, Equatable {
    public enum Kind: String, ConfigChoice { case intensity, bitPlanes }

    public var type: Kind = .intensity
    /// Bit planes only: the plane index as an input coordinate (`bitInput`, Han et al.'s
    /// layout) or every bit of a pixel as an output of one query (`allOutputs`).
    public var layout: BitPlaneSamples.Layout = .bitInput
    /// Bit planes with `bitInput` only: what the network sees of the bits coded before
    /// (`none`, `pixel`, `neighbourhood`, `interlaced`; see `BitPlaneHead`).
    public var context: BitPlaneSamples.Context = .none
    /// r of the (2r+1)² neighbourhood context, or the interlace levels (spacing 2^levels).
    public var contextSize = 1

    public init() {}

    /// The bit-plane head, or nil for intensities.
    public var bitPlanes: BitPlaneHead? {
        type == .bitPlanes ? BitPlaneHead(layout: layout, context: context, contextSize: contextSize) : nil
    }

    public func validate() throws {
        guard (1...BitPlaneHead.maximumContextSize).contains(contextSize) else {
            throw ConfigValueError("contextSize", "must be between 1 and \(BitPlaneHead.maximumContextSize)")
        }
        if type == .bitPlanes && layout == .allOutputs && context != .none {
            throw ConfigValueError("context", "needs layout bitInput (with allOutputs every bit is predicted at once)")
        }
    }
}

extension BitPlaneSamples.Layout: ConfigChoice {}
extension BitPlaneSamples.Context: ConfigChoice {}
