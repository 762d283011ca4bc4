import Foundation

/// A fixed set of threads that run the tasks of one parallel region and wait for the next.
///
/// `run(tasks:_:)` hands out task indices dynamically; results must not depend on which worker
/// ran a task (the trainer gives each task its own accumulator and sums them in task order,
/// so a fit gives the same bits on any thread count).
public final class WorkerPool: @unchecked Sendable {
    public let threadCount: Int

    private let condition = NSCondition()
    private var body: ((_ task: Int, _ worker: Int) -> Void)?
    private var taskCount = 0
    private var nextTask = 0
    private var busyWorkers = 0
    private var generation = 0
    private var shuttingDown = false

    public init(threadCount: Int) {
        precondition(threadCount >= 1, "a worker pool needs at least one thread")
        self.threadCount = threadCount
        for worker in 1..<max(threadCount, 1) {
            let thread = Thread { [unowned self] in self.workerLoop(worker: worker) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        condition.lock()
        shuttingDown = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `body(task, worker)` for every task in `0..<tasks` and returns when all are done.
    /// `worker` is in `0..<threadCount`: index per-thread scratch space with it.
    public func run(tasks: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
        guard tasks > 0 else { return }
        if threadCount == 1 || tasks == 1 {
            for task in 0..<tasks { body(task, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            condition.lock()
            self.body = body
            taskCount = tasks
            nextTask = 0
            busyWorkers = threadCount - 1
            generation += 1
            condition.broadcast()
            condition.unlock()

            drain(worker: 0, body: body)

            condition.lock()
            while busyWorkers > 0 { condition.wait() }
            self.body = nil
            condition.unlock()
        }
    }

    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard nextTask < taskCount else { return nil }
        nextTask += 1
        return nextTask - 1
    }

    private func drain(worker: Int, body: (Int, Int) -> Void) {
        while let task = claim() { body(task, worker) }
    }

    private func workerLoop(worker: Int) {
        var seen = 0
        while true {
            condition.lock()
            while generation == seen && !shuttingDown { condition.wait() }
            if shuttingDown {
                condition.unlock()
                return
            }
            seen = generation
            var job = body
            condition.unlock()

            if let job { drain(worker: worker, body: job) }
            // Let go of the closure before reporting done: `run` passed it in without
            // escaping, and it must not outlive the call.
            job = nil

            condition.lock()
            busyWorkers -= 1
            if busyWorkers == 0 { condition.broadcast() }
            condition.unlock()
        }
    }
}
