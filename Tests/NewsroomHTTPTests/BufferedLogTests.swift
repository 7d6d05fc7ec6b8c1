import Foundation
import Hummingbird
import Logging
@testable import NewsroomHTTP
import ServiceLifecycle
import Testing

/// The server's log lines wait in memory and go out in batches; none may be lost, torn or reordered.
@Suite("Buffered log")
struct BufferedLogTests {
    /// A fresh file to log into, its descriptor, and a way to read what reached it.
    final class LogFile: Sendable {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("newsroom-log-\(UUID().uuidString).txt").path
        let descriptor: Int32
        init() { descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
        var text: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
        deinit { close(descriptor); unlink(path) }
    }

    static func logger(_ output: BufferedLogOutput, level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "test.log") { BufferedLogHandler(label: $0, output: output, metadataProvider: nil) }
        logger.logLevel = level
        return logger
    }

    @Test("lines keep StreamLogHandler's format, keys sorted, and wait until flushed; a warning goes out at once, after what came before it")
    func formatAndFlushing() {
        let file = LogFile()
        let output = BufferedLogOutput(descriptor: file.descriptor)
        var logger = Self.logger(output)
        logger[metadataKey: "hb.request.id"] = "abc"
        logger.info("request", metadata: ["http.status": "200", "duration_ms": "0.125"])
        logger.debug("not at this level")
        logger.info("second")
        #expect(file.text.isEmpty, "info lines were written before a flush")
        logger.warning("disk filling up")
        let lines = file.lines
        #expect(lines.count == 3)
        let pattern = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} info test\.log: duration_ms=0\.125 hb\.request\.id=abc http\.status=200 \[NewsroomHTTPTests\] request$/#
        #expect(lines.first.map { $0.wholeMatch(of: pattern) != nil } == true, "\(lines)")
        #expect(lines[1].hasSuffix(" info test.log: hb.request.id=abc [NewsroomHTTPTests] second"))
        #expect(lines[2].hasSuffix(" warning test.log: hb.request.id=abc [NewsroomHTTPTests] disk filling up"))
        logger.info("third")
        output.flush()
        #expect(file.lines.last?.hasSuffix("[NewsroomHTTPTests] third") == true)
        #expect(file.lines.count == 4)
    }

    @Test("a full buffer is written without waiting for a flush")
    func fullBuffer() {
        let file = LogFile()
        let output = BufferedLogOutput(descriptor: file.descriptor)
        let logger = Self.logger(output)
        let line = String(repeating: "x", count: 1000)
        for _ in 0..<(BufferedLogOutput.flushThreshold / 1000 + 1) { logger.info("\(line)") }
        #expect(file.text.utf8.count >= BufferedLogOutput.flushThreshold)
        #expect(file.lines.allSatisfy { $0.hasSuffix(line) })
    }

    @Test("lines logged from many tasks at once all arrive whole")
    func concurrentLines() async {
        let file = LogFile()
        let output = BufferedLogOutput(descriptor: file.descriptor)
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    let logger = Self.logger(output)
                    for n in 0..<2000 { logger.info("line \(n) of writer \(writer)", metadata: ["padding": "\(String(repeating: "p", count: n % 50))"]) }
                }
            }
        }
        output.flush()
        let lines = file.lines
        #expect(lines.count == 16_000)
        var seen = Set<String>()
        for line in lines {
            guard let range = line.range(of: "] line ") else { Issue.record("torn line: \(line)"); continue }
            seen.insert(String(line[range.upperBound...]))
        }
        #expect(seen.count == 16_000)
        // Each writer's lines keep their order.
        for writer in 0..<8 {
            let numbers = lines.compactMap { line -> Int? in
                guard line.hasSuffix(" of writer \(writer)"), let range = line.range(of: "] line ") else { return nil }
                return Int(line[range.upperBound...].split(separator: " ")[0])
            }
            #expect(numbers == Array(0..<2000))
        }
    }

    @Test("the flusher writes waiting lines within its interval, and what is left when the server shuts down")
    func flusherService() async throws {
        let file = LogFile()
        let output = BufferedLogOutput(descriptor: file.descriptor)
        let logger = Self.logger(output)
        let flusher = BufferedLogOutput.Flusher(output: output, interval: .milliseconds(20))
        let running = Task { try await flusher.run() }
        logger.info("while running")
        // Generous: on CI's two cores, the rest of the suite once kept the flusher's task from
        // running for over five seconds.
        let deadline = ContinuousClock.now + .seconds(30)
        while file.text.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(file.lines.count == 1)
        running.cancel()
        _ = try? await running.value
        // With an interval that never comes round, only the flush on the way out can write it.
        let patient = Task { try await BufferedLogOutput.Flusher(output: output, interval: .seconds(3600)).run() }
        try await Task.sleep(for: .milliseconds(50))
        logger.info("as it stops")
        #expect(file.lines.count == 1)
        patient.cancel()
        _ = try? await patient.value
        #expect(file.lines.last?.hasSuffix("as it stops") == true, "\(file.lines)")
    }

    @Test("request durations print as milliseconds with three decimals")
    func durations() {
        #expect(RequestLogMiddleware<BasicRequestContext>.milliseconds(.nanoseconds(125_400)) == "0.125")
        #expect(RequestLogMiddleware<BasicRequestContext>.milliseconds(.milliseconds(1234) + .microseconds(5)) == "1234.005")
        #expect(RequestLogMiddleware<BasicRequestContext>.milliseconds(.zero) == "0.000")
    }
}
