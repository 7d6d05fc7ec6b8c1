import ArgumentParser
import Foundation
import Logging
import NewsroomEventStore
import NewsroomProjections

struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Operate the read models folded from the log.",
        subcommands: [ProjectionsStatus.self, ProjectionsRebuild.self, ProjectionsRun.self])
}

struct ProjectionsStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Each projection: version, checkpoint, lag, and whether a follower runs.")
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let database = try await connection.open()
            let statuses = try await database.withClient { try await ProjectionRunner(client: $0).status() }
            if connection.json {
                printJSON(statuses.map { ["name": $0.name, "version": $0.version, "installedVersion": $0.installedVersion ?? NSNull(),
                                          "checkpoint": $0.checkpoint.description, "eventsApplied": $0.eventsApplied, "lagEvents": $0.lagEvents,
                                          "lagSeconds": $0.lagSeconds, "followerRunning": $0.runnerActive] as [String: Any] })
                return
            }
            printText(table(["PROJECTION", "VERSION", "CHECKPOINT", "APPLIED", "LAG", "FOLLOWER"], statuses.map { s in
                let version = s.installedVersion.map { $0 == s.version ? "\($0)" : "\($0) (needs rebuild to \(s.version))" } ?? "not installed"
                return [s.name, version, s.checkpoint.description, "\(s.eventsApplied)", "\(s.lagEvents) events, \(String(format: "%.1f", s.lagSeconds)) s", s.runnerActive ? "running" : "not running"]
            }))
        }
    }
}

struct ProjectionsRebuild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild read models from the whole log beside the live ones, then swap them in atomically.",
        discussion: "Needs the database's administrator (it creates schemas). Several read models rebuild from one read of the log, side by side. Readers keep the old model until its swap. A killed rebuild resumes where it stopped.")

    @Argument(help: "The read models to rebuild: \(Projections.all.map(\.name).joined(separator: ", ")). All of them when none is named.")
    var names: [String] = []
    @Option(help: "Events per batch. Each batch is a transaction on the shadow copies; while one is open, live read models wait to see newer commits (about 0.1 s per 2,000 events).")
    var batchSize = ProjectionRunner.rebuildBatchSize
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard (1...100_000).contains(batchSize) else {
            throw ValidationError("--batch-size must be between 1 and 100000, not \(batchSize).")
        }
        for name in names where Projections.named(name) == nil {
            throw ValidationError("There is no projection \"\(name)\". Projections: \(Projections.all.map(\.name).joined(separator: ", ")).")
        }
    }

    func run() async throws {
        try await guarded(json: connection.json) {
            let projections = names.isEmpty ? Projections.all : Projections.all.filter { names.contains($0.name) }
            let label = projections.map(\.name).joined(separator: ", ")
            let database = try await connection.open()
            let started = Date()
            let progress = ProgressReporter(label: "rebuilding \(label)")
            let count = try await database.withClient { client in
                try await ProjectionRunner(client: client, batchSize: batchSize).rebuild(projections) { done, total in progress.report(done: done, total: total) }
            }
            progress.finish()
            let seconds = Date().timeIntervalSince(started)
            if connection.json {
                printJSON(["projections": projections.map(\.name), "events": count, "seconds": seconds])
            } else {
                printText("rebuilt \(label) from \(count) events in \(String(format: "%.2f", seconds)) s (\(Int(Double(count) / max(seconds, 0.001))) events/s) and swapped \(projections.count == 1 ? "it" : "them") in")
            }
        }
    }
}

/// A progress bar with rate and ETA on a terminal; plain lines otherwise.
final class ProgressReporter: @unchecked Sendable {
    let label: String
    let started = Date()
    let isTerminal = isatty(STDERR_FILENO) == 1
    var lastLine = Date.distantPast
    let lock = NSLock()

    init(label: String) { self.label = label }

    func report(done: Int, total: Int) {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastLine) >= (isTerminal ? 0.1 : 2) else { return }
        lastLine = now
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(max(total - done, 0)) / rate : 0
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let text = "\(label): \(done)/\(total) events, \(Int(rate)) events/s, ETA \(Int(eta)) s"
        if isTerminal {
            let bar = String(repeating: "█", count: Int(fraction * 30)) + String(repeating: "░", count: 30 - Int(fraction * 30))
            StandardOutput.error(Data("\r\(bar) \(text)\u{1B}[K".utf8))
        } else {
            StandardOutput.error(Data("\(text)\n".utf8))
        }
    }

    func finish() {
        if isTerminal { StandardOutput.error(Data("\n".utf8)) }
    }
}

struct ProjectionsRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Follow the log for every projection until SIGTERM or SIGINT, then stop cleanly.",
        discussion: "Run it on as many machines as you like: one follows, the others stand by and take over when it stops.")

    @Option(help: "Least severe log level written to standard error: info (standing by, following), warning (lost connections), error.")
    var logLevel: Logger.Level = .info
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await guarded(json: connection.json) {
            let database = try await connection.open()
            // A daemon's operator needs to hear when it stands by or loses its database.
            var logger = Logger(label: "newsroom.projections") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = logLevel
            let follower = ProjectionFollower(settings: database.settings, logger: logger)
            let task = Task { await follower.run { applied in StandardOutput.write(Data("applied \(applied) events\n".utf8)) } }
            let signals = [SIGTERM, SIGINT].map { signalNumber -> any DispatchSourceSignal in
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber)
                source.setEventHandler { task.cancel() }
                source.resume()
                return source
            }
            StandardOutput.write(Data("running; stop with Ctrl-C or SIGTERM (standard error says whether this process follows the log or stands by)\n".utf8))
            await task.value
            signals.forEach { $0.cancel() }
            printText("stopped")
        }
    }
}
