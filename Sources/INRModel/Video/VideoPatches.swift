import INRMedia
import INRNetwork

/// How NIRVANA-style group networks see a YUV 4:2:0 clip: frames cut into P×P patches, and one
/// sample per patch position whose targets are that patch in every frame of a group of G.
///
///     frame (W×H) ──► patch grid of ⌈W/P⌉ × ⌈H/P⌉ positions, edges repeated to fill it
///     sample (column, row) = patch centre, as `PixelGrid(width: columns, height: rows)`
///     targets = [ Y P×P | U P/2×P/2 | V P/2×P/2 ] for frame 0, then frame 1, … frame G-1
///
/// Maiya et al., "NIRVANA: Neural Implicit Representations of Videos with Adaptive Networks
/// and Autoregressive Patch-wise Modeling", CVPR 2023: the network maps a patch coordinate to
/// the patch's pixels over the group's frames. A last group with fewer than G frames repeats
/// its last frame; the decoder drops the repeats.
public struct VideoPatches: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// P: even, so chroma patches are P/2.
    public let patchSize: Int
    /// G: frames per group.
    public let groupSize: Int

    public static let maximumPatchSize = 64
    public static let maximumGroupSize = 64

    public init(width: Int, height: Int, patchSize: Int, groupSize: Int) {
        precondition(width > 0 && height > 0, "a clip has a size")
        precondition(Self.isValid(patchSize: patchSize, groupSize: groupSize), "implausible patch or group size")
        self.width = width
        self.height = height
        self.patchSize = patchSize
        self.groupSize = groupSize
    }

    public static func isValid(patchSize: Int, groupSize: Int) -> Bool {
        (2...maximumPatchSize).contains(patchSize) && patchSize % 2 == 0 && (1...maximumGroupSize).contains(groupSize)
    }

    public var columns: Int { (width + patchSize - 1) / patchSize }
    public var rows: Int { (height + patchSize - 1) / patchSize }
    /// Samples per group: patch positions.
    public var count: Int { columns * rows }
    /// The patch coordinates, as pixel centres of a `columns × rows` image.
    public var grid: PixelGrid { PixelGrid(width: columns, height: rows) }
    /// Values per frame of one patch: P² luma and 2·(P/2)² chroma.
    public var valuesPerFrame: Int { Self.outputWidth(patchSize: patchSize, groupSize: 1) }
    /// The network's outputs: every frame of the group.
    public var outputWidth: Int { Self.outputWidth(patchSize: patchSize, groupSize: groupSize) }

    /// G · 1.5 · P²: a patch's Y, U and V samples in every frame of a group.
    public static func outputWidth(patchSize: Int, groupSize: Int) -> Int { patchSize * patchSize * 3 / 2 * groupSize }

    /// The groups of a clip of `frameCount` frames: frame ranges of G (the last may be shorter).
    public func groups(frameCount: Int) -> [Range<Int>] {
        stride(from: 0, to: frameCount, by: groupSize).map { $0..<min($0 + groupSize, frameCount) }
    }

    /// The side of a patch in `plane`: P for luma, P/2 for chroma.
    private func side(_ plane: Int) -> Int { plane == 0 ? patchSize : patchSize / 2 }

    /// The top-left sample of `patch` in `plane`.
    @inline(__always)
    private func origin(plane: Int, patch: Int) -> (left: Int, top: Int) {
        let row = patch / columns, column = patch - row * columns
        return (column * side(plane), row * side(plane))
    }

    /// The targets of `frames` (a group, at most G, of `video`), `count × outputWidth`,
    /// divided by the clip's peak so they lie in [0, 1].
    public func targets(of frames: ArraySlice<Video.Frame>, peak: Int) -> [Float] {
        precondition(!frames.isEmpty && frames.count <= groupSize, "a group has 1 to G frames")
        let scale = 1 / Float(peak)
        var targets = [Float](repeating: 0, count: count * outputWidth)
        for t in 0..<groupSize {
            let frame = frames[frames.startIndex + min(t, frames.count - 1)]
            var offset = t * valuesPerFrame
            for plane in 0..<3 {
                let (planeWidth, planeHeight) = Video.planeSize(plane, width: width, height: height, format: .yuv420)
                let samples = frame.planes[plane], side = side(plane)
                for patch in 0..<count {
                    let (left, top) = origin(plane: plane, patch: patch)
                    var index = patch * outputWidth + offset
                    for y in 0..<side {
                        let row = min(top + y, planeHeight - 1) * planeWidth
                        for x in 0..<side {
                            targets[index] = Float(samples[row + min(left + x, planeWidth - 1)]) * scale
                            index += 1
                        }
                    }
                }
                offset += side * side
            }
        }
        return targets
    }

    /// The first `frameCount` frames of a group from the network's outputs (`count ×
    /// outputWidth`, in [0, 1]): clamped, scaled to `peak` and rounded, padding dropped.
    public func frames(from outputs: [Float], frameCount: Int, peak: Int) -> [[[UInt16]]] {
        precondition(outputs.count == count * outputWidth && (1...groupSize).contains(frameCount), "outputs do not match the patches")
        let scale = Float(peak)
        return (0..<frameCount).map { t in
            var offset = t * valuesPerFrame
            return (0..<3).map { plane in
                let (planeWidth, planeHeight) = Video.planeSize(plane, width: width, height: height, format: .yuv420)
                var samples = [UInt16](repeating: 0, count: planeWidth * planeHeight)
                let side = side(plane)
                for patch in 0..<count {
                    let (left, top) = origin(plane: plane, patch: patch)
                    for y in 0..<min(side, planeHeight - top) {
                        let source = patch * outputWidth + offset + y * side
                        let row = (top + y) * planeWidth + left
                        for x in 0..<min(side, planeWidth - left) {
                            let value = outputs[source + x]
                            samples[row + x] = value.isNaN ? 0 : UInt16((min(max(value, 0), 1) * scale).rounded(.toNearestOrAwayFromZero))
                        }
                    }
                }
                offset += side * side
                return samples
            }
        }
    }
}
