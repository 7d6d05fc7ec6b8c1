import Foundation

/// Runs a task's jobs on one thread of its own, in order. A blocking call made there (libpq's,
/// in `LibPQAppender`) holds only that thread, never one of the few that every task shares. The
/// thread ends once nothing holds the executor any more and its last job has run.
public final class ThreadTaskExecutor: TaskExecutor, @unchecked Sendable {  // its state is the queue's
    private final class Queue: @unchecked Sendable {  // guarded by condition
        let condition = NSCondition()
        var jobs: [UnownedJob] = []
        var released = false
    }
    private let queue = Queue()

    public init(name: String) {
        // The thread holds the queue, not the executor: the executor's last holder ends it.
        let queue = self.queue, executor = asUnownedTaskExecutor()
        let thread = Thread {
            while true {
                let next: UnownedJob? = queue.condition.withLock {
                    while queue.jobs.isEmpty && !queue.released { queue.condition.wait() }
                    return queue.jobs.isEmpty ? nil : queue.jobs.removeFirst()
                }
                guard let next else { return }
                next.runSynchronously(on: executor)
            }
        }
        thread.name = name
        thread.start()
    }

    deinit {
        queue.condition.withLock {
            queue.released = true
            queue.condition.signal()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.condition.withLock {
            queue.jobs.append(job)
            queue.condition.signal()
        }
    }
}
