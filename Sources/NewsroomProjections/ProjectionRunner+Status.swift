import Foundation
import Logging
import NewsroomEventStore
import PostgresNIO

/// What `projections status` shows: each model's version, checkpoint and lag, and whether a follower runs.
extension ProjectionRunner {
    public struct Status: Sendable {
        public var name: String
        public var version: Int
        public var installedVersion: Int?
        public var checkpoint: LogPosition
        public var eventsApplied: Int
        public var lagEvents: Int
        public var lagSeconds: Double
        public var runnerActive: Bool
    }

    public func status() async throws -> [Status] {
        var result: [Status] = []
        let active = try await runnerIsActive()
        for projection in Projections.all {
            var status = Status(name: projection.name, version: projection.version, installedVersion: nil, checkpoint: .start,
                                eventsApplied: 0, lagEvents: 0, lagSeconds: 0, runnerActive: active)
            let rows = try await client.query("SELECT version, transaction_id, position, events_applied FROM projection_checkpoints WHERE schema_name = \(projection.name)", logger: logger)
            for try await (version, tx, position, applied) in rows.decode((Int, Int64, Int64, Int64).self) {
                status.installedVersion = version
                status.checkpoint = LogPosition(transactionID: tx, position: position)
                status.eventsApplied = Int(applied)
            }
            let lag = try await client.query("""
                SELECT count(*)::bigint, coalesce(extract(epoch FROM now() - min(recorded_at)), 0)::float8 FROM events
                WHERE (transaction_id, position) > (\(String(status.checkpoint.transactionID))::xid8, \(status.checkpoint.position))
                """, logger: logger)
            for try await (count, seconds) in lag.decode((Int64, Double).self) {
                status.lagEvents = Int(count)
                status.lagSeconds = seconds
            }
            result.append(status)
        }
        return result
    }

    func runnerIsActive() async throws -> Bool {
        let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT \(ProjectionFollower.isRunningSQL)"), logger: logger)
        for try await running in rows.decode(Bool.self) { return running }
        return false
    }
}
