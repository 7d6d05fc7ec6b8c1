import CLibPQ
import Foundation
import NewsroomDomain
import NewsroomEventStore

/// A command's usual append (`append_event`: one event) sent through libpq on a connection of its
/// own. Through PostgresNIO the same append cost its client 99–149 µs of CPU; through libpq,
/// 52–76 µs (BENCHMARKS.md, the twenty-ninth session). Everything else stays on PostgresNIO.
///
/// libpq blocks, so the connection lives on a thread of its own (`executor`) and every call runs
/// there. A task that runs on that executor already (as `newsroom-bench` and the CLI run a
/// command) appends with no thread hop; any other task hops there and back.
public final class LibPQAppender: EventAppender, @unchecked Sendable {  // the connection is used on `executor`'s thread only
    public let executor: ThreadTaskExecutor
    private let connection: OpaquePointer
    private let settings: ConnectionSettings
    private var closed = false

    static let statementName = "newsroom.append_event"

    private init(connection: OpaquePointer, executor: ThreadTaskExecutor, settings: ConnectionSettings) {
        self.connection = connection
        self.executor = executor
        self.settings = settings
    }

    /// Connects as `settings` say, or answers nil when libpq cannot honour them exactly (a
    /// `verify-` mode with the system's roots, which libpq 15 cannot name): the caller then
    /// appends through PostgresNIO, as before.
    public static func connect(_ settings: ConnectionSettings) async throws -> LibPQAppender? {
        guard let parameters = parameters(settings) else { return nil }
        let executor = ThreadTaskExecutor(name: "newsroom.libpq")
        let connection: OpaquePointer = try await withTaskExecutorPreference(executor) {
            let keys = parameters.map { strdup($0.0) }, values = parameters.map { strdup($0.1) }
            defer { (keys + values).forEach { free($0) } }
            let connection = (keys.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { keys in
                (values.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { values in
                    PQconnectdbParams(keys.baseAddress, values.baseAddress, 0)
                }
            }
            guard let connection else { throw EventStoreError(.databaseUnavailable, "libpq could not allocate a connection") }
            guard PQstatus(connection) == CONNECTION_OK else {
                let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
                PQfinish(connection)
                throw EventStoreError(.databaseUnavailable, "The database is unreachable (\(message)). Check that PostgreSQL is running (`newsroom db status`) and DATABASE_URL / PG* point at it.")
            }
            let prepared = PQprepare(connection, statementName, OneEventAppend.statement, 12, nil)
            defer { PQclear(prepared) }
            guard PQresultStatus(prepared) == PGRES_COMMAND_OK else {
                let error = Self.error(prepared, stream: nil, expected: nil)
                PQfinish(connection)
                throw error
            }
            return connection
        }
        return LibPQAppender(connection: connection, executor: executor, settings: settings)
    }

    /// libpq's connection keywords for `settings`; nil when libpq cannot honour them exactly.
    static func parameters(_ settings: ConnectionSettings) -> [(String, String)]? {
        var parameters: [(String, String)] = [("user", settings.user), ("dbname", settings.database),
                                               ("connect_timeout", String(settings.connectTimeout.components.seconds)),
                                               ("application_name", "newsroom")]
        if let password = settings.password { parameters.append(("password", password)) }
        switch settings.endpoint {
        case .socket(let path):
            // PostgreSQL's socket is DIRECTORY/.s.PGSQL.PORT: libpq takes the two apart.
            let url = URL(fileURLWithPath: path)
            guard let port = url.lastPathComponent.split(separator: ".").last.flatMap({ Int($0) }) else { return nil }
            parameters += [("host", url.deletingLastPathComponent().path), ("port", String(port))]
        case .tcp(let host, let port):
            parameters += [("host", host), ("port", String(port))]
            switch settings.tls {
            case .disable: parameters.append(("sslmode", "disable"))
            case .prefer: parameters.append(("sslmode", "prefer"))
            case .require: parameters.append(("sslmode", "require"))
            case .verifyCA(let root?): parameters += [("sslmode", "verify-ca"), ("sslrootcert", root)]
            case .verifyFull(let root?): parameters += [("sslmode", "verify-full"), ("sslrootcert", root)]
            case .verifyCA(nil), .verifyFull(nil): return nil
            }
        }
        return parameters
    }

    /// Appends one event as `EventStore.append` does, with the same answers and errors.
    public func append(_ append: OneEventAppend) async throws -> AppendResult {
        try await withTaskExecutorPreference(executor) { try self.appendHere(append) }
    }

    private func appendHere(_ append: OneEventAppend) throws -> AppendResult {
        guard !closed else { throw EventStoreError(.databaseUnavailable, "The append connection was closed.") }
        let texts = append.parameters.map { $0.map { strdup($0) } ?? nil }
        defer { texts.forEach { free($0) } }
        let result = texts.map { $0.map { UnsafePointer($0) } }.withUnsafeBufferPointer {
            PQexecPrepared(connection, Self.statementName, Int32($0.count), $0.baseAddress, nil, nil, 0)
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else {
            if PQstatus(connection) != CONNECTION_OK {
                throw EventStoreError(.databaseUnavailable, "The database connection was lost during an append: \(String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)). Whether it was recorded is unknown: resend the command with the same --command-id.")
            }
            throw Self.error(result, stream: append.stream, expected: append.expectedVersion)
        }
        guard PQntuples(result) == 1, PQnfields(result) == 4,
              let first = Int64(Self.text(result, 0)), let last = Int64(Self.text(result, 1)), let version = Int(Self.text(result, 2)) else {
            throw EventStoreError(.server, "append_event returned no row")
        }
        return AppendResult(firstPosition: first, lastPosition: last, streamVersion: version, wasDuplicate: Self.text(result, 3) == "t")
    }

    private static func text(_ result: OpaquePointer?, _ column: Int32) -> String { String(cString: PQgetvalue(result, 0, column)) }

    /// libpq's PG_DIAG_ field codes, character macros that Swift does not import.
    private static let sqlState = Int32(UInt8(ascii: "C")), messagePrimary = Int32(UInt8(ascii: "M")), messageDetail = Int32(UInt8(ascii: "D"))

    private static func error(_ result: OpaquePointer?, stream: StreamID?, expected: Int?) -> EventStoreError {
        func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
        guard let state = field(sqlState) else {
            return EventStoreError(.server, "Database client error: \(String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return EventStoreError.fromServer(state: state, message: field(messagePrimary), detail: field(messageDetail), stream: stream, expected: expected)
    }

    deinit {
        if !closed { PQfinish(connection) }
    }

    /// Closes the connection; later appends through it fail. Its thread ends with the last
    /// holder of `executor`.
    public func close() async {
        await withTaskExecutorPreference(executor) {
            if !self.closed { PQfinish(self.connection); self.closed = true }
        }
    }
}
