import Logging
import NewsroomEventStore
import PostgresNIO

/// A read model folded from the log: its tables, how each event changes them, and a version.
/// Bumping `version` tells the runner the model must be rebuilt from the start of the log.
public protocol Projection: Sendable {
    /// Stable name, used for the checkpoint row and the table prefix.
    static var name: String { get }
    static var version: Int { get }

    /// Creates the projection's tables in `schema` (the live one, or a shadow copy being rebuilt).
    func createTables(in schema: String, on connection: PostgresConnection, logger: Logger) async throws

    /// Applies a batch of events inside the runner's transaction.
    func apply(_ events: [RecordedEvent], in schema: String, on connection: PostgresConnection, logger: Logger) async throws
}
