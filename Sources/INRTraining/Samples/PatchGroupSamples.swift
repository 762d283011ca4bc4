import Foundation
import INRMedia
import INRModel
import INRNetwork

/// One group of a clip's frames as training data (`VideoPatches`): a sample per patch
/// position, whose targets are the patch's Y, U and V samples in each of the group's frames,
/// fitted with MSE.
public struct PatchGroupSamples: SampleSet {
    public let patches: VideoPatches
    /// The patch positions' coordinates.
    public let grid: PixelGrid
    public let bitDepth: Int
    /// `count × patches.outputWidth`, in [0, 1].
    public let targets: [Float]

    /// The samples of `frames` (1 to G frames of a YUV 4:2:0 clip of `patches`' size).
    public init(patches: VideoPatches, frames: ArraySlice<Video.Frame>, bitDepth: Int) {
        self.patches = patches
        grid = patches.grid
        self.bitDepth = bitDepth
        targets = patches.targets(of: frames, peak: (1 << bitDepth) - 1)
    }

    public var count: Int { patches.count }
    public var extraInputWidth: Int { 0 }
    public var targetWidth: Int { patches.outputWidth }
    public var loss: any Loss { MeanSquaredError() }
    public var peak: Float { Float((1 << bitDepth) - 1) }

    public func fill(
        sample: Int, coordinates point: UnsafeMutablePointer<Float>,
        extras: UnsafeMutablePointer<Float>?, targets target: UnsafeMutablePointer<Float>?
    ) {
        grid.coordinates(ofPixel: sample, into: point)
        if let target {
            let width = targetWidth
            targets.withUnsafeBufferPointer { target.update(from: $0.baseAddress! + sample * width, count: width) }
        }
    }

    /// PSNR of the rounded samples over every Y, U and V target (padding included).
    public func evaluation(_ sums: LossSums) -> Evaluation { .intensity(sums) }
}
