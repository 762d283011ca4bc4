import INRFormat
import INRModel

/// `video:` — present in a video config (`Configs/video/`): how a clip is cut into groups of
/// frames and patches, and how the groups after the first are fitted (NIRVANA, Maiya et al.
/// 2023). Group 0 is fitted as an image is (`training:`, then `quantization.qatSteps`);
/// later groups start from the group before and fit quantisation-aware throughout.
public struct VideoConfig: ConfigSection, Equatable {
    public enum Initialization: String, ConfigChoice {
        /// Group k starts from group k-1's weights (NIRVANA's autoregressive initialisation).
        case previousGroup
        /// Every group starts from the seed's initialisation and is fitted as group 0 is.
        case scratch
    }

    /// G: frames per group (one network each).
    public var groupSize = 8
    /// P: side of a patch, even (chroma patches are P/2).
    public var patchSize = 2
    /// How groups after the first start.
    public var initialization: Initialization = .previousGroup
    /// Quantisation-aware steps of each group after the first (with `previousGroup`).
    public var laterGroupSteps = 300
    /// Their base learning rate (cosine decay to 0).
    public var laterGroupLearningRate: Float = 1e-4
    /// A group started from the previous one whose PSNR ends more than this many dB below the
    /// previous group's is fitted again from scratch (a scene change), and the better fit kept.
    /// Absent: never.
    public var refitBelow: Double? = nil
    /// K: cut the clip into closed segments every K groups (each segment's first group fitted
    /// from the seed); 0: no such cuts (`--segment k/N` still cuts at its parts).
    public var segmentGroups = 0
    /// Also cut before every frame whose luma differs from the previous frame's by more than
    /// this mean absolute difference (a fraction of the peak, 0–1). Absent: never.
    public var sceneCut: Double? = nil

    public init() {}

    public func validate() throws {
        guard (1...VideoPatches.maximumGroupSize).contains(groupSize) else {
            throw ConfigValueError("groupSize", "must be between 1 and \(VideoPatches.maximumGroupSize)")
        }
        guard VideoPatches.isValid(patchSize: patchSize, groupSize: groupSize) else {
            throw ConfigValueError("patchSize", "must be even and between 2 and \(VideoPatches.maximumPatchSize)")
        }
        guard (1...TrainingConfig.maximumSteps).contains(laterGroupSteps) else {
            throw ConfigValueError("laterGroupSteps", "must be between 1 and \(TrainingConfig.maximumSteps)")
        }
        guard laterGroupLearningRate > 0 else { throw ConfigValueError("laterGroupLearningRate", "must be positive") }
        if let refitBelow, !(refitBelow >= 0) { throw ConfigValueError("refitBelow", "must not be negative") }
        guard (0...VideoFormat.maximumFrames).contains(segmentGroups) else {
            throw ConfigValueError("segmentGroups", "must be between 0 (no cuts) and \(VideoFormat.maximumFrames)")
        }
        if let sceneCut, !(sceneCut > 0 && sceneCut <= 1) { throw ConfigValueError("sceneCut", "must be a fraction of the peak above 0 and at most 1") }
    }
}
