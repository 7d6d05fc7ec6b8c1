import CLibPQ
import Foundation
import NewsroomDomain
import NewsroomEventStore

/// A command's usual append (`append_event`: one event), and a draft's pair of them, sent through
/// libpq on a connection of its own. Through PostgresNIO the same append cost its client
/// 99–149 µs of CPU; through libpq, 52–76 µs (BENCHMARKS.md, the twenty-ninth session).
/// Everything else stays on PostgresNIO.
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
    static let pairStatementName = "newsroom.append_event_pair"

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
            for (name, statement, count) in [(statementName, OneEventAppend.statement, 12), (pairStatementName, OneEventAppend.pairStatement, 24)] {
                let prepared = PQprepare(connection, name, statement, Int32(count), nil)
                defer { PQclear(prepared) }
                guard PQresultStatus(prepared) == PGRES_COMMAND_OK else {
                    let error = Self.error(prepared, stream: nil, expected: nil)
                    PQfinish(connection)
                    throw error
                }
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

    /// Appends two one-event appends in one statement as `EventStore.append(_:_:requiring:)` does,
    /// with the same answers and errors.
    public func append(_ first: OneEventAppend, _ second: OneEventAppend) async throws -> (AppendResult, AppendResult) {
        try await withTaskExecutorPreference(executor) { try self.appendPairHere(first, second) }
    }

    private func appendHere(_ append: OneEventAppend) throws -> AppendResult {
        try execute(Self.statementName, append.parameters, stream: append.stream, expected: append.expectedVersion) { result in
            guard PQntuples(result) == 1, PQnfields(result) == 4, let answer = Self.appendResult(result, row: 0, from: 0) else {
                throw EventStoreError(.server, "append_event returned no row")
            }
            return answer
        }
    }

    private func appendPairHere(_ first: OneEventAppend, _ second: OneEventAppend) throws -> (AppendResult, AppendResult) {
        try execute(Self.pairStatementName, first.parameters + second.parameters, stream: first.stream, expected: first.expectedVersion) { result in
            var answers: [Int: AppendResult] = [:]
            if PQnfields(result) == 5 {
                for row in 0..<PQntuples(result) {
                    if let step = Int(Self.text(result, row, 0)), let answer = Self.appendResult(result, row: row, from: 1) { answers[step] = answer }
                }
            }
            guard let one = answers[1], let two = answers[2] else { throw EventStoreError(.server, "the log returned no row for one of two appends") }
            return (one, two)
        }
    }

    /// Runs the prepared statement `name` with `parameters` (text, nil for NULL) and reads its
    /// rows with `rows`; a refusal becomes the `EventStoreError` PostgresNIO's path raises.
    private func execute<T>(_ name: String, _ parameters: [String?], stream: StreamID, expected: Int?, rows: (OpaquePointer?) throws -> T) throws -> T {
        guard !closed else { throw EventStoreError(.databaseUnavailable, "The append connection was closed.") }
        let texts = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { texts.forEach { free($0) } }
        let result = texts.map { $0.map { UnsafePointer($0) } }.withUnsafeBufferPointer {
            PQexecPrepared(connection, name, Int32($0.count), $0.baseAddress, nil, nil, 0)
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else {
            if PQstatus(connection) != CONNECTION_OK {
                throw EventStoreError(.databaseUnavailable, "The database connection was lost during an append: \(String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)). Whether it was recorded is unknown: resend the command with the same --command-id.")
            }
            throw Self.error(result, stream: stream, expected: expected)
        }
        return try rows(result)
    }

    /// An append's four columns (first_position, last_position, stream_version, duplicate) of
    /// `row`, starting at column `from`.
    private static func appendResult(_ result: OpaquePointer?, row: Int32, from column: Int32) -> AppendResult? {
        guard let first = Int64(text(result, row, column)), let last = Int64(text(result, row, column + 1)),
              let version = Int(text(result, row, column + 2)) else { return nil }
        return AppendResult(firstPosition: first, lastPosition: last, streamVersion: version, wasDuplicate: text(result, row, column + 3) == "t")
    }

    private static func text(_ result: OpaquePointer?, _ row: Int32, _ column: Int32) -> String { String(cString: PQgetvalue(result, row, column)) }

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
