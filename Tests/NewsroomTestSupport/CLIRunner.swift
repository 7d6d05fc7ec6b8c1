import Foundation
import Synchronization
import NewsroomEventStore

/// Runs the built `newsroom` executable against a test database, as a given PostgreSQL role.
public struct CLIRunner: Sendable {
    public var database: ConnectionSettings
    public var extraEnvironment: [String: String] = [:]

    public init(database: ConnectionSettings, extraEnvironment: [String: String] = [:]) {
        self.database = database
        self.extraEnvironment = extraEnvironment
    }

    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
        public var object: [String: Any] { json as? [String: Any] ?? [:] }
    }

    public static var executable: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("newsroom")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return TestCluster.packageDirectory.appendingPathComponent(".build/debug/newsroom")
    }

    /// `newsroom ARGS` with PG* pointing at the test database and PGUSER = `user`.
    /// `input`, when given, is the process's standard input; otherwise it reads /dev/null.
    public func run(_ arguments: [String], as user: String? = nil, environment: [String: String] = [:], input: Data? = nil) async throws -> Output {
        var env = self.environment(as: user)
        env.merge(environment) { $1 }
        return try await Self.spawn(Self.executable.path, arguments, environment: env, input: input)
    }

    /// The environment `run` gives newsroom: PG* pointing at the test database, PGUSER = `user`.
    public func environment(as user: String?) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && $0.key != "DATABASE_URL" }
        if case .tcp(let host, let port) = database.endpoint {
            env["PGHOST"] = host
            env["PGPORT"] = String(port)
        }
        env["PGDATABASE"] = database.database
        env["PGUSER"] = user ?? database.user
        env["NEWSROOM_SCHEMA_DIR"] = TestCluster.schemaDirectory.path
        env.merge(extraEnvironment) { $1 }
        return env
    }

    /// Runs a process without blocking Swift's cooperative threads: on a two-core machine there
    /// are two of them, and blocking reads there stalled every other test (their open
    /// transactions then held the cluster's read horizon for seconds).
    public static func spawn(_ path: String, _ arguments: [String], environment: [String: String], input: Data? = nil) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = input.map { _ in Pipe() }
        process.standardInput = stdin ?? FileHandle.nullDevice
        let exited = ExitSignal()
        process.terminationHandler = { _ in exited.fire() }
        try process.run()
        if let stdin, let input {
            // A writer of its own: a large input fills the pipe before the process reads it. A
            // process that stops reading early (a refused input) must not end the tests with SIGPIPE.
            signal(SIGPIPE, SIG_IGN)
            let handle = stdin.fileHandleForWriting
            Thread {
                try? handle.write(contentsOf: input)
                try? handle.close()
            }.start()
        }
        async let stdout = readToEnd(out.fileHandleForReading)
        async let stderr = readToEnd(err.fileHandleForReading)
        let (o, e) = await (stdout, stderr)
        await exited.wait()
        return Output(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: handle.readDataToEndOfFile()) }.start()
        }
    }

    public static var fixturesDirectory: URL {
        TestCluster.packageDirectory.appendingPathComponent("Tests/Fixtures")
    }
}

/// A process's exit, awaited without blocking a thread.
final class ExitSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.fired = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.fired { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
