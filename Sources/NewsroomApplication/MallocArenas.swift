import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// glibc gives threads that allocate at the same time arenas of their own, up to eight per core,
/// and memory freed in one arena is not handed to another. A rebuild's batches are allocated and
/// freed on whichever threads the concurrency pool and NIO use, so its peak RSS crept up with the
/// number of events: 100 MB at 1.06 M events, 120 MB at 4.25 M; with two arenas, 78–79 MB at
/// 4.25 M, and no slower (273 and 286 s against 286 s).
public enum MallocArenas {
    /// Called first thing in `main`: one arena per core (at least two), as many as can allocate
    /// at once. An explicit MALLOC_ARENA_MAX in the environment wins. Returns whether it was set.
    @discardableResult
    public static func limit(to arenas: Int32 = Int32(max(2, ProcessInfo.processInfo.activeProcessorCount))) -> Bool {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil else { return false }
        // malloc.h is not in Swift's Glibc module: mallopt is looked up by name, and M_ARENA_MAX
        // is glibc's -8. On another C library the symbol is absent and nothing changes.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        return unsafeBitCast(symbol, to: MallOpt.self)(-8, arenas) == 1
        #else
        return false
        #endif
    }
}
