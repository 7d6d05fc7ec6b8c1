import Foundation

/// Work on the database bounded in time. A query or a wait for a connection does not always
/// notice cancellation (PostgresNIO answers a query the server is still running), so the work
/// that misses its deadline is abandoned rather than awaited: its caller moves on at once.
public enum Deadline {
    /// Runs `body`, or throws `timeout` when it has not finished within `limit`, or
    /// `CancellationError` at once when the caller is cancelled.
    public static func run<T: Sendable>(within limit: Duration, orThrow timeout: @autoclosure @escaping @Sendable () -> any Error,
                                        _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = DeadlineRace<T>()
        let work = Task { race.finish(with: await Result(catching: body)) }
        let timer = Task { try? await Task.sleep(for: limit); race.finish(with: .failure(timeout())) }
        defer { work.cancel(); timer.cancel() }
        return try await withTaskCancellationHandler {
            try await race.value()
        } onCancel: {
            race.finish(with: .failure(CancellationError()))
        }
    }
}

/// The first of two outcomes wins; the loser is abandoned rather than awaited. A lock rather than
/// an actor, so that a cancellation handler settles it on the spot instead of through a task of
/// its own, which has to wait for a thread first (on a machine whose cores are busy, seconds).
final class DeadlineRace<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: Result<T, any Error>?
    private var waiter: CheckedContinuation<Result<T, any Error>, Never>?

    func finish(with result: Result<T, any Error>) {
        let waiting: CheckedContinuation<Result<T, any Error>, Never>? = lock.withLock {
            guard outcome == nil else { return nil }
            outcome = result
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(returning: result)
    }

    func value() async throws -> T {
        try await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>, Never>) in
            let settled: Result<T, any Error>? = lock.withLock {
                if let outcome { return outcome }
                waiter = continuation
                return nil
            }
            if let settled { continuation.resume(returning: settled) }
        }.get()
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
