import Foundation
import NewsroomTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `newsroom serve --with-projector` as an operator runs it: one process that follows the log and
/// serves what it projects, and stops cleanly on SIGTERM.
@Suite("newsroom serve, as a process")
struct ServeCLITests {
    @Test("with the projector: a published article is served without `projections run`, the start logs no warning, and SIGTERM ends it with exit 0")
    func serveWithProjector() async throws {
        let desk = try await Newsdesk.make()
        let port = try Self.freePort()
        let (server, log) = try Self.start(["serve", "--with-projector", "--port", String(port), "--idle-timeout", "1"], desk)
        defer { if server.isRunning { server.terminate() } }

        #expect(try await Self.waitFor(port: port, path: "/healthz", status: 200), "the server did not answer /healthz: \(Self.text(log))")
        #expect(try await Self.waitForBody(port: port, path: "/healthz", containing: #""follower":"running""#), "\(Self.text(log))")
        try await desk.publish(try await desk.draft("Gempa Maroko", body: "TEMPO.CO, Jakarta - Isi berita."))
        // Nobody ran `projections run`: the server's own follower brings the article to the site.
        #expect(try await Self.waitFor(port: port, path: "/articles/gempa-maroko", status: 200), "not served: \(Self.text(log))")
        // A connection that sends nothing is closed after --idle-timeout, not kept for ever.
        let idle = try await CLIRunner.spawn("/usr/bin/env", ["python3", "-c", """
            import socket, time
            s = socket.create_connection(("127.0.0.1", \(port))); s.settimeout(15); start = time.time()
            print(len(s.recv(1)), round(time.time() - start, 1))
            """], environment: ProcessInfo.processInfo.environment)
        let closed = idle.stdout.split(separator: " ")
        #expect(closed.first == "0" && (Double(closed.last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 99) < 5, "\(idle.stdout) \(idle.stderr)")

        #expect(try await Self.stop(server), "SIGTERM did not end the server with exit 0 within 20 s: \(Self.text(log))")
        let output = Self.text(log)
        #expect(output.contains("following the log"), "\(output)")
        #expect(!output.contains("warning"), "\(output)")
        #expect(!output.contains("error"), "\(output)")
    }

    @Test("without the projector: the server warns that nothing follows the log; `projections run` follows, a second one stands by (said once) and takes over when the first stops")
    func serveBesideProjectionsRun() async throws {
        let desk = try await Newsdesk.make()
        let port = try Self.freePort()
        let (server, serverLog) = try Self.start(["serve", "--port", String(port)], desk)
        defer { if server.isRunning { server.terminate() } }
        #expect(try await Self.waitForBody(port: port, path: "/healthz", containing: #""follower":"not running""#), "\(Self.text(serverLog))")
        #expect(try await Self.waitFor(serverLog, toContain: "no follower is keeping the read models current"), "\(Self.text(serverLog))")
        #expect(Self.text(serverLog).contains("newsroom projections run"))

        let (first, firstLog) = try Self.start(["projections", "run"], desk)
        defer { if first.isRunning { first.terminate() } }
        #expect(try await Self.waitFor(firstLog, toContain: "following the log"), "\(Self.text(firstLog))")
        #expect(try await Self.waitForBody(port: port, path: "/healthz", containing: #""follower":"running""#))
        try await desk.publish(try await desk.draft("Banjir Jakarta", body: "TEMPO.CO, Jakarta - Isi berita."))
        #expect(try await Self.waitFor(port: port, path: "/articles/banjir-jakarta", status: 200), "not served: \(Self.text(firstLog))")

        let (second, secondLog) = try Self.start(["projections", "run"], desk)
        defer { if second.isRunning { second.terminate() } }
        #expect(try await Self.waitFor(secondLog, toContain: "standing by"), "\(Self.text(secondLog))")
        // It looks again every 2 s; three looks later it has still said so only once.
        try await Task.sleep(for: .seconds(5))
        #expect(Self.text(secondLog).components(separatedBy: "standing by").count == 2, "\(Self.text(secondLog))")
        #expect(!Self.text(secondLog).contains("following the log\n"), "\(Self.text(secondLog))")

        #expect(try await Self.stop(first), "\(Self.text(firstLog))")
        #expect(try await Self.waitFor(secondLog, toContain: "[NewsroomProjections] following the log"), "the standby did not take over: \(Self.text(secondLog))")
        #expect(try await Self.stop(second), "\(Self.text(secondLog))")
        #expect(try await Self.stop(server), "\(Self.text(serverLog))")
        for log in [serverLog, firstLog, secondLog] { #expect(Self.lines(log, atLevels: ["error", "critical"]).isEmpty, "\(Self.text(log))") }
        for log in [firstLog, secondLog] { #expect(Self.lines(log, atLevels: ["warning"]).isEmpty, "\(Self.text(log))") }
    }

    /// The log lines written at one of `levels` ("2026-12-07T22:40:18+0000 warning label: ...").
    static func lines(_ file: URL, atLevels levels: Set<String>) -> [Substring] {
        text(file).split(separator: "\n").filter { line in
            let fields = line.split(separator: " ", maxSplits: 2)
            return fields.count > 1 && levels.contains(String(fields[1]))
        }
    }

    static func text(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }

    /// Starts the CLI as a process of its own with `desk`'s database, standard output and error
    /// going to a fresh log file.
    static func start(_ arguments: [String], _ desk: Newsdesk) throws -> (Process, URL) {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.environment = desk.cli.environment(as: nil)
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(arguments[0])-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
        return (process, log)
    }

    /// SIGTERM, then true if the process ended by itself with exit 0 within 20 seconds.
    static func stop(_ process: Process) async throws -> Bool {
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            // Foundation traps on the status of a process still running: end it, then read it.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return false
        }
        return process.terminationReason == .exit && process.terminationStatus == 0
    }

    /// Reads `file` until it contains `text`, for up to 20 seconds.
    static func waitFor(_ file: URL, toContain text: String) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if Self.text(file).contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Asks `path` with curl until its body contains `text`, for up to 20 seconds.
    static func waitForBody(port: Int, path: String, containing text: String) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let out = try await CLIRunner.spawn("/usr/bin/env", ["curl", "-s", "http://127.0.0.1:\(port)\(path)"], environment: ProcessInfo.processInfo.environment)
            if out.stdout.contains(text) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// A port nothing listens on: the kernel picks it for a socket that is then closed.
    @Test("serve refuses what it cannot listen on, with what to do: a port in use (69), a port out of range, an unknown host, an address not this machine's (64)")
    func addressesItCannotUse() async throws {
        let desk = try await Newsdesk.make()
        let (taken, port) = try Self.listeningSocket()
        defer { close(taken) }
        for (arguments, status, expected) in [
            (["--port", String(port)], Int32(69), "127.0.0.1:\(port) is already in use by another program"),
            (["--port", "99999"], 64, "--port must be from 1 to 65535, not 99999."),
            (["--port", "0"], 64, "--port must be from 1 to 65535, not 0."),
            (["--host", "no-such-host.invalid", "--port", String(port)], 64, "--host no-such-host.invalid is neither an IP address nor a name this machine can resolve"),
            (["--host", "192.0.2.1", "--port", String(port)], 64, "--host 192.0.2.1 is not an address of this machine"),
        ] {
            let out = try await desk.cli.run(["serve"] + arguments)
            #expect(out.status == status, "\(arguments): \(out.stderr)")
            #expect(out.stderr.contains(expected), "\(arguments): \(out.stderr)")
            #expect(!out.stderr.contains("unexpected error"), "\(arguments): \(out.stderr)")
        }
        let json = try await desk.cli.run(["serve", "--port", String(port), "--json"])
        #expect(json.status == 69)
        #expect((json.object["error"] as? [String: Any])?["kind"] as? String == "address-unavailable", "\(json.stdout)")
    }

    /// A socket listening on a free port of 127.0.0.1, for as long as the caller keeps it open.
    static func listeningSocket() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError(message: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 1) == 0 else { close(fd); throw TestSetupError(message: "bind() or listen() failed") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError(message: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw TestSetupError(message: "bind() failed") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Asks `path` with curl until it answers `status`, for up to 20 seconds.
    static func waitFor(port: Int, path: String, status: Int) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let out = try await CLIRunner.spawn("/usr/bin/env", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)\(path)"],
                                                environment: ProcessInfo.processInfo.environment)
            if Int(out.stdout) == status { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
