/// FNV-1a 64: a stable, dependency-free hash for identifying content (migration checksums,
/// command digests, derived ids, lock keys). Not for security: the log's chain uses SHA-256.
public enum StableHash {
    public static let offsetBasis: UInt64 = 0xcbf29ce484222325

    public static func fnv1a64(_ text: String, seed: UInt64 = offsetBasis) -> UInt64 {
        var hash = seed
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return hash
    }

    public static func fnv1a64<Bytes: Sequence>(bytes: Bytes, seed: UInt64 = offsetBasis) -> UInt64 where Bytes.Element == UInt8 {
        var hash = seed
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return hash
    }
}
