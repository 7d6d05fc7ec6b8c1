import Foundation
import _ConnectionPoolModule
import NewsroomDomain
import PostgresNIO

/// Errors of the event store, as a struct with a code in the manner of `PSQLError`.
public struct EventStoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: String {
            case conflict, commandReused, appendOnly, forgedActor, databaseUnavailable, notPermitted,
                 migration, corruptEvent, streamExists, contextChanged, server
        }
        let base: Base
        public static let conflict = Code(base: .conflict)
        public static let commandReused = Code(base: .commandReused)
        public static let appendOnly = Code(base: .appendOnly)
        public static let forgedActor = Code(base: .forgedActor)
        public static let databaseUnavailable = Code(base: .databaseUnavailable)
        public static let notPermitted = Code(base: .notPermitted)
        public static let migration = Code(base: .migration)
        public static let corruptEvent = Code(base: .corruptEvent)
        /// A bulk import would write a stream the log already has.
        public static let streamExists = Code(base: .streamExists)
        /// A stream the decision read besides its own moved on before the append (NR005).
        public static let contextChanged = Code(base: .contextChanged)
        public static let server = Code(base: .server)
        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// For `.conflict`: the stream's state when the append was refused.
    public var conflict: StreamConflict?

    public init(_ code: Code, _ message: String, conflict: StreamConflict? = nil) {
        self.code = code
        self.message = message
        self.conflict = conflict
    }

    public var description: String { message }
}

/// The stream moved on since the writer read it.
public struct StreamConflict: Sendable, Hashable {
    public var streamID: StreamID
    public var expectedVersion: Int?
    public var actualVersion: Int
    public var lastActor: String?
    public var lastRecordedAt: Date?

    /// The conflict as a sentence about `name` (a stream id, or what a person calls the stream):
    /// who changed it and when, and the version expected against the one found. A version the
    /// stream has not reached was never read by anyone, so it is not told as someone's change.
    public func message(naming name: String) -> String {
        var change = ""
        if let lastActor { change += " by \(lastActor)" }
        if let lastRecordedAt { change += " at \(Instant.format(lastRecordedAt))" }
        if let expectedVersion, expectedVersion > actualVersion {
            return "\(name) is only at version \(actualVersion)" + (change.isEmpty ? "" : " (last changed\(change))")
                + "; you expected version \(expectedVersion), which it has not reached."
        }
        return "\(name) was changed\(change); you expected version \(expectedVersion.map(String.init) ?? "none"), it is \(actualVersion)."
    }
}

extension EventStoreError {
    /// Translates what PostgreSQL said into the store's vocabulary. Our own SQLSTATEs (NR...) come
    /// from Schema/ (NR001-NR005 from the log's functions, NR006 from Schema/017's staff logins).
    public static func from(_ error: any Error, stream: StreamID? = nil, expected: Int? = nil) -> any Error {
        // The pool gives up on new connections after a minute of failed attempts, and from then
        // on answers every request with this until one succeeds.
        if let pool = error as? ConnectionPoolError, pool == .connectionCreationCircuitBreakerTripped {
            return EventStoreError(.databaseUnavailable,
                "The database has refused new connections for a while. Check that PostgreSQL is running (`newsroom db status`) and DATABASE_URL / PG* point at it.")
        }
        guard let psql = error as? PSQLError else { return error }
        guard let info = psql.serverInfo, let state = info[.sqlState] else {
            switch psql.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed,
                 .sslUnsupported, .uncleanShutdown:
                return EventStoreError(.databaseUnavailable,
                    "The database is unreachable (\(psql.code)). Check that PostgreSQL is running (`newsroom db status`) and DATABASE_URL / PG* point at it.")
            default:
                return EventStoreError(.server, "Database client error: \(psql.code)")
            }
        }
        return fromServer(state: state, message: info[.message], detail: info[.detail], stream: stream, expected: expected)
    }

    /// SQLSTATEs that mean the database cannot serve now (a lost connection, a shutdown, too many
    /// connections or no resources), so the caller should come back later.
    public static func meansUnavailable(_ sqlState: String) -> Bool {
        sqlState.hasPrefix("08") || sqlState.hasPrefix("53") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    /// What the server reported (its SQLSTATE, message and detail), whichever client received it.
    public static func fromServer(state: String, message: String?, detail: String?, stream: StreamID?, expected: Int?) -> EventStoreError {
        let message = message ?? "unknown server error"
        let detail = detail.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        switch state {
        case "NR001":
            // The log names the stream it refused (since migration 016): in a statement of two
            // appends it may be the second one, not `stream`.
            let stream = (detail?["stream"] as? String).map(StreamID.init) ?? stream
            let actual = detail?["actualVersion"] as? Int ?? 0
            let actor = detail?["lastActor"] as? String
            let at = (detail?["lastRecordedAt"] as? String).flatMap(Instant.parse)
            let conflict = StreamConflict(streamID: stream ?? StreamID("?"), expectedVersion: expected,
                                          actualVersion: actual, lastActor: actor, lastRecordedAt: at)
            return EventStoreError(.conflict, conflict.message(naming: stream?.rawValue ?? "the stream"), conflict: conflict)
        case "NR002":
            return EventStoreError(.commandReused, "\(message). Use a new --command-id for a different command, or resend the original command unchanged.")
        case "NR005":
            return EventStoreError(.contextChanged, message)
        case "NR003":
            return EventStoreError(.appendOnly, message)
        case "NR004":
            return EventStoreError(.forgedActor, message)
        case "NR006":
            return EventStoreError(.notPermitted, "\(message). Nothing was changed.")
        case "42501":
            return EventStoreError(.notPermitted, "Permission denied: \(message). Not on the staff? A chief editor adds you (`newsroom staff add`). Administration (db migrate, projections rebuild, import archive) needs the database's owner.")
        case "42883":
            // A function newsroom calls is missing: the schema predates this newsroom.
            return EventStoreError(.migration, "\(message). This database's schema is older than this newsroom: ask the administrator to run `newsroom db migrate`.")
        case _ where meansUnavailable(state):
            return EventStoreError(.databaseUnavailable, "The database is unavailable: \(message)")
        default:
            return EventStoreError(.server, "\(message) (SQLSTATE \(state))")
        }
    }
}
