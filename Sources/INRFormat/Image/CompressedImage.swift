import INRModel
import INRNetwork

/// What an image file holds: everything a decoder needs, nothing it does not.
public struct CompressedImage: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var bitDepth: Int
    public var encoding: EncodingModel
    public var parameters: QuantizedParameters
    /// A lossless file's coded bits; nil for a lossy file (the network's output is the image).
    public var lossless: LosslessCode?

    public init(
        width: Int, height: Int, channels: Int, bitDepth: Int, encoding: EncodingModel, parameters: QuantizedParameters,
        lossless: LosslessCode? = nil
    ) {
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.encoding = encoding
        self.parameters = parameters
        self.lossless = lossless
    }

    /// The network's sections (NETW, ENCO, QUAN) as stored.
    public var network: StoredNetwork {
        StoredNetwork(encoding: encoding, spec: parameters.spec, quantization: parameters.quantization, stepSizes: parameters.stepSizes)
    }
}

/// The lossless part of a file: how the network's outputs are read, and every bit of the
/// image range-coded with their probabilities (`BitPlaneCoder`).
public struct LosslessCode: Hashable, Sendable {
    public var head: BitPlaneHead
    /// CRC-32 of the samples (`Image.sampleBytes`); decoding checks it.
    public var checksum: UInt32
    public var bits: [UInt8]

    public init(head: BitPlaneHead, checksum: UInt32, bits: [UInt8]) {
        self.head = head
        self.checksum = checksum
        self.bits = bits
    }
}
