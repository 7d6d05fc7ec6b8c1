import Foundation

/// Standard output that its reader may close first: `newsroom export | head`, `newsroom
/// projections run | grep -m 1 applied`. NIO ignores SIGPIPE once it opens a socket, so such a
/// write returns EPIPE, and Foundation's non-throwing `FileHandle.write(_:)` traps on it: the
/// process died with SIGILL (exit 132) and a crash report instead of stopping quietly.
enum StandardOutput {
    static func write(_ data: Data) {
        do {
            try FileHandle.standardOutput.write(contentsOf: data)
        } catch {
            failed(error)
        }
    }

    /// Standard error, which a pipeline may close too (`newsroom ... 2>&1 | head`): a message
    /// nobody can read any more is dropped rather than trapping.
    static func error(_ data: Data) {
        try? FileHandle.standardError.write(contentsOf: data)
    }

    /// A failed write to standard output: a reader that left ends the process as it ends any
    /// writer in a pipeline, by SIGPIPE and without a word; anything else (a full disk) is said.
    static func failed(_ error: any Error) -> Never {
        if isBrokenPipe(error) {
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
        }
        Self.error(Data("newsroom: cannot write to standard output: \(error.localizedDescription)\n".utf8))
        exit(Exit.internalError)
    }

    static func isBrokenPipe(_ error: any Error) -> Bool {
        var current: NSError? = error as NSError
        while let nsError = current {
            if nsError.domain == NSPOSIXErrorDomain && nsError.code == Int(EPIPE) { return true }
            current = nsError.userInfo[NSUnderlyingErrorKey] as? NSError
        }
        return false
    }
}
