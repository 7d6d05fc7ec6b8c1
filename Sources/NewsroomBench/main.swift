import Foundation
import Logging
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore
import NewsroomProjections
import PostgresNIO
import Synchronization

// Measures newsroom's own paths on the database named by PG*; Scripts/bench runs the raw
// PostgreSQL baselines in the same run and computes the ratios. Prints one JSON object.
//   newsroom-bench commands SECONDS WRITERS   commands/s through the CLI's command path
//   newsroom-bench history ARTICLES           appends ARTICLES realistic histories (~20 events each)
//   newsroom-bench rebuild                    rebuilds published + audit; events/s and peak RSS
//   newsroom-bench lag SECONDS RATE           commands at RATE/s with a follower running; commit-to-row lag

let logger = Logger.quiet("newsroom.bench")
let arguments = CommandLine.arguments.dropFirst()
guard let settings = try ConnectionSettings.fromEnvironment(ProcessInfo.processInfo.environment) else {
    FileHandle.standardError.write(Data("newsroom-bench: set PGHOST/PGPORT/PGDATABASE (Scripts/bench does)\n".utf8))
    exit(64)
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func peakRSSKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

enum Bench {
static let paragraph = "Presiden Rusia Vladimir Putin menerima undangan Kim Jong Un untuk mengunjungi Korea Utara, sehingga memicu kekhawatiran Amerika Serikat bahwa kebangkitan poros Moskow-Pyongyang dapat memperkuat militer Rusia di Ukraina. "
static func body(_ n: Int) -> String { String(repeating: paragraph, count: 14 + n % 22) }  // 3-8 KB

/// Runs `body` for writers 0..<count at once; the total of what they return.
static func summed(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Int) async throws -> Int {
    try await withThrowingTaskGroup(of: Int.self) { group in
        for writer in 0..<count { group.addTask { try await body(writer) } }
        var total = 0
        for try await part in group { total += part }
        return total
    }
}

/// Calls `step` with 0, 1, 2, ... until `seconds` have passed; returns how many calls ran.
static func repeatFor(_ seconds: Double, _ step: (Int) async throws -> Void) async throws -> Int {
    let deadline = Date().addingTimeInterval(seconds)
    var done = 0
    while Date() < deadline {
        try await step(done)
        done += 1
    }
    return done
}

/// Staff for the benchmark, as the administrator (idempotent).
static func ensureStaff(_ newsroom: Newsroom, editors: Int) async throws -> [String] {
    let logins = (0..<editors).map { "bench_editor_\($0)" }
    for login in logins { try await newsroom.addStaff(login: login, displayName: login, role: .chief, commandID: UUID()) }
    return logins
}
}

switch arguments.first {
case "commands":
    let seconds = Double(arguments.dropFirst().first ?? "10") ?? 10
    let writers = Int(arguments.dropFirst(2).first ?? "1") ?? 1
    let logins = try await Database.withClient(settings, logger: logger) { try await Bench.ensureStaff(Newsroom(store: EventStore(client: $0, logger: logger)), editors: writers) }
    let counts = try await Bench.summed(writers) { writer in
        let login = logins[writer]
        return try await Database.withClient(settings.with(user: login), logger: logger, maximumConnections: 2) { client in
            let newsroom = Newsroom(store: EventStore(client: client, logger: logger))
            // Articles carry about 20 events in a newsroom: start a fresh one every 20 commands,
            // so the fold stays the size it has in real life. The draft counts as a command.
            var id = ArticleID()
            return try await Bench.repeatFor(seconds) { done in
                if done % 20 == 0 {
                    id = try await newsroom.draft(ArticleFields(headline: "Bench \(login) \(done)", body: Bench.body(done)), slug: "bench-\(UUID().uuidString.prefix(13).lowercased())", commandID: UUID()).articleID
                } else {
                    _ = try await newsroom.execute(.edit(ArticleFields(summary: "Ringkasan \(done)")), on: id, commandID: UUID())
                }
            }
        }
    }
    emit(["path": "commands", "writers": writers, "seconds": seconds, "commands": counts, "perSecond": Double(counts) / seconds])

case "appends":
    // The event store alone: one event per append transaction, each writer on its own stream.
    let seconds = Double(arguments.dropFirst().first ?? "10") ?? 10
    let writers = Int(arguments.dropFirst(2).first ?? "1") ?? 1
    let total = try await Database.withClient(settings, logger: logger, maximumConnections: writers + 1) { client in
        let store = EventStore(client: client, logger: logger)
        return try await Bench.summed(writers) { writer in
            let stream = StreamID("bench-\(writer)-\(UUID())")
            return try await Bench.repeatFor(seconds) { version in
                _ = try await store.append([NewEvent(type: "ArticleEdited", payload: #"{"summary":"Ringkasan berita tentang Putin dan Kim"}"#)], to: stream, streamType: "bench",
                                           expectedVersion: version == 0 ? .noStream : .exactly(version), metadata: EventMetadata(commandID: UUID()), digest: "bench")
            }
        }
    }
    emit(["path": "appends", "writers": writers, "seconds": seconds, "appends": total, "perSecond": Double(total) / seconds])

case "history":
    let articles = Int(arguments.dropFirst().first ?? "1000") ?? 1000
    let started = Date()
    try await Database.withClient(settings, logger: logger) { client in
        let newsroom = Newsroom(store: EventStore(client: client, logger: logger))
        let editor = try await Bench.ensureStaff(newsroom, editors: 1)[0]
        // One realistic history through the real commands, then cloned in SQL with fresh ids.
        let template = try await Database.withClient(settings.with(user: editor), logger: logger) { editorClient in
            let room = Newsroom(store: EventStore(client: editorClient, logger: logger))
            let id = try await room.draft(ArticleFields(headline: "Putin Siap Penuhi Undangan Kim Jong Un", body: Bench.body(3), dateline: "TEMPO.CO, Jakarta", language: "id"), slug: "bench-template-\(UUID().uuidString.prefix(8).lowercased())", commandID: UUID()).articleID
            let commands: [ArticleCommand] = [
                .edit(ArticleFields(summary: "Ringkasan")), .edit(ArticleFields(body: Bench.body(7))), .edit(ArticleFields(tags: ["Rusia", "Korea Utara"])),
                .edit(ArticleFields(section: "Dunia")), .edit(ArticleFields(body: Bench.body(11))), .setByline(reporters: [BylineEntry(name: "Rina Widiastuti")], wireSource: "REUTERS"),
                .attachImage(mediaID: "lead", url: "https://example.com/lead.jpg", altText: "Putin dan Kim"),
                .attachCaption(mediaID: "lead", caption: "Putin dan Kim di Vostochny", credit: "Sputnik/Mikhail Metzel/Kremlin via REUTERS"),
                .assignEditor(login: editor), .relate(ArticleReference(title: "Xi Jinping dan Putin")), .pick(ArticleReference(title: "Gempa Maroko")),
                .edit(ArticleFields(body: Bench.body(13))), .submit, .requestChanges(note: "Tambah sumber"), .edit(ArticleFields(body: Bench.body(17))), .submit, .approve,
                .publish(schedule: nil, embargoUntil: nil), .correct(note: "Nama diperbaiki", changes: ArticleFields(headline: "Putin Siap Penuhi Undangan Kim")),
            ]
            for command in commands { _ = try await room.execute(command, on: id, commandID: UUID()) }
            return id
        }
        let stream = "article-\(template)"
        var remaining = articles - 1
        while remaining > 0 {
            let batch = min(remaining, 200)
            // The uuid subquery refers to g so that it runs per row, not once for the statement.
            let rows = try await client.query("""
                SELECT count(*)::bigint FROM generate_series(1, \(batch)) g, LATERAL (SELECT gen_random_uuid() AS id WHERE g IS NOT NULL) n,
                LATERAL append_events('article-' || n.id, 'article', 0, gen_random_uuid(), 'bench',
                    (SELECT jsonb_agg(jsonb_build_object('event_id', gen_random_uuid(), 'event_type', e.event_type, 'schema_version', e.schema_version,
                        'payload', CASE WHEN e.event_type = 'ArticleDrafted'
                            THEN jsonb_set(jsonb_set(e.payload, '{articleID}', to_jsonb(n.id::text)), '{slug}', to_jsonb('bench-' || n.id::text))
                            WHEN e.event_type = 'SlugChanged' THEN e.payload ELSE e.payload END,
                        'metadata', e.metadata) ORDER BY e.stream_version)
                     FROM events e WHERE e.stream_id = \(stream))) a
                """, logger: logger)
            for try await _ in rows.decode(Int64.self) {}
            remaining -= batch
        }
    }
    let events = try await Database.withClient(settings, logger: logger) { client in
        var count: Int64 = 0
        for try await c in try await client.query("SELECT count(*)::bigint FROM events", logger: logger).decode(Int64.self) { count = c }
        return count
    }
    emit(["path": "history", "articles": articles, "events": events, "seconds": Date().timeIntervalSince(started)])

case "rebuild":
    var results: [String: Any] = [:]
    let started = Date()
    let (events, timings) = try await Database.withClient(settings, logger: logger, maximumConnections: 4) { client in
        let runner = ProjectionRunner(client: client, logger: logger, batchSize: 2000)
        var total = 0
        var timings: [String: Double] = [:]
        for projection in [PublishedArticlesProjection(), EditorialAuditProjection()] as [any Projection] {
            let t = Date()
            total = try await runner.rebuild(projection)
            timings["\(projection.name)Seconds"] = Date().timeIntervalSince(t)
        }
        return (total, timings)
    }
    for (key, value) in timings { results[key] = value }
    let seconds = Date().timeIntervalSince(started)
    results.merge(["path": "rebuild", "events": events, "seconds": seconds, "eventsPerSecond": Double(events) / seconds, "peakRSSKilobytes": peakRSSKilobytes()]) { $1 }
    emit(results)

case "lag":
    // From the moment a command's append returns (committed) to the moment its event's row is in
    // the audit read model, with `ProjectionFollower` running as `projections run` does.
    let seconds = Double(arguments.dropFirst().first ?? "10") ?? 10
    let rate = Double(arguments.dropFirst(2).first ?? "100") ?? 100
    let editor = try await Database.withClient(settings, logger: logger) { try await Bench.ensureStaff(Newsroom(store: EventStore(client: $0, logger: logger)), editors: 1)[0] }
    let follower = ProjectionFollower(settings: settings, logger: logger)
    let following = Task { await follower.run() }
    let lags = try await Database.withClient(settings.with(user: editor), logger: logger) { client in
        let runner = ProjectionRunner(client: client, logger: logger)
        // Let the follower work off what earlier rows left behind before measuring.
        while try await !runner.projectionsWithReadableEvents().isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        let newsroom = Newsroom(store: EventStore(client: client, logger: logger))
        let pending = Mutex<[(position: Int64, committed: ContinuousClock.Instant)]>([])
        let measured = Mutex<[Double]>([])
        let done = Atomic<Bool>(false)
        let observer = Task {
            while !done.load(ordering: .relaxed) || !pending.withLock({ $0.isEmpty }) {
                var newest: Int64 = 0
                for try await position in try await client.query("SELECT coalesce(max(position), 0)::bigint FROM audit.entries", logger: logger).decode(Int64.self) { newest = position }
                let now = ContinuousClock.now
                let seen = pending.withLock { items in
                    let (ready, waiting) = (items.filter { $0.position <= newest }, items.filter { $0.position > newest })
                    items = waiting
                    return ready
                }
                measured.withLock { $0 += seen.map { (now - $0.committed) / .milliseconds(1) } }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        let start = ContinuousClock.now
        var id = ArticleID()
        var n = 0
        while ContinuousClock.now - start < .seconds(seconds) {
            let due = start + .seconds(Double(n) / rate)
            if due > .now { try await Task.sleep(until: due, clock: .continuous) }
            let position: Int64?
            if n % 20 == 0 {
                let drafted = try await newsroom.draft(ArticleFields(headline: "Lag \(n)", body: Bench.body(n)), slug: "lag-\(UUID().uuidString.prefix(13).lowercased())", commandID: UUID())
                id = drafted.articleID
                position = drafted.result.append?.lastPosition
            } else {
                position = try await newsroom.execute(.edit(ArticleFields(summary: "Ringkasan \(n)")), on: id, commandID: UUID()).append?.lastPosition
            }
            let committed = ContinuousClock.now
            if let position { pending.withLock { $0.append((position, committed)) } }
            n += 1
        }
        done.store(true, ordering: .relaxed)
        try await observer.value
        return measured.withLock { $0 }.sorted()
    }
    following.cancel()
    func percentile(_ p: Double) -> Double { lags.isEmpty ? 0 : lags[min(lags.count - 1, Int(Double(lags.count) * p))] }
    emit(["path": "lag", "rate": rate, "seconds": seconds, "commands": lags.count, "p50Milliseconds": percentile(0.5), "p99Milliseconds": percentile(0.99), "maxMilliseconds": lags.last ?? 0])

default:
    FileHandle.standardError.write(Data("usage: newsroom-bench commands SECONDS WRITERS | appends SECONDS WRITERS | history ARTICLES | rebuild | lag SECONDS RATE\n".utf8))
    exit(64)
}
