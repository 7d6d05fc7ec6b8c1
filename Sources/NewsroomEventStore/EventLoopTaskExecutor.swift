import NIOCore

/// Runs a task's jobs on one NIO event loop. A task whose connections live on that same loop
/// then resumes on the thread where PostgreSQL's answer arrived and writes its next statement
/// from there: no thread is woken to hand a round trip over and back.
public final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
