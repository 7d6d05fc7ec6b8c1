import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Where a busy server's log lines go: a buffer written out a batch at a time. swift-log's
/// `StreamLogHandler` writes each line to unbuffered standard error, one write(2) per line, and
/// formats the time with localtime and strftime for each; with a line per request that cost the
/// read API about a third of its throughput (wrk, 8 connections, same data: 16-21k requests/s at
/// `info` against 23-29k at `notice`). Here lines wait in memory and go out when the buffer passes
/// 64 KB, every 100 ms (`Flusher`), at once for a warning or worse, and at shutdown: a crash can
/// lose at most the last 100 ms of lower-level lines.
public final class BufferedLogOutput: Sendable {
    struct Pending {
        var bytes: [UInt8] = []
        var second = -1
        var timestamp: [UInt8] = []
    }

    let descriptor: Int32
    private let pending = Mutex(Pending())
    static let flushThreshold = 64 * 1024

    /// Lines go to `descriptor` (standard error unless told otherwise), which stays open.
    public init(descriptor: Int32 = STDERR_FILENO) {
        self.descriptor = descriptor
    }

    /// Adds one line, written now when `urgent` or when the buffer is full. Writing happens under
    /// the lock, so lines reach the descriptor whole and in the order they were logged.
    func append(_ line: (_ timestamp: [UInt8]) -> String, urgent: Bool) {
        pending.withLock { state in
            let now = time(nil)
            if now != state.second {
                state.second = now
                state.timestamp = Self.format(now)
            }
            state.bytes.append(contentsOf: line(state.timestamp).utf8)
            if urgent || state.bytes.count >= Self.flushThreshold { writeOut(&state.bytes) }
        }
    }

    /// Writes whatever is waiting.
    public func flush() {
        pending.withLock { state in writeOut(&state.bytes) }
    }

    private func writeOut(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                // A closed or broken descriptor: the lines cannot go anywhere, and logging must
                // never stop the server.
                guard written > 0 else { break }
                offset += written
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }

    /// The local time as `StreamLogHandler` prints it ("2026-12-02T00:20:02+0000"), made once a second.
    static func format(_ seconds: time_t) -> [UInt8] {
        var seconds = seconds
        var local = tm()
        var buffer = [Int8](repeating: 0, count: 64)
        guard localtime_r(&seconds, &local) != nil else { return Array("\(seconds)".utf8) }
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return buffer[..<count].map { UInt8(bitPattern: $0) }
    }

    /// Writes the buffer out every 100 ms while the server runs, and once more when it stops.
    /// First in its service group, so it is the last service told to shut down.
    public struct Flusher: Service {
        let output: BufferedLogOutput
        let interval: Duration

        public init(output: BufferedLogOutput, interval: Duration = .milliseconds(100)) {
            self.output = output
            self.interval = interval
        }

        public func run() async throws {
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    output.flush()
                }
            }
            output.flush()
        }
    }
}

/// A `LogHandler` that writes `StreamLogHandler`'s line format ("time level label: key=value ...
/// [source] message", keys sorted) into a `BufferedLogOutput`.
public struct BufferedLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let output: BufferedLogOutput

    public init(label: String, output: BufferedLogOutput, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let pairs = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let head = "\(event.level)\(label.isEmpty ? "" : " ")\(label):\(pairs) [\(event.source)] \(event.message)\n"
        output.append({ String(decoding: $0, as: UTF8.self) + " " + head }, urgent: event.level >= .warning)
    }
}
