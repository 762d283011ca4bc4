import Foundation

/// A fixed set of threads that run the tasks of one parallel region and wait for the next.
///
/// `run(tasks:_:)` hands out task indices dynamically; results must not depend on which worker
/// ran a task (the trainer gives each task its own accumulator and sums them in task order,
/// so a fit gives the same bits on any thread count). One caller at a time: `run` is not
/// reentrant, and a pool (with what uses it, such as a `Renderer`) belongs to one thread.
/// The threads end when the pool is released.
public final class WorkerPool: @unchecked Sendable {
    public let threadCount: Int
    private let state = State()

    /// What the threads share. They hold it, not the pool, so releasing the pool ends them.
    private final class State: @unchecked Sendable {
        let condition = NSCondition()
        var body: ((_ task: Int, _ worker: Int) -> Void)?
        var taskCount = 0
        var nextTask = 0
        var busyWorkers = 0
        var generation = 0
        var shuttingDown = false

        func claim() -> Int? {
            condition.lock()
            defer { condition.unlock() }
            guard nextTask < taskCount else { return nil }
            nextTask += 1
            return nextTask - 1
        }

        func drain(worker: Int, body: (Int, Int) -> Void) {
            while let task = claim() { body(task, worker) }
        }

        func workerLoop(worker: Int) {
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

    public init(threadCount: Int) {
        precondition(threadCount >= 1, "a worker pool needs at least one thread")
        self.threadCount = threadCount
        for worker in 1..<max(threadCount, 1) {
            let thread = Thread { [state] in state.workerLoop(worker: worker) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        state.condition.lock()
        state.shuttingDown = true
        state.condition.broadcast()
        state.condition.unlock()
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
            state.condition.lock()
            state.body = body
            state.taskCount = tasks
            state.nextTask = 0
            state.busyWorkers = threadCount - 1
            state.generation += 1
            state.condition.broadcast()
            state.condition.unlock()

            state.drain(worker: 0, body: body)

            state.condition.lock()
            while state.busyWorkers > 0 { state.condition.wait() }
            state.body = nil
            state.condition.unlock()
        }
    }
}
