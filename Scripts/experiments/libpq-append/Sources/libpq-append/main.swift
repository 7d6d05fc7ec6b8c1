// append_event as a command's append sends it (one event, the staff roster's version checked,
// time-ordered ids), from Swift through libpq: one blocking connection per writer thread, the
// statement prepared once. It prints appends per second in newsroom-bench's JSON form, to be run
// beside `newsroom-bench appends` and pgbench's raw INSERT in alternating rounds.
//
//   CONNINFO="host=127.0.0.1 port=PORT user=USER dbname=DB" \
//     swift run -c release --package-path Scripts/experiments/libpq-append libpq-append SECONDS WRITERS ROSTER_VERSION [threads|tasks]
//
// threads (the default): each writer is a plain thread calling libpq. tasks: each writer is a
// Swift task whose jobs run on a thread of its own (a TaskExecutor), as newsroom's async command
// path would run; it awaits between appends as a command does, and libpq blocks only that thread.
//
// The database must be migrated by newsroom; ROSTER_VERSION is the `staff` stream's version
// (`SELECT version FROM streams WHERE stream_id = 'staff'`, 0 when there is none).
import CLibPQ
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 4 || arguments.count == 5, let seconds = Double(arguments[1]), let writers = Int(arguments[2]), writers > 0,
      Int(arguments[3]) != nil, arguments.count == 4 || ["threads", "tasks"].contains(arguments[4]) else {
    FileHandle.standardError.write(Data("usage: libpq-append SECONDS WRITERS ROSTER_VERSION [threads|tasks] (with CONNINFO set)\n".utf8))
    exit(64)
}
let asTasks = arguments.count == 5 && arguments[4] == "tasks"
let roster = arguments[3]
let conninfo = ProcessInfo.processInfo.environment["CONNINFO"] ?? ""
let sql = """
    SELECT first_position, last_position, stream_version, duplicate FROM append_event($1::text, $2::text, $3::integer, $4::uuid, $5::text,
        $6::uuid, $7::text, $8::integer, $9::jsonb, $10::jsonb, $11::text, $12::integer)
    """

/// A version 7 id as text: 48 bits of Unix milliseconds, then random bits with the version and variant set.
@Sendable func timeOrderedID() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let milliseconds = UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec / 1_000_000)
    var bytes = [UInt8](repeating: 0, count: 16)
    for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - i))) }
    for i in 6..<16 { bytes[i] = UInt8.random(in: 0...255) }
    bytes[6] = 0x70 | (bytes[6] & 0x0F)
    bytes[8] = 0x80 | (bytes[8] & 0x3F)
    var text = ""
    for (i, byte) in bytes.enumerated() {
        if [4, 6, 8, 10].contains(i) { text += "-" }
        text += String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
    }
    return text
}

@Sendable func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("libpq-append: \(message)\n".utf8))
    exit(1)
}

/// One writer's connection, its statement prepared.
final class Writer: @unchecked Sendable {  // used by one thread at a time
    let connection: OpaquePointer?
    let stream: String
    var version = 0

    init(_ number: Int) {
        connection = PQconnectdb(conninfo)
        guard PQstatus(connection) == CONNECTION_OK else { fail(String(cString: PQerrorMessage(connection))) }
        let prepared = PQprepare(connection, "append", sql, 12, nil)
        guard PQresultStatus(prepared) == PGRES_COMMAND_OK else { fail(String(cString: PQresultErrorMessage(prepared))) }
        PQclear(prepared)
        stream = "libpq-append-\(number)-\(timeOrderedID())"
    }

    deinit { PQfinish(connection) }

    /// One append, blocking until it committed.
    func append() {
        let values = [stream, "bench", String(version), timeOrderedID(), "digest", timeOrderedID(), "ArticleEdited", "1",
                      #"{"summary":"Ringkasan berita tentang Putin dan Kim"}"#, #"{"commandID":"00000000-0000-4000-8000-000000000000"}"#,
                      "staff", roster]
        let texts = values.map { strdup($0) }
        let result = texts.map { UnsafePointer($0) }.withUnsafeBufferPointer { PQexecPrepared(connection, "append", 12, $0.baseAddress, nil, nil, 0) }
        texts.forEach { free($0) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK, PQntuples(result) == 1, let next = Int(String(cString: PQgetvalue(result, 0, 2))), next == version + 1 else {
            fail(String(cString: PQresultErrorMessage(result)))
        }
        PQclear(result)
        version = next
    }
}

/// Runs a task's jobs on one thread of its own, in order.
final class ThreadTaskExecutor: TaskExecutor, @unchecked Sendable {  // jobs are guarded by the condition
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(name: String) {
        let thread = Thread { [unowned self] in self.run() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let next = jobs.removeFirst()
            condition.unlock()
            next.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Stands for the awaits of a command around its append (the cache, the handler's calls).
func step() async {}

let deadline = Date().addingTimeInterval(seconds)
var total = 0
/// The tasks mode: each writer a task on a thread of its own.
nonisolated func appendAsTasks() async -> Int {
    await withTaskGroup(of: Int.self) { group in
        for number in 0..<writers {
            let executor = ThreadTaskExecutor(name: "writer-\(number)")
            group.addTask(executorPreference: executor) {
                let writer = Writer(number)
                var appended = 0
                while Date() < deadline {
                    await step()
                    writer.append()
                    await step()
                    appended += 1
                }
                return appended
            }
        }
        var total = 0
        for await appended in group { total += appended }
        return total
    }
}

if asTasks {
    total = await appendAsTasks()
} else {
    final class Counts: @unchecked Sendable {  // each writer writes its own slot, read after all joined
        var appended: [Int]
        init(_ writers: Int) { appended = Array(repeating: 0, count: writers) }
    }
    let counts = Counts(writers)
    let finished = DispatchGroup()
    for number in 0..<writers {
        finished.enter()
        Thread {
            let writer = Writer(number)
            var appended = 0
            while Date() < deadline {
                writer.append()
                appended += 1
            }
            counts.appended[number] = appended
            finished.leave()
        }.start()
    }
    finished.wait()
    total = counts.appended.reduce(0, +)
}
print("{\"path\":\"libpq-appends\",\"mode\":\"\(asTasks ? "tasks" : "threads")\",\"writers\":\(writers),\"seconds\":\(seconds),\"appends\":\(total),\"perSecond\":\(Double(total) / seconds)}")
