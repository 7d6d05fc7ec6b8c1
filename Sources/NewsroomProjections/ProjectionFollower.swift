import Foundation
import Logging
import NewsroomEventStore
import PostgresNIO

/// Follows the log live for every projection: woken by LISTEN/NOTIFY within milliseconds of a
/// commit, polling as a fallback, reconnecting when PostgreSQL restarts. Exactly one follower is
/// active across processes and machines (a session advisory lock); the others wait as standbys.
public struct ProjectionFollower: Sendable {
    public let settings: ConnectionSettings
    public let logger: Logger
    public var pollInterval: Duration = .seconds(1)
    public var standbyRetry: Duration = .seconds(2)

    public init(settings: ConnectionSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Runs until the task is cancelled (SIGTERM/SIGINT in the CLI), then returns cleanly.
    public func run(onCatchUp: (@Sendable (Int) -> Void)? = nil) async {
        while !Task.isCancelled {
            do {
                try await followOnce(onCatchUp: onCatchUp)
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("projection follower lost its connection; reconnecting", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    func followOnce(onCatchUp: (@Sendable (Int) -> Void)?) async throws {
        let election = try await PostgresConnection.connect(configuration: settings.connectionConfiguration, id: 1, logger: logger)
        defer { Task { try? await election.close() } }
        // Standby until the active follower goes away (its session ends, the lock with it).
        while true {
            var acquired = false
            for try await granted in try await election.query("SELECT pg_try_advisory_lock(7268, 0)", logger: logger).decode(Bool.self) { acquired = granted }
            if acquired { break }
            logger.info("another follower is active; standing by")
            try await Task.sleep(for: standbyRetry)
        }
        logger.info("following the log")
        let listener = try await PostgresConnection.connect(configuration: settings.connectionConfiguration, id: 2, logger: logger)
        defer { Task { try? await listener.close() } }
        let wakeUp = WakeUp()
        let notifications = try await listener.listen(EventStore.notificationChannel)
        let listening = Task {
            do { for try await _ in notifications { await wakeUp.signal() } } catch {}
            await wakeUp.close()
        }
        defer { listening.cancel() }
        try await Database.withClient(settings, logger: logger, maximumConnections: 4) { client in
            let runner = ProjectionRunner(client: client, logger: logger)
            while !Task.isCancelled {
                var applied = 0
                for projection in Projections.all { applied += try await runner.catchUp(projection) }
                if applied > 0 { onCatchUp?(applied) }
                // The election connection doubles as a liveness check: if PostgreSQL went away, reconnect.
                _ = try await election.query("SELECT 1", logger: logger)
                if await wakeUp.isClosed { throw Failure(description: "the LISTEN connection closed") }
                await wakeUp.wait(timeout: pollInterval)
            }
        }
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

}

/// A wake-up that may arrive before anyone waits for it, with a timeout as the polling fallback.
actor WakeUp {
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    private(set) var isClosed = false

    func signal() {
        if let waiter { self.waiter = nil; waiter.resume() } else { pending = true }
    }

    func close() { isClosed = true; signal() }

    func wait(timeout: Duration) async {
        if pending { pending = false; return }
        await withCheckedContinuation { continuation in
            waiter = continuation
            Task { try? await Task.sleep(for: timeout); self.expire() }
        }
    }

    private func expire() {
        if let waiter { self.waiter = nil; waiter.resume() }
    }
}
