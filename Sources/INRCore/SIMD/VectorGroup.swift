/// A register tile of one, two or four `Vector`s: the column block a micro-kernel keeps in
/// registers for each of its rows.
///
/// Micro-kernels are generic over the group, so one source gives the 64-, 32- and 16-column
/// variants; the structs dissolve into registers after specialisation.
public protocol VectorGroup {
    /// Vectors in the group.
    static var count: Int { get }
    init()
    init(loading pointer: UnsafePointer<Float>)
    func store(to pointer: UnsafeMutablePointer<Float>)
    /// Adds the group stored at `pointer` to this one and stores the sum there.
    func add(into pointer: UnsafeMutablePointer<Float>)
    /// `self += scalar * b`, lane by lane.
    mutating func accumulate<M: MultiplyAdd>(_: M.Type, _ scalar: Vector, _ b: Self)
    /// Calls `body` with each vector and its column offset (in floats).
    func forEach(_ body: (Vector, Int) -> Void)
}

public struct VectorGroup1: VectorGroup {
    public var v0: Vector
    @inlinable public static var count: Int { 1 }
    @inlinable @inline(__always) public init() { v0 = Vector() }
    @inlinable @inline(__always) public init(loading p: UnsafePointer<Float>) { v0 = Vector(loading: p) }
    @inlinable @inline(__always) public func store(to p: UnsafeMutablePointer<Float>) { v0.store(to: p) }
    @inlinable @inline(__always) public func add(into p: UnsafeMutablePointer<Float>) {
        (v0 + Vector(loading: p)).store(to: p)
    }
    @inlinable @inline(__always)
    public mutating func accumulate<M: MultiplyAdd>(_: M.Type, _ s: Vector, _ b: Self) {
        M.accumulate(&v0, s, b.v0)
    }
    @inlinable @inline(__always)
    public func forEach(_ body: (Vector, Int) -> Void) { body(v0, 0) }
}

public struct VectorGroup2: VectorGroup {
    public var v0: Vector, v1: Vector
    @inlinable public static var count: Int { 2 }
    @inlinable @inline(__always) public init() { v0 = Vector(); v1 = Vector() }
    @inlinable @inline(__always) public init(loading p: UnsafePointer<Float>) {
        v0 = Vector(loading: p)
        v1 = Vector(loading: p + 16)
    }
    @inlinable @inline(__always) public func store(to p: UnsafeMutablePointer<Float>) {
        v0.store(to: p)
        v1.store(to: p + 16)
    }
    @inlinable @inline(__always) public func add(into p: UnsafeMutablePointer<Float>) {
        (v0 + Vector(loading: p)).store(to: p)
        (v1 + Vector(loading: p + 16)).store(to: p + 16)
    }
    @inlinable @inline(__always)
    public mutating func accumulate<M: MultiplyAdd>(_: M.Type, _ s: Vector, _ b: Self) {
        M.accumulate(&v0, s, b.v0)
        M.accumulate(&v1, s, b.v1)
    }
    @inlinable @inline(__always)
    public func forEach(_ body: (Vector, Int) -> Void) {
        body(v0, 0)
        body(v1, 16)
    }
}

public struct VectorGroup4: VectorGroup {
    public var v0: Vector, v1: Vector, v2: Vector, v3: Vector
    @inlinable public static var count: Int { 4 }
    @inlinable @inline(__always) public init() { v0 = Vector(); v1 = Vector(); v2 = Vector(); v3 = Vector() }
    @inlinable @inline(__always) public init(loading p: UnsafePointer<Float>) {
        v0 = Vector(loading: p)
        v1 = Vector(loading: p + 16)
        v2 = Vector(loading: p + 32)
        v3 = Vector(loading: p + 48)
    }
    @inlinable @inline(__always) public func store(to p: UnsafeMutablePointer<Float>) {
        v0.store(to: p)
        v1.store(to: p + 16)
        v2.store(to: p + 32)
        v3.store(to: p + 48)
    }
    @inlinable @inline(__always) public func add(into p: UnsafeMutablePointer<Float>) {
        (v0 + Vector(loading: p)).store(to: p)
        (v1 + Vector(loading: p + 16)).store(to: p + 16)
        (v2 + Vector(loading: p + 32)).store(to: p + 32)
        (v3 + Vector(loading: p + 48)).store(to: p + 48)
    }
    @inlinable @inline(__always)
    public mutating func accumulate<M: MultiplyAdd>(_: M.Type, _ s: Vector, _ b: Self) {
        M.accumulate(&v0, s, b.v0)
        M.accumulate(&v1, s, b.v1)
        M.accumulate(&v2, s, b.v2)
        M.accumulate(&v3, s, b.v3)
    }
    @inlinable @inline(__always)
    public func forEach(_ body: (Vector, Int) -> Void) {
        body(v0, 0)
        body(v1, 16)
        body(v2, 32)
        body(v3, 48)
    }
}
