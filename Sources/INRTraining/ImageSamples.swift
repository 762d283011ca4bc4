import INRMedia
import INRNetwork

/// An image as training data: one (x, y) coordinate and one target vector per pixel.
///
/// Coordinates follow `PixelGrid` (pixel centres in [-1, 1]², edges at ±1); targets are the
/// samples divided by 2^bits - 1, so they lie in [0, 1].
public struct ImageSamples: Sendable {
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
    /// The largest sample value: targets are multiples of 1/peak.
    public var peak: Float { Float((1 << bitDepth) - 1) }
}
