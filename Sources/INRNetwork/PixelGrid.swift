/// The coordinates of an image's pixels.
///
/// Pixel centres map to [-1, 1] on each axis independently, pixel edges at ±1:
///
///     x = (2·column + 1) / width  - 1        y = (2·row + 1) / height - 1
///
/// so a W×H image covers the square [-1, 1]² whatever its aspect ratio, and rendering at
/// another resolution samples the same continuous function (`render(width:height:)` with any
/// size). COIN divided both axes by H-1 instead, which stretches non-square images and would
/// tie a decoder to the training size. Coordinates are (x, y) = (column, row).
public struct PixelGrid: Hashable, Sendable {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "a pixel grid needs a positive size")
        self.width = width
        self.height = height
    }

    public var count: Int { width * height }

    /// Writes the (x, y) coordinates of pixel `index` (row-major).
    @inline(__always)
    public func coordinates(ofPixel index: Int, into point: UnsafeMutablePointer<Float>) {
        let row = index / width, column = index - row * width
        point[0] = Float(2 * column + 1) / Float(width) - 1
        point[1] = Float(2 * row + 1) / Float(height) - 1
    }
}
