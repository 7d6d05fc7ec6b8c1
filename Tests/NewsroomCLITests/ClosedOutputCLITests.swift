import Foundation
import NewsroomTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("The CLI writing to a reader that has gone")
struct ClosedOutputCLITests {
    @Test("newsroom ... | head: a closed standard output ends the process by SIGPIPE, silently, with no crash (was SIGILL with a backtrace, or 'unexpected error' for export)")
    func closedStandardOutput() async throws {
        let desk = try await Newsdesk.make()
        let id = try await desk.draft()
        for arguments in [["audit", "--format", "json"], ["show", id, "--json"], ["list"], ["export"]] {
            let (reason, status, stderr) = try await Self.runWithClosedOutput(arguments, environment: desk.cli.environment(as: desk.chief))
            #expect(reason == .uncaughtSignal && status == SIGPIPE, "\(arguments): \(reason) \(status) \(stderr)")
            #expect(stderr.isEmpty, "\(arguments): \(stderr)")
        }
    }

    /// Runs newsroom with standard output a pipe whose reading end is already closed, as after
    /// `head` has read what it wanted.
    static func runWithClosedOutput(_ arguments: [String], environment: [String: String]) async throws -> (Process.TerminationReason, Int32, String) {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        try output.fileHandleForReading.close()
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("closed-output-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        // Waited for without blocking one of the two cooperative threads (see CLIRunner.spawn).
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in done.resume() }
            do { try process.run() } catch { done.resume(throwing: error) }
        }
        return (process.terminationReason, process.terminationStatus, (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
    }
}
