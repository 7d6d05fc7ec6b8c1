import Foundation

extension UUID {
    /// A random (version 4) UUID from the system's generator. Foundation's `UUID()` on Linux
    /// opens, reads and closes /dev/urandom for each one (4% of a command's client time), and
    /// asking the generator for each UUID was still a system call per eight bytes (3% of an
    /// archive import, which gives every event an id): bytes come from `RandomBytes` in blocks.
    public static func random() -> UUID {
        var bytes = RandomBytes.next16()
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = raw[6] & 0x0F | 0x40  // version 4
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 4122 variant
            return UUID(uuid: raw.load(as: uuid_t.self))
        }
    }

    /// A time-ordered (version 7, RFC 9562) UUID: the Unix time in milliseconds in its first six
    /// bytes, the fraction of that millisecond in the next twelve bits (the RFC's method 3), then
    /// 62 random bits. Ids the log keeps in its unique indexes (events, commands,
    /// articles) are made this way, so that each new key lands at the right edge of its B-tree,
    /// on a page already in memory, instead of on a random leaf of a large index that must be
    /// read and, after every checkpoint, written to the WAL whole. The time it gives away is
    /// already in the log beside it (recorded_at).
    /// `at` is for tests; nil reads the wall clock (without Foundation's Date, which allocates).
    public static func timeOrdered(at given: timespec? = nil) -> UUID {
        var time = given ?? timespec()
        if given == nil { clock_gettime(CLOCK_REALTIME, &time) }
        let milliseconds = UInt64(time.tv_sec) &* 1000 &+ UInt64(time.tv_nsec / 1_000_000)
        let fraction = UInt16(truncatingIfNeeded: (time.tv_nsec % 1_000_000) * 4096 / 1_000_000)
        var bytes = RandomBytes.next16()
        return withUnsafeMutableBytes(of: &bytes) { raw in
            for index in 0..<6 { raw[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * index)) }
            raw[6] = 0x70 | UInt8(fraction >> 8)  // version 7
            raw[7] = UInt8(truncatingIfNeeded: fraction)
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 4122 variant
            return UUID(uuid: raw.load(as: uuid_t.self))
        }
    }

    /// The lower-case text PostgreSQL prints for a uuid, without Foundation's formatter (imports
    /// and rebuilds handle several per event).
    public var lowercasedText: String { String(utf8Capacity: 36) { appendLowercasedText(to: &$0) } }

    /// The same 36 bytes appended to `bytes`, for writers that need no String of them. Written
    /// into a buffer on the stack and appended once: 36 appends, each checking capacity and a
    /// table's bounds, were a percent of a rebuild's client time (two ids per audit row).
    public func appendLowercasedText(to bytes: inout [UInt8]) {
        var text: (UInt64, UInt64, UInt64, UInt64, UInt32) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &text) { out in
            withUnsafeBytes(of: uuid) { raw in
                var at = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 { out[at] = 0x2D; at += 1 }
                    out[at] = Self.hexDigit(raw[index] >> 4)
                    out[at + 1] = Self.hexDigit(raw[index] & 0xF)
                    at += 2
                }
            }
            bytes.append(contentsOf: out)
        }
    }

    /// "0"-"9", then "a"-"f".
    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    /// Reads "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in either case, without the sscanf that
    /// `UUID(uuidString:)` runs (5% of a rebuild's time) and without allocating: rebuilds read
    /// several per event.
    public init?(hexText text: Substring) {
        guard let value = text.utf8.withContiguousStorageIfAvailable(Self.parse) ?? Self.parse(Array(text.utf8)) else { return nil }
        self.init(uuid: value)
    }

    /// The same, over UTF-8 bytes. Not generic: a generic initializer runs unspecialized when
    /// called from another module.
    public init?(hexBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let value = Self.parse(bytes) else { return nil }
        self.init(uuid: value)
    }

    private static func parse(_ text: some RandomAccessCollection<UInt8>) -> uuid_t? {
        guard text.count == 36 else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &value) { bytes -> Bool in
            var count = 0
            var high: UInt8?
            var offset = 0
            for character in text {
                defer { offset += 1 }
                if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                    guard character == 0x2D else { return false }
                    continue
                }
                let nibble: UInt8
                switch character {
                case 0x30...0x39: nibble = character - 0x30
                case 0x41...0x46: nibble = character - 0x41 + 10
                case 0x61...0x66: nibble = character - 0x61 + 10
                default: return false
                }
                if let first = high {
                    bytes[count] = first << 4 | nibble
                    count += 1
                    high = nil
                } else {
                    high = nibble
                }
            }
            return count == 16 && high == nil
        }
        return parsed ? value : nil
    }
}
