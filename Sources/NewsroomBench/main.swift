import Foundation
import Logging
import NewsroomApplication
import NewsroomDomain
import NewsroomEventStore
import NewsroomLibPQ
import NewsroomProjections
import PostgresNIO
import Synchronization

// Measures newsroom's own paths on the database named by PG*; Scripts/bench runs the raw
// PostgreSQL baselines in the same run and computes the ratios. Prints one JSON object.
//   newsroom-bench commands SECONDS WRITERS   commands/s through the CLI's command handler
//   newsroom-bench raw-inserts SECONDS WRITERS  row 1's raw INSERT sent through PostgresNIO (client stack alone)
//   newsroom-bench raw-inserts-connection SECONDS WRITERS  the same on one bare PostgresConnection each (no pool)
//   newsroom-bench log-writes SECONDS WRITERS FILE  Scripts/lib/log_writes.sql through PostgresNIO
//   newsroom-bench archive ARTICLES FILE      writes ARTICLES generated histories as an archive (no database)
//   newsroom-bench rebuild                    rebuilds published + audit; events/s and peak RSS
//   newsroom-bench lag SECONDS RATE           commands at RATE/s with a follower running; commit-to-row lag

MallocArenas.limit()  // as the newsroom CLI does
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

/// A small seeded generator, so every run writes the same archive.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

func peakRSSKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

/// Scripts/lib/log_writes.sql, the pgbench script of the log-writes floor, its writer's stream as a parameter
/// instead of pgbench's `:client_id`: the very statement, so the two floors cannot drift apart.
struct LogWritesStatement: PostgresPreparedStatement {
    static let name = "bench.LogWritesStatement"
    /// The script named by `log-writes SECONDS WRITERS FILE`; nil when it is missing or not the floor's.
    static let script: String? = CommandLine.arguments.dropFirst(4).first
        .flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        .flatMap { $0.contains("(:client_id + 1)") ? $0 : nil }
    /// The `log-writes` case has checked `script` before the first statement is prepared.
    static let sql = script?.replacingOccurrences(of: "(:client_id + 1)", with: "$1::integer") ?? ""
    typealias Row = Int
    var writer: Int
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(Int32(writer))
        return bindings
    }
    func decodeRow(_ row: PostgresRow) throws -> Int { 0 }
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

/// Sends row 1's baseline INSERT (Scripts/lib/raw_insert.sql) through `send` for `seconds`,
/// with the same random keys for the same writer; returns how many were sent.
static func rawInserts(_ seconds: Double, writer: Int, send: (PostgresQuery) async throws -> Void) async throws -> Int {
    var rng = SplitMix(seed: UInt64(writer + 1))
    return try await repeatFor(seconds) { _ in
        let n = Int(rng.next() % 1_000_000_000) + 1
        try await send("""
            INSERT INTO raw_events (stream_id, stream_version, event_id, event_type, payload, metadata, actor) VALUES ('article-' || \(n), \(n % 1000), gen_random_uuid(), 'ArticleEdited', '{"summary":"Ringkasan berita tentang Putin dan Kim"}', '{"commandID":"00000000-0000-4000-8000-000000000000"}', current_user)
            """)
    }
}

/// Indonesian-like text of about `bytes` bytes: words drawn at random, so it compresses like prose
/// rather than like one repeated paragraph.
static let words = """
    yang dan di ke dari untuk dengan pada adalah ini itu dalam tidak akan juga sudah oleh karena bahwa mereka kami \
    pemerintah presiden menteri rakyat negara kota desa jalan rumah sakit sekolah pasar harga beras minyak listrik \
    banjir gempa hujan musim kemarau petani nelayan buruh pekerja mahasiswa polisi tentara hakim jaksa pengadilan \
    undang anggaran belanja pajak ekonomi inflasi rupiah dolar bank saham investasi pabrik tambang batu bara nikel \
    pemilihan umum partai calon suara kampanye debat koalisi oposisi parlemen dewan perwakilan daerah gubernur bupati \
    Jakarta Surabaya Bandung Medan Makassar Papua Aceh Bali Kalimantan Sulawesi Sumatera Jawa Rusia Korea Amerika Cina \
    mengatakan menyatakan menjelaskan menambahkan membantah mengumumkan meminta menolak menyetujui membangun \
    memperbaiki menurunkan menaikkan memeriksa menangkap menyelidiki melaporkan mengunjungi menghadiri menandatangani \
    kemarin hari minggu bulan tahun pagi siang malam sekitar hampir lebih kurang banyak sedikit baru lama besar kecil
    """.split(whereSeparator: { $0 == " " || $0 == "\\" || $0 == "\n" }).map(String.init)

static func prose(_ bytes: Int, _ rng: inout SplitMix) -> String {
    var text = ""
    text.reserveCapacity(bytes + 64)
    var sentence = 0
    while text.utf8.count < bytes {
        let word = words[Int(rng.next() % UInt64(words.count))]
        text += sentence == 0 ? word.prefix(1).uppercased() + word.dropFirst() : word
        sentence += 1
        if sentence > 8 && rng.next() % 6 == 0 { text += rng.next() % 5 == 0 ? ".\n\n" : ". "; sentence = 0 } else { text += " " }
    }
    return text + "."
}

/// One archive line (the format `newsroom export` writes and `newsroom import archive` reads).
static func archiveLine(stream: String, version: Int, type: String, actor: String, at: LogTimestamp, payload: JSONBValue) -> String {
    CanonicalJSON(.object([
        .init("stream", .string(stream)), .init("version", .number(String(version))), .init("type", .string(type)),
        .init("actor", .string(actor)), .init("recordedAt", .string(at.iso8601)), .init("payload", payload),
    ])).text
}

/// About 20 events of one article's life, as a newsroom's archive would hold it: draft, edits,
/// byline, image and caption, editor, links, review with a round of changes, publication, and a
/// correction for every third article.
static func archivedHistory(_ n: Int, _ rng: inout SplitMix, startingAt start: LogTimestamp) -> [String] {
    let id = UUID(uuidString: String(format: "%08x-0000-4000-8000-%012llx", UInt32(truncatingIfNeeded: rng.next()), UInt64(n)))!.uuidString.lowercased()
    let stream = "article-\(id)"
    let reporter = "wartawan\(n % 40)", editor = "redaktur\(n % 12)"
    var clock = start.microsecondsSince1970
    var lines: [String] = []
    func add(_ type: String, _ actor: String, _ payload: [JSONBValue.Member]) {
        clock += 60_000_000 + Int64(rng.next() % 1_000_000)
        lines.append(archiveLine(stream: stream, version: lines.count + 1, type: type, actor: actor, at: LogTimestamp(microsecondsSince1970: clock), payload: .object(payload)))
    }
    func body() -> JSONBValue { .string(prose(3000 + Int(rng.next() % 5000), &rng)) }
    let headline = prose(60, &rng)
    add("ArticleDrafted", reporter, [.init("articleID", .string(id)), .init("author", .string(reporter)), .init("slug", .string("arsip-\(n)")),
        .init("fields", .object([.init("headline", .string(headline)), .init("body", body()), .init("dateline", .string("TEMPO.CO, Jakarta")), .init("language", .string("id"))]))])
    add("ArticleEdited", reporter, [.init("summary", .string(prose(200, &rng)))])
    add("ArticleEdited", reporter, [.init("body", body())])
    add("ArticleEdited", reporter, [.init("tags", .array([.string("Rusia"), .string("Korea Utara"), .string("Politik")]))])
    add("ArticleEdited", reporter, [.init("section", .string("Dunia"))])
    add("BylineSet", reporter, [.init("reporters", .array([.object([.init("name", .string("Wartawan \(n % 40)")), .init("role", .string("reporter"))])])), .init("wireSource", .string("REUTERS"))])
    add("ImageAttached", reporter, [.init("mediaID", .string("lead")), .init("url", .string("https://statik.tempo.co/\(n).jpg")), .init("altText", .string(prose(40, &rng)))])
    add("CaptionAttached", editor, [.init("mediaID", .string("lead")), .init("caption", .string(prose(120, &rng))), .init("credit", .string("REUTERS/Foto"))])
    add("EditorAssigned", editor, [.init("editor", .string(editor))])
    add("RelatedArticleLinked", editor, [.init("title", .string(prose(50, &rng)))])
    add("EditorsPickSet", editor, [.init("title", .string(prose(50, &rng)))])
    add("ArticleEdited", reporter, [.init("body", body())])
    add("SubmittedForReview", reporter, [])
    add("ChangesRequested", editor, [.init("note", .string("Tambah sumber"))])
    add("ArticleEdited", reporter, [.init("body", body())])
    add("SubmittedForReview", reporter, [])
    add("ArticleApproved", editor, [])
    add("ArticlePublished", editor, [.init("at", .string(Instant.format(LogTimestamp(microsecondsSince1970: clock + 60_000_000).date)))])
    if n % 3 == 0 {
        add("ArticleCorrected", editor, [.init("note", .string("Nama diperbaiki")), .init("changes", .object([.init("headline", .string(headline + " (ralat)"))])),
                                         .init("at", .string(Instant.format(LogTimestamp(microsecondsSince1970: clock + 60_000_000).date)))])
    }
    return lines
}

/// Staff for the benchmark, as the administrator (idempotent).
static func ensureStaff(_ newsroom: Newsroom, editors: Int) async throws -> [String] {
    let logins = (0..<editors).map { "bench_editor_\($0)" }
    for login in logins { try await newsroom.addStaff(login: login, displayName: login, role: .chief, commandID: UUID.timeOrdered()) }
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
        return try await Database.withClient(settings.with(user: login), logger: logger, maximumConnections: 2, onOneEventLoop: true) { client in
            // As the CLI runs a command, its statements on one connection, leased once. As a
            // process that runs many commands: one-event appends through libpq, with the commands'
            // task on that connection's thread (the CLI's one append per process is not worth a
            // second connection, so it sends it through PostgresNIO).
            let appender = try await LibPQAppender.connect(settings.with(user: login))
            let count = try await withTaskExecutorPreference(appender?.executor) {
            try await client.withConnection { connection in
            let newsroom = Newsroom(store: EventStore(client: client, logger: logger).on(connection).appending(through: appender))
            // Articles carry about 20 events in a newsroom: start a fresh one every 20 commands,
            // so the fold stays the size it has in real life. The draft counts as a command.
            var id = ArticleID()
            return try await Bench.repeatFor(seconds) { done in
                if done % 20 == 0 {
                    id = try await newsroom.draft(ArticleFields(headline: "Bench \(login) \(done)", body: Bench.body(done)), slug: "bench-\(UUID.random().uuidString.prefix(13).lowercased())", commandID: UUID.timeOrdered()).articleID
                } else {
                    _ = try await newsroom.execute(.edit(ArticleFields(summary: "Ringkasan \(done)")), on: id, commandID: UUID.timeOrdered())
                }
            }
            }
            }
            await appender?.close()
            return count
        }
    }
    emit(["path": "commands", "writers": writers, "seconds": seconds, "commands": counts, "perSecond": Double(counts) / seconds])

case "appends":
    // The event store alone: one event per append transaction, each writer on its own stream,
    // with a client of its own on one event loop and its appends through libpq, as `commands` has.
    let seconds = Double(arguments.dropFirst().first ?? "10") ?? 10
    let writers = Int(arguments.dropFirst(2).first ?? "1") ?? 1
    let total = try await Bench.summed(writers) { writer in
        try await Database.withClient(settings, logger: logger, maximumConnections: 2, onOneEventLoop: true) { client in
            let appender = try await LibPQAppender.connect(settings)
            let store = EventStore(client: client, logger: logger).appending(through: appender)
            let stream = StreamID("bench-\(writer)-\(UUID.random())")
            let count = try await withTaskExecutorPreference(appender?.executor) {
                try await Bench.repeatFor(seconds) { version in
                    _ = try await store.append([NewEvent(type: "ArticleEdited", payload: #"{"summary":"Ringkasan berita tentang Putin dan Kim"}"#)], to: stream, streamType: "bench",
                                               expectedVersion: version == 0 ? .noStream : .exactly(version), metadata: EventMetadata(commandID: UUID.timeOrdered()), digest: "bench")
                }
            }
            await appender?.close()
            return count
        }
    }
    emit(["path": "appends", "writers": writers, "seconds": seconds, "appends": total, "perSecond": Double(total) / seconds])

case "raw-inserts":
    // The row 1 baseline's own INSERT (Scripts/lib/raw_insert.sql), sent through PostgresNIO
    // with the client set-up a command has: what the Swift client stack costs by itself, before
    // any newsroom code runs. Needs the bench's raw_events table.
    let seconds = Double(arguments.dropFirst().first ?? "10") ?? 10
    let writers = Int(arguments.dropFirst(2).first ?? "1") ?? 1
    let total = try await Bench.summed(writers) { writer in
        try await Database.withClient(settings, logger: logger, maximumConnections: 2, onOneEventLoop: true) { client in
            try await Bench.rawInserts(seconds, writer: writer) { try await client.query($0, logger: logger) }
        }
    }
    emit(["path": "raw-inserts", "writers": writers, "seconds": seconds, "inserts": total, "perSecond": Double(total) / seconds])

case "raw-inserts-connection":
    // The same INSERT on one PostgresConnection with no pool, the writer's task on the
    // connection's event loop: what PostgresNIO's round trip costs without leasing and handing
    // back a pooled connection for every statement.
    let seconds = Double(arguments.dropFirst().first ?? "10") ?? 10
    let writers = Int(arguments.dropFirst(2).first ?? "1") ?? 1
    let total = try await Bench.summed(writers) { writer in
        let loop = PostgresClient.defaultEventLoopGroup.next()
        return try await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            let connection = try await PostgresConnection.connect(on: loop, configuration: settings.connectionConfiguration, id: writer, logger: logger)
            let done = try await Bench.rawInserts(seconds, writer: writer) { try await connection.query($0, logger: logger) }
            try await connection.close()
            return done
        }
    }
    emit(["path": "raw-inserts-connection", "writers": writers, "seconds": seconds, "inserts": total, "perSecond": Double(total) / seconds])

case "log-writes":
    // The log's own writes for one command (Scripts/lib/log_writes.sql, prepared as the
    // append is) sent through PostgresNIO with a command's client set-up: the floor under row 1
    // with the Swift client stack and the log's writes, and no newsroom code at all.
    let seconds = Double(arguments.dropFirst().first ?? "10") ?? 10
    let writers = Int(arguments.dropFirst(2).first ?? "1") ?? 1
    guard LogWritesStatement.script != nil else {
        FileHandle.standardError.write(Data("newsroom-bench: log-writes needs the path of Scripts/lib/log_writes.sql (a pgbench script using (:client_id + 1))\n".utf8))
        exit(64)
    }
    let total = try await Bench.summed(writers) { writer in
        try await Database.withClient(settings, logger: logger, maximumConnections: 2, onOneEventLoop: true) { client in
            try await Bench.repeatFor(seconds) { _ in
                for try await _ in try await client.execute(LogWritesStatement(writer: writer + 1), logger: logger) {}
            }
        }
    }
    emit(["path": "log-writes", "writers": writers, "seconds": seconds, "transactions": total, "perSecond": Double(total) / seconds])

case "archive":
    let articles = Int(arguments.dropFirst().first ?? "1000") ?? 1000
    guard let path = arguments.dropFirst(2).first, FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
        FileHandle.standardError.write(Data("newsroom-bench archive ARTICLES FILE: cannot create FILE\n".utf8))
        exit(64)
    }
    var rng = SplitMix(seed: 20_231_409)
    var events = 0
    var buffer = Data()
    let start = LogTimestamp(iso8601: "2015-01-01T00:00:00Z")!
    for n in 0..<articles {
        let lines = Bench.archivedHistory(n, &rng, startingAt: LogTimestamp(microsecondsSince1970: start.microsecondsSince1970 + Int64(n) * 600_000_000))
        events += lines.count
        for line in lines { buffer.append(contentsOf: line.utf8); buffer.append(0x0A) }
        if buffer.count > 1 << 22 { try file.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
    }
    try file.write(contentsOf: buffer)
    try file.close()
    emit(["path": "archive", "articles": articles, "events": events, "bytes": (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0])

case "rebuild":
    let started = Date()
    let events = try await Database.withClient(settings, logger: logger, maximumConnections: 4) { client in
        try await ProjectionRunner(client: client, logger: logger, batchSize: ProjectionRunner.rebuildBatchSize).rebuild([PublishedArticlesProjection(), EditorialAuditProjection()])
    }
    let seconds = Date().timeIntervalSince(started)
    emit(["path": "rebuild", "events": events, "seconds": seconds, "eventsPerSecond": Double(events) / seconds, "peakRSSKilobytes": peakRSSKilobytes()])

case "lag":
    // From the moment a command's append returns (committed) to the moment the audit batch that
    // holds its event commits (its row is visible to readers from then), with `ProjectionFollower`
    // running as `projections run` does. The follower reports each batch as it commits, so the
    // measurement adds no polling of its own to the machine. A follower runs for days: the first
    // second of commands, which also open and prepare its connections, is not measured.
    let seconds = Double(arguments.dropFirst().first ?? "10") ?? 10
    let rate = Double(arguments.dropFirst(2).first ?? "100") ?? 100
    let editor = try await Database.withClient(settings, logger: logger) { try await Bench.ensureStaff(Newsroom(store: EventStore(client: $0, logger: logger)), editors: 1)[0] }
    let pending = Mutex<[(position: Int64, committed: ContinuousClock.Instant)]>([])
    let measured = Mutex<[Double]>([])
    var follower = ProjectionFollower(settings: settings, logger: logger)
    follower.batchCommitted = { schema, through in
        guard schema == "audit" else { return }
        let now = ContinuousClock.now
        let seen = pending.withLock { items in
            let ready = items.filter { $0.position <= through.position }
            items.removeAll { $0.position <= through.position }
            return ready
        }
        measured.withLock { $0 += seen.map { (now - $0.committed) / .milliseconds(1) } }
    }
    let following = Task { [follower] in await follower.run() }
    let lags = try await Database.withClient(settings.with(user: editor), logger: logger) { client in
        let runner = ProjectionRunner(client: client, logger: logger)
        // Let the follower work off what earlier rows left behind before measuring.
        while try await !runner.projectionsWithReadableEvents().isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        let newsroom = Newsroom(store: EventStore(client: client, logger: logger))
        let start = ContinuousClock.now
        let warmUp = Int(rate)
        var id = ArticleID()
        var n = 0
        while ContinuousClock.now - start < .seconds(seconds + 1) {
            let due = start + .seconds(Double(n) / rate)
            if due > .now { try await Task.sleep(until: due, clock: .continuous) }
            let position: Int64?
            if n % 20 == 0 {
                let drafted = try await newsroom.draft(ArticleFields(headline: "Lag \(n)", body: Bench.body(n)), slug: "lag-\(UUID.random().uuidString.prefix(13).lowercased())", commandID: UUID.timeOrdered())
                id = drafted.articleID
                position = drafted.result.append?.lastPosition
            } else {
                position = try await newsroom.execute(.edit(ArticleFields(summary: "Ringkasan \(n)")), on: id, commandID: UUID.timeOrdered()).append?.lastPosition
            }
            let committed = ContinuousClock.now
            if let position, n >= warmUp { pending.withLock { $0.append((position, committed)) } }
            n += 1
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while !pending.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return measured.withLock { $0 }.sorted()
    }
    following.cancel()
    func percentile(_ p: Double) -> Double { lags.isEmpty ? 0 : lags[min(lags.count - 1, Int(Double(lags.count) * p))] }
    emit(["path": "lag", "rate": rate, "seconds": seconds, "commands": lags.count, "p50Milliseconds": percentile(0.5), "p99Milliseconds": percentile(0.99), "maxMilliseconds": lags.last ?? 0])

default:
    FileHandle.standardError.write(Data("usage: newsroom-bench commands SECONDS WRITERS | appends SECONDS WRITERS | raw-inserts SECONDS WRITERS | log-writes SECONDS WRITERS FILE | archive ARTICLES FILE | rebuild | lag SECONDS RATE\n".utf8))
    exit(64)
}
