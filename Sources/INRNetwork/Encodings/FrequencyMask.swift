/// How many of SAPE's frequency blocks are open at a point: one value in [0, 1] per block
/// (a block is one frequency's sine and cosine features).
///
/// Implementations: `SpatialFrequencyMask` (SAPE's spatially adaptive controller) and
/// `GlobalFrequencyMask` (its non-spatial progressive schedule).
public protocol FrequencyMask: Sendable, Codable, Hashable {
    var blockCount: Int { get }

    /// Writes `blockCount` mask values at `point` (image coordinates in [-1, 1]²).
    func values(at point: UnsafePointer<Float>, into mask: UnsafeMutablePointer<Float>)

    /// Writes ∂mask/∂point, `blockCount` values per coordinate (zero where the mask is flat).
    func gradients(at point: UnsafePointer<Float>, into gradients: UnsafeMutablePointer<Float>)

    mutating func prepare(step: Int, totalSteps: Int)
    mutating func observe(coordinates: UnsafePointer<Float>, losses: UnsafePointer<Float>, count: Int)
}
