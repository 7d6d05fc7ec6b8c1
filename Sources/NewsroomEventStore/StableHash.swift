/// FNV-1a 64: a stable, dependency-free hash for identifying content (migration checksums,
/// command digests, derived ids, lock keys). Not for security: the log's chain uses SHA-256.
public enum StableHash {
    public static let offsetBasis: UInt64 = 0xcbf29ce484222325
    static let prime: UInt64 = 0x100000001b3

    public static func fnv1a64(_ text: String, seed: UInt64 = offsetBasis) -> UInt64 {
        var hash = seed
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }

    public static func fnv1a64<Bytes: Sequence>(bytes: Bytes, seed: UInt64 = offsetBasis) -> UInt64 where Bytes.Element == UInt8 {
        var hash = seed
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }
}

/// The same FNV-1a 64, fed piece by piece: a tag byte first, then bytes and whole words
/// (`DigestEncoder`, command digests).
struct FNV {
    var value = StableHash.offsetBasis
    init(tag: UInt8) { combine(byte: tag) }
    mutating func combine(byte: UInt8) { value = (value ^ UInt64(byte)) &* StableHash.prime }
    mutating func combine(_ word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { combine(byte: UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }
}
