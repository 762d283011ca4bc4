import ArgumentParser

/// One of N parts of a job, written `i/N` with i counted from 0 (`--shard 0/4` … `--shard 3/4`,
/// `--segment k/N`): what a Slurm array task (`--array=0-3`, `$SLURM_ARRAY_TASK_ID`) or a
/// Kubernetes Indexed Job (`$JOB_COMPLETION_INDEX`) is given, so a script passes its index as it is.
struct Part: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The most parts a job may be cut into.
    static let maximumCount = 100_000

    /// i, from 0.
    var index: Int
    /// N, at least 1.
    var count: Int

    static let whole = Part(index: 0, count: 1)

    init(index: Int, count: Int) {
        precondition((1...Self.maximumCount).contains(count) && (0..<count).contains(index), "part \(index)/\(count)")
        self.index = index
        self.count = count
    }

    /// Reads `i/N`; `flag` names the option in the error.
    init(parsing text: String, flag: String) throws {
        let fields = text.split(separator: "/", omittingEmptySubsequences: false)
        guard fields.count == 2, let index = Int(fields[0]), let count = Int(fields[1]) else {
            throw ValidationError("\(flag) \(text): write i/N, e.g. 0/4 for the first of 4 parts (i counts from 0)")
        }
        guard (1...Self.maximumCount).contains(count) else {
            throw ValidationError("\(flag) \(text): N must be between 1 and \(Self.maximumCount)")
        }
        guard (0..<count).contains(index) else {
            throw ValidationError("\(flag) \(text): i must be between 0 and \(count - 1) (it counts from 0)")
        }
        self.init(index: index, count: count)
    }

    var description: String { "\(index)/\(count)" }

    /// Whether the job at `position` (of all the jobs, in order) is this part's: every N-th from i.
    func owns(_ position: Int) -> Bool { position % count == index }
}
