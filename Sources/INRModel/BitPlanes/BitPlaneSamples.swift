import Foundation
import INRMedia
import INRNetwork

/// An image as bits to fit with binary cross-entropy: the bit-plane head of Han et al.,
/// "Towards Lossless Implicit Neural Representation via Bit Plane Decomposition" (CVPR 2025).
///
/// A D-bit sample is Σ 2^i·bit_i; the network predicts a logit per bit, and its hard decisions
/// rebuild the sample. The layouts and contexts (`BitPlaneHead`):
///
///     allOutputs            (x, y) ─► D × C logits          sample = pixel
///     bitInput, none        (x, y, b) ─► C logits           sample = plane-major from the MSB
///     bitInput, pixel       + the pixel's C values as the planes above b leave them
///     bitInput, neighbourhood + the same for its (2r+1)² neighbourhood (edges replicated)
///     bitInput, interlaced  (x, y, b, channel, phase, known values) ─► 1 logit
///                           sample = ((pixel · C) + channel) · D + (D−1−b)
///
/// b = 2i/(D−1) − 1, LSB at −1. A value known down to plane i is given as the middle of the
/// interval it allows, scaled to [−1, 1]. `forEachCodingStep` is the order a coder goes through the
/// samples so that every context is known when it is needed; `fill` reads only what is known
/// at that point, so a partly decoded image gives the same inputs as the whole one.
public struct BitPlaneSamples: SampleInputs {
    public typealias Layout = BitPlaneHead.Layout
    public typealias Context = BitPlaneHead.Context

    public let image: Image
    public let head: BitPlaneHead
    public let grid: PixelGrid
    private let interlace: Interlace?

    public init(image: Image, head: BitPlaneHead) {
        self.image = image
        self.head = head
        grid = PixelGrid(width: image.width, height: image.height)
        interlace = head.interlace
    }

    public var layout: Layout { head.layout }
    public var context: Context { head.context }
    public var bitDepth: Int { image.bitDepth }
    public var channels: Int { image.channels }
    public var pixelCount: Int { grid.count }
    public var count: Int { pixelCount * head.queriesPerPixel(channels: channels, bitDepth: bitDepth) }
    public var targetWidth: Int { head.outputWidth(channels: channels, bitDepth: bitDepth) }
    public var extraInputWidth: Int { head.extraInputWidth(channels: channels) }

    /// The samples of plane `i` (counted from the LSB) in the plane-major order: one per pixel.
    func samples(ofPlane plane: Int) -> Range<Int> {
        let first = (bitDepth - 1 - plane) * pixelCount
        return first..<(first + pixelCount)
    }

    /// The input coordinate of plane `i`: −1 for the LSB, 1 for the MSB.
    public func planeCoordinate(_ plane: Int) -> Float {
        bitDepth == 1 ? 0 : Float(2 * plane) / Float(bitDepth - 1) - 1
    }

    /// Which bit output `column` of `sample` predicts.
    @inline(__always)
    public func bit(sample: Int, column: Int) -> (pixel: Int, channel: Int, plane: Int) {
        switch (layout, context) {
        case (.allOutputs, _):
            return (sample, column % channels, bitDepth - 1 - column / channels)
        case (.bitInput, .interlaced):
            let planeIndex = sample % bitDepth, rest = sample / bitDepth
            return (rest / channels, rest % channels, bitDepth - 1 - planeIndex)
        case (.bitInput, _):
            let planeIndex = sample / pixelCount
            return (sample - planeIndex * pixelCount, column, bitDepth - 1 - planeIndex)
        }
    }

    /// Calls `body` with each step of the order a coder renders and codes the samples in: a
    /// step's samples are rendered together, after every earlier step's bits are known. Only
    /// one step's list exists at a time.
    public func forEachCodingStep<E: Error>(_ body: (_ step: [Int]) throws(E) -> Void) throws(E) {
        switch (layout, context) {
        case (.allOutputs, _):
            try body(Array(0..<pixelCount))
        case (.bitInput, .interlaced):
            let interlace = interlace!
            var phasePixels = [[Int32]](repeating: [], count: interlace.phaseCount)
            for pixel in 0..<pixelCount {
                let row = pixel / grid.width
                phasePixels[interlace.phase(row: row, column: pixel - row * grid.width)].append(Int32(pixel))
            }
            for pixels in phasePixels where !pixels.isEmpty {
                for channel in 0..<channels {
                    for planeIndex in 0..<bitDepth {
                        try body(pixels.map { (Int($0) * channels + channel) * bitDepth + planeIndex })
                    }
                }
            }
        case (.bitInput, _):
            for plane in stride(from: bitDepth - 1, through: 0, by: -1) { try body(Array(samples(ofPlane: plane))) }
        }
    }

    public func fill(
        sample: Int, coordinates point: UnsafeMutablePointer<Float>,
        extras: UnsafeMutablePointer<Float>?, targets: UnsafeMutablePointer<Float>?
    ) {
        let samples = image.samples
        switch (layout, context) {
        case (.allOutputs, _):
            grid.coordinates(ofPixel: sample, into: point)
            if let targets {
                for k in 0..<bitDepth {
                    let plane = bitDepth - 1 - k
                    for c in 0..<channels { targets[k * channels + c] = Float((samples[sample * channels + c] >> plane) & 1) }
                }
            }
        case (.bitInput, .interlaced):
            let (pixel, channel, plane) = bit(sample: sample, column: 0)
            grid.coordinates(ofPixel: pixel, into: point)
            if let extras { writeInterlacedInputs(pixel: pixel, channel: channel, plane: plane, into: extras) }
            targets?[0] = Float((samples[pixel * channels + channel] >> plane) & 1)
        case (.bitInput, _):
            let (pixel, _, plane) = bit(sample: sample, column: 0)
            grid.coordinates(ofPixel: pixel, into: point)
            if let extras {
                extras[0] = planeCoordinate(plane)
                writeContext(pixel: pixel, plane: plane, into: extras + 1)
            }
            if let targets {
                for c in 0..<channels { targets[c] = Float((samples[pixel * channels + c] >> plane) & 1) }
            }
        }
    }

    /// `value` known down to plane `lowest` (its bits below masked off), as the middle of the
    /// interval that leaves, in [−1, 1].
    @inline(__always)
    private func known(_ value: UInt16, downTo lowest: Int) -> Float {
        let masked = lowest >= 16 ? 0 : (Int(value) >> lowest) << lowest
        return (Float(masked) + Float(1 << lowest) / 2) * 2 / Float(1 << bitDepth) - 1
    }

    /// The `pixel` and `neighbourhood` contexts: what planes above `plane` say about the samples
    /// around `pixel`.
    @inline(__always)
    func writeContext(pixel: Int, plane: Int, into values: UnsafeMutablePointer<Float>) {
        guard context != .none else { return }
        let samples = image.samples
        let radius = context == .neighbourhood ? head.contextSize : 0
        let row = pixel / grid.width, column = pixel - row * grid.width
        var index = 0
        for dy in -radius...radius {
            let y = min(max(row + dy, 0), grid.height - 1)
            for dx in -radius...radius {
                let x = min(max(column + dx, 0), grid.width - 1)
                let base = (y * grid.width + x) * channels
                for c in 0..<channels {
                    values[index] = known(samples[base + c], downTo: plane + 1)
                    index += 1
                }
            }
        }
    }

    /// The `interlaced` inputs, most of them in units of the interval the bit splits, so one
    /// rule serves every plane (a bit is 1 when the value lies in the upper half):
    ///
    ///     plane, channel (coordinates), phase (one-hot), m (the interval's middle, in [−1, 1])
    ///     the pixel's channels k:        k < channel: (v_k − m)/w, others 0
    ///     per neighbour: k = channel:    (n_k − m)/w               w = 2^(plane+1), the
    ///                    k < channel:    (v_k − n_k)/w             interval's width
    ///                    k > channel:    0
    ///                    present:        1 (−1 outside the image or for phase 0, with 0s)
    ///
    /// v: the pixel's own (earlier channels, whole), n: the neighbour's (earlier phase, whole);
    /// differences are clamped to ±8.
    private func writeInterlacedInputs(pixel: Int, channel: Int, plane: Int, into values: UnsafeMutablePointer<Float>) {
        let interlace = interlace!, samples = image.samples
        let row = pixel / grid.width, column = pixel - row * grid.width
        let phase = interlace.phase(row: row, column: column)
        let own = pixel * channels
        let width = Float(1 << (plane + 1))
        let middle = Float((Int(samples[own + channel]) >> (plane + 1)) << (plane + 1)) + width / 2
        @inline(__always) func relative(_ difference: Float) -> Float { min(max(difference / width, -8), 8) }
        values[0] = planeCoordinate(plane)
        values[1] = channels == 1 ? 0 : Float(2 * channel) / Float(channels - 1) - 1
        var index = 2
        for p in 0..<interlace.phaseCount {
            values[index] = p == phase ? 1 : 0
            index += 1
        }
        values[index] = middle * 2 / Float(1 << bitDepth) - 1
        index += 1
        for k in 0..<channels {
            values[index + k] = k < channel ? relative(Float(samples[own + k]) - middle) : 0
        }
        index += channels
        for n in 0..<Interlace.neighbourCount {
            let offset = phase == 0 ? (row: grid.height, column: 0) : interlace.neighbourOffset(n, phase: phase)
            let y = row + offset.row, x = column + offset.column
            if y >= 0, y < grid.height, x >= 0, x < grid.width {
                let base = (y * grid.width + x) * channels
                for k in 0..<channels {
                    values[index + k] =
                        k == channel ? relative(Float(samples[base + k]) - middle)
                        : k < channel ? relative(Float(samples[own + k]) - Float(samples[base + k])) : 0
                }
                values[index + channels] = 1
            } else {
                for k in 0..<channels { values[index + k] = 0 }
                values[index + channels] = -1
            }
            index += channels + 1
        }
    }

    /// The image the hard decisions of `outputs` (`count × targetWidth` logits, in sample
    /// order) rebuild. With a context they are the decisions given the true context.
    public func reconstruction(_ outputs: [Float]) -> Image {
        var values = [UInt16](repeating: 0, count: pixelCount * channels)
        for sample in 0..<count {
            for column in 0..<targetWidth where outputs[sample * targetWidth + column] > 0 {
                let (pixel, channel, plane) = bit(sample: sample, column: column)
                values[pixel * channels + channel] |= 1 << plane
            }
        }
        return Image(width: image.width, height: image.height, channels: channels, bitDepth: bitDepth, samples: values)
    }
}
