import Foundation
import INRMedia
import INRModel
import INRNetwork

/// An image as training data for intensities: one (x, y) coordinate and one target vector per
/// pixel, fitted with MSE.
///
/// Coordinates follow `PixelGrid` (pixel centres in [-1, 1]², edges at ±1); targets are the
/// samples divided by 2^bits - 1, so they lie in [0, 1].
public struct ImageSamples: SampleSet {
    public let grid: PixelGrid
    public let channels: Int
    public let bitDepth: Int
    /// `count × 2`.
    public let coordinates: [Float]
    /// `count × channels`.
    public let targets: [Float]

    public init(image: Image) {
        let grid = PixelGrid(width: image.width, height: image.height)
        self.grid = grid
        channels = image.channels
        bitDepth = image.bitDepth
        var coordinates = [Float](repeating: 0, count: 2 * grid.count)
        coordinates.withUnsafeMutableBufferPointer { points in
            for pixel in 0..<grid.count { grid.coordinates(ofPixel: pixel, into: points.baseAddress! + 2 * pixel) }
        }
        self.coordinates = coordinates
        targets = image.normalizedSamples
    }

    public var count: Int { grid.count }
    public var extraInputWidth: Int { 0 }
    public var targetWidth: Int { channels }
    public var loss: any Loss { MeanSquaredError() }
    /// The largest sample value: targets are multiples of 1/peak.
    public var peak: Float { Float((1 << bitDepth) - 1) }

    public func fill(
        sample: Int, coordinates point: UnsafeMutablePointer<Float>,
        extras: UnsafeMutablePointer<Float>?, targets target: UnsafeMutablePointer<Float>?
    ) {
        point[0] = coordinates[2 * sample]
        point[1] = coordinates[2 * sample + 1]
        if let target {
            for c in 0..<channels { target[c] = targets[sample * channels + c] }
        }
    }

    /// PSNR of the rounded samples against the image; exact when every sample matches.
    public func evaluation(_ sums: LossSums) -> Evaluation { .intensity(sums) }
}
