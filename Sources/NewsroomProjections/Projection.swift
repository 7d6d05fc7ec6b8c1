import Logging
import NewsroomEventStore
import PostgresNIO

/// A read model folded from the log: its tables, how a batch of events changes them, and a version.
/// Each projection lives in its own PostgreSQL schema, so a rebuild can fill a shadow schema and
/// swap it in by renaming, and a replay can fill a schema of any name.
public protocol Projection: Sendable {
    /// Stable name; also the live schema's name.
    var name: String { get }
    /// Bump when the tables or the folding change: the live copy must then be rebuilt.
    var version: Int { get }
    /// Creates the tables in `schema`, which exists and is empty.
    func createTables(in schema: String, on connection: PostgresConnection, logger: Logger) async throws
    /// Applies events in log order, inside the runner's transaction.
    func apply(_ events: [RecordedEvent], in schema: String, on connection: PostgresConnection, logger: Logger) async throws
    /// Tables or views the read-only role of the public API may SELECT.
    var publicTables: [String] { get }
    /// The secondary indexes, as `CREATE INDEX IF NOT EXISTS` statements. Only queries need
    /// them, so a rebuild's shadow copy gets them once its rows are in: one sort per index
    /// instead of an index descent per row.
    func indexes(in schema: String) -> [String]
    /// Whether applying `record` can change the model's tables. The live follower does not open a
    /// transaction for a read that holds nothing the model folds: the model's checkpoint then stays
    /// behind until a read it folds, or the follower's once-a-second round, brings it up from the log.
    func concerns(_ record: RecordedEvent) -> Bool
    /// Whether the model reads an article's body only as it stands after the article's last
    /// event in a batch (in the states and rows the batch writes), never after an earlier one.
    /// A rebuild of such models alone reads the log with every earlier body of a read left out
    /// (`SupersededBodies`). False unless a model says so.
    var foldsOnlyLatestBodies: Bool { get }
}

extension Projection {
    public var publicTables: [String] { [] }
    public func indexes(in schema: String) -> [String] { [] }
    public func concerns(_ record: RecordedEvent) -> Bool { true }
    public var foldsOnlyLatestBodies: Bool { false }
}

/// Every projection newsroom keeps. Adding one is one file and one line here.
public enum Projections {
    public static let all: [any Projection] = [
        PublishedArticlesProjection(),
        EditorialAuditProjection(),
        DeskQueueProjection(),
        ArticleStatisticsProjection(),
        AccessTokensProjection(),
    ]

    public static func named(_ name: String) -> (any Projection)? {
        all.first { $0.name == name }
    }

    /// The read model whose own schemas include `schema`: its live copy, the shadow a rebuild
    /// fills (and resumes from), and the old copy a swap retires and drops. A replay there would
    /// be taken for one of them, or dropped.
    public static func owner(ofSchema schema: String) -> (any Projection)? {
        all.first { [$0.name, "\($0.name)_rebuild", "\($0.name)_retired"].contains(schema) }
    }

    /// The name `schema` is read under: a rebuild's copy takes the live name when it is swapped in.
    public static func liveName(ofSchema schema: String) -> String {
        all.first { "\($0.name)_rebuild" == schema }?.name ?? schema
    }
}

/// Schema and table names are ours (never user input), but replay targets are typed by people.
/// What `validSchemaName` accepts, in words for an error message.
public let schemaNameRule = "use 1 to 50 lowercase letters, digits and _, starting with a letter, and not public, information_schema or a name starting with pg_"

public func validSchemaName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 50 && name.first!.isLetter &&
        name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" } &&
        !name.hasPrefix("pg_") && !["public", "information_schema"].contains(name)
}
