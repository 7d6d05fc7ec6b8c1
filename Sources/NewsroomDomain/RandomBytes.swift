import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's cryptographic generator, read a block at a time and handed out sixteen bytes per
/// call, so that ids cost one call into the C library per 256 rather than two system calls
/// each. The block lives in this process only: newsroom never forks, so no two processes can
/// hand out the same bytes.
enum RandomBytes {
    static let blockSize = 4096

    struct Block: ~Copyable {
        var bytes = [UInt8](repeating: 0, count: RandomBytes.blockSize)
        var used = RandomBytes.blockSize
    }

    static let block = Mutex(Block())

    static func next16() -> (UInt64, UInt64) {
        block.withLock { block in
            if block.used == blockSize {
                var generator = SystemRandomNumberGenerator()
                block.bytes.withUnsafeMutableBytes { raw in
                    fill(raw, using: &generator)
                }
                block.used = 0
            }
            defer { block.used += 16 }
            return block.bytes.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: block.used, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: block.used + 8, as: UInt64.self))
            }
        }
    }

    /// The C library's `arc4random_buf` (cryptographic, seeded by the kernel) fills the block at
    /// once where there is one.
    static func fill(_ raw: UnsafeMutableRawBufferPointer, using generator: inout SystemRandomNumberGenerator) {
        #if canImport(Glibc) || canImport(Darwin)
        arc4random_buf(raw.baseAddress!, raw.count)
        #else
        for offset in stride(from: 0, to: raw.count, by: 8) {
            raw.storeBytes(of: generator.next() as UInt64, toByteOffset: offset, as: UInt64.self)
        }
        #endif
    }
}
