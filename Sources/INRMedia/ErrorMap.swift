/// Where a reconstruction differs from its original, as a picture (`inr eval report`'s error
/// maps): each pixel's mean absolute error over its channels, in units of the largest sample,
/// times `gain`, through a black → red → yellow → white ramp. An exact pixel is black; with
/// the default gain an error of 1/12 of the range (21 of 255) is already white.
public enum ErrorMap {
    public static let defaultGain = 12.0

    /// The 8-bit RGB map of `reconstruction` against `original` (same shape).
    public static func image(original: Image, reconstruction: Image, gain: Double = defaultGain) -> Image {
        precondition(original.width == reconstruction.width && original.height == reconstruction.height
            && original.channels == reconstruction.channels, "an error map compares images of one shape")
        let channels = original.channels, scale = gain / Double(original.maximumValue) / Double(channels)
        var samples = [UInt16](repeating: 0, count: original.pixelCount * 3)
        for pixel in 0..<original.pixelCount {
            var total = 0
            for channel in 0..<channels {
                let index = pixel * channels + channel
                total += abs(Int(original.samples[index]) - Int(reconstruction.samples[index]))
            }
            let t = min(1, Double(total) * scale)
            samples[pixel * 3] = ramp(3 * t)
            samples[pixel * 3 + 1] = ramp(3 * t - 1)
            samples[pixel * 3 + 2] = ramp(3 * t - 2)
        }
        return Image(width: original.width, height: original.height, channels: 3, bitDepth: 8, samples: samples)
    }

    private static func ramp(_ value: Double) -> UInt16 {
        UInt16((min(1, max(0, value)) * 255).rounded())
    }
}
