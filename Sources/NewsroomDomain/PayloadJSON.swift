import Foundation

/// An event's payload as JSON text, written straight into UTF-8 bytes as `encode(to:)` walks the
/// value. JSONEncoder builds a tree of boxed values first, sorts every object's keys, and checks
/// each value with dynamic casts: 8% of a command's client CPU went to the one small payload a
/// command appends. The log stores payloads as jsonb, which orders keys itself, so this writes them
/// in the order the value gives them.
///
/// The text means what `JSONEncoder.domain` writes: dates as `Instant` text, no escaped slashes.
/// Whatever this writer does not cover (URL, Data and Decimal, which JSONEncoder treats specially;
/// a container written to after a sibling was started; a superclass encoder) is encoded by
/// `JSONEncoder.domain` instead, so the result never depends on which path wrote it.
public enum PayloadJSON {
    public static func encode<Value: Encodable>(_ value: Value) throws -> String {
        if let text = try written(value) { return text }
        return String(decoding: try JSONEncoder.domain.encode(value), as: UTF8.self)
    }

    /// The writer's text, or nil where it leaves `value` to JSONEncoder.
    static func written<Value: Encodable>(_ value: Value) throws -> String? {
        let writer = PayloadWriter()
        do {
            writer.openSlot()
            try writer.value(value)
        } catch is PayloadWriter.Unsupported {
            return nil
        }
        return writer.unsupported ? nil : String(decoding: writer.bytes, as: UTF8.self)
    }
}

final class PayloadWriter {
    struct Unsupported: Error {}

    var bytes: [UInt8] = []
    /// Set where an encoder method that cannot throw met something this writer does not cover.
    var unsupported = false
    /// Containers still open, innermost last. A member written to one closes those above it: with
    /// `encode(to:)` writing one value after another, they are finished.
    private var open: [(id: Int, close: UInt8, members: Int)] = []
    private var nextID = 0
    /// Whether a value is expected where the writer stands (after a key, in an array, at the top).
    private var slotOpen = false

    init() { bytes.reserveCapacity(256) }

    /// Writes `value` into the open slot, then closes what its encoding opened.
    func value<T: Encodable>(_ value: T) throws {
        guard slotOpen else { throw Unsupported() }
        switch value {
        case let date as Date: return try string(Instant.format(date))
        case is URL, is Data, is Decimal: throw Unsupported()
        default: break
        }
        let depth = open.count
        let start = bytes.count
        try value.encode(to: PayloadEncoding(writer: self))
        if open.count < depth { throw Unsupported() }
        while open.count > depth { closeInnermost() }
        if bytes.count == start { bytes += [0x7B, 0x7D] }  // encoded nothing: JSONEncoder writes {}
        slotOpen = false
    }

    func openSlot() { slotOpen = true }

    /// Takes the slot for one value; a second value in the same slot is not JSON.
    func takeSlot() throws {
        guard slotOpen else { throw Unsupported() }
        slotOpen = false
    }

    func openContainer(_ bracket: UInt8, closing: UInt8) -> Int {
        if !slotOpen { unsupported = true }
        slotOpen = false
        nextID += 1
        open.append((nextID, closing, 0))
        bytes.append(bracket)
        return nextID
    }

    /// Readies container `id` for its next member: closes the finished containers above it and
    /// writes the comma.
    func member(of id: Int) throws {
        guard let index = open.lastIndex(where: { $0.id == id }) else { throw Unsupported() }
        while open.count > index + 1 { closeInnermost() }
        if open[index].members > 0 { bytes.append(0x2C) }
        open[index].members += 1
    }

    /// How many members container `id` has, while it is open.
    func members(of id: Int) -> Int { open.last(where: { $0.id == id })?.members ?? 0 }

    func key(_ key: some CodingKey, of id: Int) throws {
        try member(of: id)
        quoted(key.stringValue)
        bytes.append(0x3A)
        slotOpen = true
    }

    private func closeInnermost() {
        bytes.append(open.removeLast().close)
    }

    func literal(_ text: String) throws {
        try takeSlot()
        bytes.append(contentsOf: text.utf8)
    }

    func float(_ value: Double) throws {
        guard value.isFinite else { throw Unsupported() }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }  // as JSONEncoder writes whole numbers
        try literal(text)
    }

    func string(_ text: String) throws {
        try takeSlot()
        quoted(text)
    }

    /// One access to `bytes` for the whole string: escaping byte by byte into a class's stored
    /// array paid an exclusivity check per byte.
    private func quoted(_ text: String) {
        Self.appendQuoted(text, to: &bytes)
    }

    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            out.append(0x22)
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                JSONEscape.append(byte, to: &out)
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            out.append(0x22)
        }
    }
}

/// How JSON writes a byte that cannot stand for itself in a string: the escapers of payloads
/// (here) and of the log's JSON (JSONB) share it.
public enum JSONEscape {
    /// Appends the escape for `byte`, one of `"`, `\` or a control byte below 0x20.
    @inlinable
    public static func append(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case 0x22: out += [0x5C, 0x22]
        case 0x5C: out += [0x5C, 0x5C]
        case 0x08: out += [0x5C, 0x62]
        case 0x0C: out += [0x5C, 0x66]
        case 0x0A: out += [0x5C, 0x6E]
        case 0x0D: out += [0x5C, 0x72]
        case 0x09: out += [0x5C, 0x74]
        default: out += [0x5C, 0x75, 0x30, 0x30, 0x30 + byte >> 4, byte & 0xF < 10 ? 0x30 + byte & 0xF : 0x57 + byte & 0xF]
        }
    }
}

/// Keeps no coding path: nothing reads it, and an array per nested value would cost what this
/// writer saves.
struct PayloadEncoding: Encoder {
    let writer: PayloadWriter
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedPayloadContainer<Key>(writer: writer, id: writer.openContainer(0x7B, closing: 0x7D)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedPayloadContainer(writer: writer, id: writer.openContainer(0x5B, closing: 0x5D))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SinglePayloadContainer(writer: writer) }
}

/// What every container kind writes once its slot is ready.
protocol PayloadSlot {
    var writer: PayloadWriter { get }
    func ready() throws
}

extension PayloadSlot {
    func encodeNil() throws { try ready(); try writer.literal("null") }
    func encode(_ value: Bool) throws { try ready(); try writer.literal(value ? "true" : "false") }
    func encode(_ value: String) throws { try ready(); try writer.string(value) }
    func encode(_ value: Double) throws { try ready(); try writer.float(value) }
    func encode(_ value: Float) throws { try ready(); try writer.float(Double(value)) }
    func encode(_ value: Int) throws { try ready(); try writer.literal(String(value)) }
    func encode(_ value: Int8) throws { try ready(); try writer.literal(String(value)) }
    func encode(_ value: Int16) throws { try ready(); try writer.literal(String(value)) }
    func encode(_ value: Int32) throws { try ready(); try writer.literal(String(value)) }
    func encode(_ value: Int64) throws { try ready(); try writer.literal(String(value)) }
    func encode(_ value: UInt) throws { try ready(); try writer.literal(String(value)) }
    func encode(_ value: UInt8) throws { try ready(); try writer.literal(String(value)) }
    func encode(_ value: UInt16) throws { try ready(); try writer.literal(String(value)) }
    func encode(_ value: UInt32) throws { try ready(); try writer.literal(String(value)) }
    func encode(_ value: UInt64) throws { try ready(); try writer.literal(String(value)) }
    func encode<T: Encodable>(_ value: T) throws { try ready(); try writer.value(value) }
}

struct SinglePayloadContainer: SingleValueEncodingContainer, PayloadSlot {
    let writer: PayloadWriter
    var codingPath: [any CodingKey] { [] }
    func ready() throws {}
}

struct UnkeyedPayloadContainer: UnkeyedEncodingContainer, PayloadSlot {
    let writer: PayloadWriter
    let id: Int
    var count: Int { writer.members(of: id) }
    var codingPath: [any CodingKey] { [] }

    func ready() throws {
        try writer.member(of: id)
        writer.openSlot()
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        if (try? ready()) == nil { writer.unsupported = true }
        return PayloadEncoding(writer: writer).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        if (try? ready()) == nil { writer.unsupported = true }
        return PayloadEncoding(writer: writer).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        writer.unsupported = true
        return PayloadEncoding(writer: writer)
    }
}

struct KeyedPayloadContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: PayloadWriter
    let id: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { try writer.key(key, of: id); try writer.literal("null") }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try writer.key(key, of: id); try writer.literal(value ? "true" : "false") }
    mutating func encode(_ value: String, forKey key: Key) throws { try writer.key(key, of: id); try writer.string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try writer.key(key, of: id); try writer.float(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try writer.key(key, of: id); try writer.float(Double(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try writer.key(key, of: id); try writer.literal(String(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try writer.key(key, of: id); try writer.literal(String(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try writer.key(key, of: id); try writer.literal(String(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try writer.key(key, of: id); try writer.literal(String(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try writer.key(key, of: id); try writer.literal(String(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try writer.key(key, of: id); try writer.literal(String(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try writer.key(key, of: id); try writer.literal(String(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try writer.key(key, of: id); try writer.literal(String(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try writer.key(key, of: id); try writer.literal(String(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try writer.key(key, of: id); try writer.literal(String(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try writer.key(key, of: id); try writer.value(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        if (try? writer.key(key, of: id)) == nil { writer.unsupported = true }
        return PayloadEncoding(writer: writer).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        if (try? writer.key(key, of: id)) == nil { writer.unsupported = true }
        return PayloadEncoding(writer: writer).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        writer.unsupported = true
        return PayloadEncoding(writer: writer)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.unsupported = true
        return PayloadEncoding(writer: writer)
    }
}
