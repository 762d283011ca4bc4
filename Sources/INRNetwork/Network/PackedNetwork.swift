import INRCore

/// The parameters rearranged for the kernels, rebuilt from the flat buffer once per step.
///
/// For layer l with `W[out][in]`: `forward` is Wᵀ padded to `in × pad(out)`, `backward` is W
/// padded to `out × pad(in)`, `bias` is padded to `pad(out)`. Padding lanes are zero.
public final class PackedNetwork: @unchecked Sendable {
    public let layers: [NetworkSpec.Layer]
    private let buffer: AlignedBuffer
    private let offsets: [(forward: Int, backward: Int, bias: Int)]

    public init(spec: NetworkSpec) {
        layers = spec.layers
        var offsets: [(Int, Int, Int)] = []
        var total = 0
        for layer in layers {
            let forward = total
            total += layer.inputWidth * paddedWidth(layer.outputWidth)
            let backward = total
            total += layer.outputWidth * paddedWidth(layer.inputWidth)
            let bias = total
            total += paddedWidth(layer.outputWidth)
            offsets.append((forward, backward, bias))
        }
        self.offsets = offsets
        buffer = AlignedBuffer(count: total)
    }

    /// Copies `parameters` into the kernel layouts.
    public func pack(_ parameters: Parameters) {
        parameters.values.withUnsafeBufferPointer { values in
            for (index, layer) in layers.enumerated() {
                let weight = values.baseAddress! + parameters.layout.weight(ofLayer: index).offset
                let bias = values.baseAddress! + parameters.layout.bias(ofLayer: index).offset
                let outPad = paddedWidth(layer.outputWidth), inPad = paddedWidth(layer.inputWidth)
                let forward = self.forward(index), backward = buffer.base + offsets[index].backward
                for o in 0..<layer.outputWidth {
                    for i in 0..<layer.inputWidth {
                        let w = weight[o * layer.inputWidth + i]
                        forward[i * outPad + o] = w
                        backward[o * inPad + i] = w
                    }
                    self.bias(index)[o] = bias[o]
                }
            }
        }
    }

    /// Wᵀ, `in × pad(out)`.
    public func forward(_ layer: Int) -> UnsafeMutablePointer<Float> { buffer.base + offsets[layer].forward }
    /// W, `out × pad(in)`.
    public func backward(_ layer: Int) -> UnsafeMutablePointer<Float> { buffer.base + offsets[layer].backward }
    public func bias(_ layer: Int) -> UnsafeMutablePointer<Float> { buffer.base + offsets[layer].bias }
}

/// Parameter gradients in the kernels' layout (`in × pad(out)` per weight, `pad(out)` per
/// bias), accumulated tile by tile; `addTransposed(into:)` turns them into the flat layout.
public final class GradientAccumulator: @unchecked Sendable {
    public let layers: [NetworkSpec.Layer]
    let buffer: AlignedBuffer
    private let offsets: [(weight: Int, bias: Int)]

    public init(spec: NetworkSpec) {
        layers = spec.layers
        var offsets: [(Int, Int)] = []
        var total = 0
        for layer in layers {
            let weight = total
            total += layer.inputWidth * paddedWidth(layer.outputWidth)
            offsets.append((weight, total))
            total += paddedWidth(layer.outputWidth)
        }
        self.offsets = offsets
        buffer = AlignedBuffer(count: total)
    }

    public func zero() { buffer.zero() }
    public func weights(_ layer: Int) -> UnsafeMutablePointer<Float> { buffer.base + offsets[layer].weight }
    public func bias(_ layer: Int) -> UnsafeMutablePointer<Float> { buffer.base + offsets[layer].bias }

    /// `self += other`, element by element (same network).
    public func add(_ other: GradientAccumulator) {
        let a = buffer.base, b = other.buffer.base
        for i in 0..<buffer.count { a[i] += b[i] }
    }

    /// Writes the gradients into a flat buffer laid out like `layout`.
    public func write(into gradient: inout [Float], layout: ParameterLayout) {
        gradient.withUnsafeMutableBufferPointer { flat in
            for (index, layer) in layers.enumerated() {
                let outPad = paddedWidth(layer.outputWidth)
                let weight = flat.baseAddress! + layout.weight(ofLayer: index).offset
                let bias = flat.baseAddress! + layout.bias(ofLayer: index).offset
                let packedWeights = weights(index), packedBias = self.bias(index)
                for o in 0..<layer.outputWidth {
                    for i in 0..<layer.inputWidth {
                        weight[o * layer.inputWidth + i] = packedWeights[i * outPad + o]
                    }
                    bias[o] = packedBias[o]
                }
            }
        }
    }
}
