/// A static distribution over symbols 0..<n for `RangeEncoder.encode(cumulative:frequency:)`
/// and `RangeDecoder.decode(cumulative:symbols:)`: integer frequencies, each at least 1, totalling 2^16.
///
///     cumulative[s] = f(0) + … + f(s-1);  cumulative[0] = 0, cumulative[n] = 65536
public struct FrequencyTable: Hashable, Sendable {
    public static let total: UInt32 = 1 << 16
    /// n + 1 running sums.
    public let cumulative: [UInt32]

    /// Frequencies from probabilities (any non-negative weights; at most 2^15 symbols): each
    /// symbol gets ⌊p/Σp · (2^16 − n)⌋ + 1, and what rounding leaves goes to the likeliest symbol
    /// (the first of equals).
    /// Integer arithmetic after one multiplication per symbol, so equal inputs give equal tables
    /// on every machine.
    public init(probabilities: [Double]) {
        precondition(!probabilities.isEmpty && probabilities.count <= 1 << 15)
        let sum = probabilities.reduce(0) { $0 + max($1, 0) }
        let spare = Double(Self.total) - Double(probabilities.count)
        var frequencies = probabilities.map { p -> UInt32 in
            let share = sum > 0 ? max(p, 0) / sum * spare : 0
            return UInt32(min(max(share, 0), spare).rounded(.down)) + 1
        }
        let used = frequencies.reduce(0, +)
        let likeliest = frequencies.indices.max { frequencies[$0] < frequencies[$1] }!
        frequencies[likeliest] += Self.total - used
        var running: UInt32 = 0
        cumulative = [0] + frequencies.map { running += $0; return running }
    }
}
