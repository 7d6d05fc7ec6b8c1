import Foundation

/// The embedded default: a PostgreSQL cluster that newsroom creates and starts itself in a data
/// folder, reachable only through a Unix socket inside that folder.
///
/// When run as root the server runs as an unprivileged account (`postgres` by default), because
/// `initdb` and `postgres` refuse to run as root.
public struct LocalCluster: Sendable {
    public let directory: URL
    public let binDirectory: URL
    public let serverUser: String?
    public static let port = 5432
    public static let databaseName = "newsroom"

    public var dataDirectory: URL { directory.appendingPathComponent("pgdata") }
    public var socketDirectory: URL { directory.appendingPathComponent("run") }
    public var logFile: URL { directory.appendingPathComponent("postgres.log") }
    public var socketPath: String { socketDirectory.appendingPathComponent(".s.PGSQL.\(Self.port)").path }

    /// The cluster's superuser: the account that created it, as initdb would name it.
    public var adminUser: String { currentUserName() }

    public init(directory: URL? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.directory = directory ?? Self.defaultDirectory(environment: environment)
        self.binDirectory = try Self.locateBinaries(environment: environment)
        self.serverUser = geteuid() == 0 ? (nonEmpty(environment["NEWSROOM_SERVER_USER"]) ?? "postgres") : nil
    }

    /// `NEWSROOM_DATA_DIR`, else `/var/lib/newsroom` for root, else `$XDG_DATA_HOME/newsroom`
    /// (`~/.local/share/newsroom`).
    public static func defaultDirectory(environment: [String: String]) -> URL {
        if let dir = nonEmpty(environment["NEWSROOM_DATA_DIR"]) { return URL(fileURLWithPath: dir) }
        if geteuid() == 0 { return URL(fileURLWithPath: "/var/lib/newsroom") }
        if let xdg = nonEmpty(environment["XDG_DATA_HOME"]) { return URL(fileURLWithPath: xdg).appendingPathComponent("newsroom") }
        let home = nonEmpty(environment["HOME"]) ?? FileManager.default.homeDirectoryForCurrentUser.path
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/newsroom")
    }

    public static func locateBinaries(environment: [String: String]) throws -> URL {
        var candidates: [String] = []
        if let explicit = nonEmpty(environment["NEWSROOM_PG_BIN"]) { candidates.append(explicit) }
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        candidates += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for dir in candidates where FileManager.default.isExecutableFile(atPath: "\(dir)/initdb") && FileManager.default.isExecutableFile(atPath: "\(dir)/pg_ctl") {
            return URL(fileURLWithPath: dir)
        }
        throw EventStoreError(.databaseUnavailable, """
            PostgreSQL's server programs (initdb, pg_ctl) were not found, so newsroom cannot start its local database.
            Install them: `apt-get install postgresql` (Debian/Ubuntu), or set NEWSROOM_PG_BIN to their folder.
            Or use a server you already have: set DATABASE_URL=postgres://user@host:5432/newsroom (or PGHOST/PGPORT/PGDATABASE),
            or start one with `docker compose up -d postgres` and DATABASE_URL=postgres://newsroom:newsroom@localhost:5432/newsroom.
            """)
    }

    public var isInitialized: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path)
    }

    public var isRunning: Bool {
        guard isInitialized else { return false }
        return (try? run(tool: "pg_ctl", ["status", "-D", dataDirectory.path]).status) == 0
    }

    /// Connection settings for the cluster's `newsroom` database.
    public func settings(user: String? = nil, password: String? = nil) -> ConnectionSettings {
        ConnectionSettings(endpoint: .socket(path: socketPath), user: user ?? adminUser, password: password, database: Self.databaseName)
    }

    /// Which migrations the local database was last brought up to, so that a command can tell
    /// without a round trip whether the checkout has added some since.
    var schemaStampFile: URL { directory.appendingPathComponent("schema.stamp") }

    func appliedSchemaStamp() -> String? {
        try? String(contentsOf: schemaStampFile, encoding: .utf8)
    }

    func recordSchemaStamp(_ stamp: String) {
        try? stamp.write(to: schemaStampFile, atomically: true, encoding: .utf8)
    }

    public enum StartOutcome: Sendable { case alreadyRunning, started, createdAndStarted }

    /// Creates the cluster if needed and starts it. Safe to call from several processes at once.
    @discardableResult
    public func start() throws -> StartOutcome {
        try prepareDirectory()
        return try withFileLock {
            var created = false
            if !isInitialized {
                let result = try run(tool: "initdb", ["-D", dataDirectory.path, "-U", adminUser, "-A", "trust", "-E", "UTF8", "--no-locale"])
                guard result.status == 0 else {
                    throw EventStoreError(.databaseUnavailable, "initdb failed in \(dataDirectory.path):\n\(result.output)")
                }
                created = true
            }
            if isRunning { return .alreadyRunning }
            let options = "-k \(socketDirectory.path) -c listen_addresses='' -p \(Self.port) -c fsync=on"
            let result = try run(tool: "pg_ctl", ["start", "-w", "-t", "60", "-D", dataDirectory.path, "-l", logFile.path, "-o", options])
            guard result.status == 0 else {
                let log = (try? String(contentsOf: logFile, encoding: .utf8))?.split(separator: "\n").suffix(8).joined(separator: "\n") ?? ""
                throw EventStoreError(.databaseUnavailable, "The local PostgreSQL did not start (data folder \(dataDirectory.path)).\n\(result.output)\nLast lines of \(logFile.path):\n\(log)")
            }
            return created ? .createdAndStarted : .started
        }
    }

    public func stop() throws -> Bool {
        guard isRunning else { return false }
        let result = try run(tool: "pg_ctl", ["stop", "-w", "-m", "fast", "-D", dataDirectory.path])
        guard result.status == 0 else {
            throw EventStoreError(.databaseUnavailable, "pg_ctl stop failed:\n\(result.output)")
        }
        return true
    }

    private func prepareDirectory() throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: socketDirectory, withIntermediateDirectories: true)
        } catch {
            throw EventStoreError(.databaseUnavailable, Self.unusableFolderMessage(directory, error))
        }
        if let serverUser {
            guard let pw = getpwnam(serverUser) else {
                throw EventStoreError(.databaseUnavailable, """
                    newsroom runs as root, and PostgreSQL refuses to run as root, so the local server runs as the \
                    account "\(serverUser)", which does not exist. Create it (`apt-get install postgresql` does) or set \
                    NEWSROOM_SERVER_USER to another unprivileged account.
                    """)
            }
            for path in [directory.path, socketDirectory.path] { chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid) }
            if fm.fileExists(atPath: logFile.path) { chown(logFile.path, pw.pointee.pw_uid, pw.pointee.pw_gid) }
        }
        chmod(directory.path, 0o700)
        chmod(socketDirectory.path, 0o700)
    }

    /// Why the data folder cannot be made, in words a person can act on: Foundation's error names
    /// Cocoa codes and the folder below the one the person named.
    static func unusableFolderMessage(_ directory: URL, _ error: any Error) -> String {
        let fix = "Pick another folder with --data-dir or NEWSROOM_DATA_DIR, or configure a server with DATABASE_URL or PGHOST."
        var existing = directory
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" { existing.deleteLastPathComponent() }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: existing.path, isDirectory: &isFolder), !isFolder.boolValue {
            return "The local database's data folder cannot be \(directory.path): \(existing.path) is a file, not a folder. \(fix)"
        }
        if !FileManager.default.isWritableFile(atPath: existing.path) {
            return "The local database's data folder cannot be made in \(existing.path): you (\(currentUserName())) may not write there. \(fix)"
        }
        // corelibs-foundation keeps the POSIX cause as a Swift error, which `as? NSError` misses.
        let underlying = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
        let reason = underlying.map { $0.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32($0.code))) : $0.localizedDescription }
            ?? (error as NSError).localizedDescription
        return "The local database's data folder \(directory.path) cannot be made: \(reason). \(fix)"
    }

    private func withFileLock<T>(_ body: () throws -> T) throws -> T {
        let lockPath = directory.appendingPathComponent(".start.lock").path
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return try body() }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    struct ToolResult { var status: Int32; var output: String }

    /// The server that `pg_ctl start` leaves running must inherit none of our descriptors: a pipe
    /// it held would keep whoever reads our output waiting until the server stops.
    static func closeDescriptorsOnExec() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for fd in entries.compactMap(Int32.init) where fd > 2 {
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Runs a PostgreSQL program, as the server account when we are root.
    ///
    /// posix_spawn and waitpid rather than Foundation's Process: Process learns that a child ended
    /// from a descriptor the child holds, and the server that `pg_ctl start` leaves behind inherits
    /// it, so Process would wait for the server to stop.
    func run(tool: String, _ arguments: [String]) throws -> ToolResult {
        let toolPath = binDirectory.appendingPathComponent(tool).path
        var argv: [String]
        if let serverUser {
            let runuser = FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") ? "/usr/sbin/runuser" : "/sbin/runuser"
            argv = [runuser, "-u", serverUser, "--", toolPath] + arguments
        } else {
            argv = [toolPath] + arguments
        }
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("newsroom-\(tool)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        Self.closeDescriptorsOnExec()

        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArgs { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ)
        guard spawned == 0 else {
            throw EventStoreError(.databaseUnavailable, "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return ToolResult(status: exitCode, output: output)
    }
}
