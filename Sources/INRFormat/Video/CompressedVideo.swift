import INRMedia
import INRNetwork
import INRModel

/// What a video file holds: the clip's shape, one network shape for every group of frames,
/// and each group's quantised weights (all groups share group 0's step sizes, so consecutive
/// groups' integers can be coded as differences).
public struct CompressedVideo: Hashable, Sendable {
    public var width: Int
    public var height: Int
    /// 8 to 16 (YUV 4:2:0 samples).
    public var bitDepth: Int
    public var frameCount: Int
    public var frameRate: Video.FrameRate
    public var patches: VideoPatches
    public var encoding: EncodingModel
    public var spec: NetworkSpec
    public var quantization: QuantizationSpec
    /// One step per quantisation group (the network's, then the encoding's tensors), shared by all
    /// frame groups.
    public var stepSizes: [Float16]
    /// Each frame group's integers, in `ParameterLayout` order.
    public var groups: [[Int32]]

    public init(
        width: Int, height: Int, bitDepth: Int, frameCount: Int, frameRate: Video.FrameRate, patches: VideoPatches,
        encoding: EncodingModel, spec: NetworkSpec, quantization: QuantizationSpec, stepSizes: [Float16], groups: [[Int32]]
    ) {
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.frameCount = frameCount
        self.frameRate = frameRate
        self.patches = patches
        self.encoding = encoding
        self.spec = spec
        self.quantization = quantization
        self.stepSizes = stepSizes
        self.groups = groups
    }

    /// The network's sections (NETW, ENCO, QUAN) as stored.
    public var network: StoredNetwork {
        StoredNetwork(encoding: encoding, spec: spec, quantization: quantization, stepSizes: stepSizes)
    }

    /// Group `index`'s weights as integers with their steps.
    public func parameters(group index: Int) -> QuantizedParameters {
        QuantizedParameters(
            spec: spec, encodingShapes: encoding.encoding.parameterShapes, quantization: quantization, symbols: groups[index], stepSizes: stepSizes)
    }
}
