/// Hashes an `Encodable` value's content without writing it out: what `CommandHandler` records to
/// tell a resent command from a reused command id. Encoding a command to JSON only to hash it took
/// a tenth of a command's client time (JSONEncoder's value tree, its dynamic casts, key sorting,
/// escaping, number formatting and Data); this walks the same `encode(to:)` into hashes.
///
/// Each value is hashed with a tag for its kind, so `"1"` and `1`, an absent key and a nil, or
/// `[a, b]` and `[ab]` differ. A keyed container's entries are combined in the order of their
/// keys' hashes, not the order `encode(to:)` wrote them, so reordering a type's properties in a
/// later version of newsroom keeps its digests, as JSONEncoder's sorted keys did.
struct DigestEncoder {
    static func digest<Value: Encodable>(of value: Value) throws -> UInt64 {
        let root = DigestNode()
        try value.encode(to: DigestEncoding(node: root))
        return root.hash
    }
}

final class DigestNode {
    enum Kind: UInt8 { case empty = 0, keyed = 1, unkeyed = 2, single = 3 }
    enum Part {
        case leaf(UInt64)
        case node(DigestNode)
        var hash: UInt64 {
            switch self {
            case .leaf(let hash): hash
            case .node(let node): node.hash
            }
        }
    }
    var kind = Kind.empty
    var parts: [(key: UInt64, part: Part)] = []

    func append(_ part: Part, key: UInt64 = 0) { parts.append((key, part)) }

    func child(_ key: UInt64 = 0) -> DigestNode {
        let node = DigestNode()
        parts.append((key, .node(node)))
        return node
    }

    var hash: UInt64 {
        var hasher = FNV(tag: kind.rawValue)
        hasher.combine(UInt64(parts.count))
        let ordered = kind == .keyed ? parts.sorted { $0.key < $1.key } : parts
        for (key, part) in ordered {
            hasher.combine(key)
            hasher.combine(part.hash)
        }
        return hasher.value
    }

    enum Tag: UInt8 { case null = 10, bool, signed, unsigned, float, string }

    static func leaf(_ tag: Tag, _ bits: UInt64) -> Part {
        var hasher = FNV(tag: tag.rawValue)
        hasher.combine(bits)
        return .leaf(hasher.value)
    }

    static func leaf(_ text: String) -> Part {
        var hasher = FNV(tag: Tag.string.rawValue)
        var text = text
        text.withUTF8 { bytes in
            hasher.combine(UInt64(bytes.count))
            for byte in bytes { hasher.combine(byte: byte) }
        }
        return .leaf(hasher.value)
    }

    static func key(_ key: some CodingKey) -> UInt64 { StableHash.fnv1a64(key.stringValue) }
}

/// Keeps no coding path: it would cost an array per nested value, and hashing cannot fail.
struct DigestEncoding: Encoder {
    let node: DigestNode
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.kind = .keyed
        return KeyedEncodingContainer(KeyedDigestContainer<Key>(node: node))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.kind = .unkeyed
        return UnkeyedDigestContainer(node: node)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        node.kind = .single
        return SingleDigestContainer(node: node)
    }
}

/// The leaves every container kind writes the same way.
protocol DigestLeaves {
    mutating func add(_ part: DigestNode.Part)
    mutating func addNested<T: Encodable>(_ value: T) throws
}

extension DigestLeaves {
    mutating func encodeNil() { add(DigestNode.leaf(.null, 0)) }
    mutating func encode(_ value: Bool) { add(DigestNode.leaf(.bool, value ? 1 : 0)) }
    mutating func encode(_ value: String) { add(DigestNode.leaf(value)) }
    mutating func encode(_ value: Double) { add(DigestNode.leaf(.float, value.bitPattern)) }
    mutating func encode(_ value: Float) { add(DigestNode.leaf(.float, Double(value).bitPattern)) }
    mutating func encode(_ value: Int) { add(DigestNode.leaf(.signed, UInt64(bitPattern: Int64(value)))) }
    mutating func encode(_ value: Int8) { add(DigestNode.leaf(.signed, UInt64(bitPattern: Int64(value)))) }
    mutating func encode(_ value: Int16) { add(DigestNode.leaf(.signed, UInt64(bitPattern: Int64(value)))) }
    mutating func encode(_ value: Int32) { add(DigestNode.leaf(.signed, UInt64(bitPattern: Int64(value)))) }
    mutating func encode(_ value: Int64) { add(DigestNode.leaf(.signed, UInt64(bitPattern: value))) }
    mutating func encode(_ value: UInt) { add(DigestNode.leaf(.unsigned, UInt64(value))) }
    mutating func encode(_ value: UInt8) { add(DigestNode.leaf(.unsigned, UInt64(value))) }
    mutating func encode(_ value: UInt16) { add(DigestNode.leaf(.unsigned, UInt64(value))) }
    mutating func encode(_ value: UInt32) { add(DigestNode.leaf(.unsigned, UInt64(value))) }
    mutating func encode(_ value: UInt64) { add(DigestNode.leaf(.unsigned, value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try addNested(value) }
}

struct SingleDigestContainer: SingleValueEncodingContainer, DigestLeaves {
    let node: DigestNode
    var codingPath: [any CodingKey] { [] }
    func add(_ part: DigestNode.Part) { node.append(part) }
    func addNested<T: Encodable>(_ value: T) throws {
        try value.encode(to: DigestEncoding(node: node.child()))
    }
}

struct UnkeyedDigestContainer: UnkeyedEncodingContainer, DigestLeaves {
    let node: DigestNode
    var codingPath: [any CodingKey] { [] }
    var count: Int { node.parts.count }
    func add(_ part: DigestNode.Part) { node.append(part) }
    func addNested<T: Encodable>(_ value: T) throws {
        try value.encode(to: DigestEncoding(node: node.child()))
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        DigestEncoding(node: node.child()).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        DigestEncoding(node: node.child()).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { DigestEncoding(node: node.child()) }
}

struct KeyedDigestContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: DigestNode
    var codingPath: [any CodingKey] { [] }

    private func add(_ part: DigestNode.Part, _ key: Key) { node.append(part, key: DigestNode.key(key)) }

    mutating func encodeNil(forKey key: Key) { add(DigestNode.leaf(.null, 0), key) }
    mutating func encode(_ value: Bool, forKey key: Key) { add(DigestNode.leaf(.bool, value ? 1 : 0), key) }
    mutating func encode(_ value: String, forKey key: Key) { add(DigestNode.leaf(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) { add(DigestNode.leaf(.float, value.bitPattern), key) }
    mutating func encode(_ value: Float, forKey key: Key) { add(DigestNode.leaf(.float, Double(value).bitPattern), key) }
    mutating func encode(_ value: Int, forKey key: Key) { add(DigestNode.leaf(.signed, UInt64(bitPattern: Int64(value))), key) }
    mutating func encode(_ value: Int8, forKey key: Key) { add(DigestNode.leaf(.signed, UInt64(bitPattern: Int64(value))), key) }
    mutating func encode(_ value: Int16, forKey key: Key) { add(DigestNode.leaf(.signed, UInt64(bitPattern: Int64(value))), key) }
    mutating func encode(_ value: Int32, forKey key: Key) { add(DigestNode.leaf(.signed, UInt64(bitPattern: Int64(value))), key) }
    mutating func encode(_ value: Int64, forKey key: Key) { add(DigestNode.leaf(.signed, UInt64(bitPattern: value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) { add(DigestNode.leaf(.unsigned, UInt64(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) { add(DigestNode.leaf(.unsigned, UInt64(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) { add(DigestNode.leaf(.unsigned, UInt64(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) { add(DigestNode.leaf(.unsigned, UInt64(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) { add(DigestNode.leaf(.unsigned, value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try value.encode(to: DigestEncoding(node: node.child(DigestNode.key(key))))
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        DigestEncoding(node: node.child(DigestNode.key(key))).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        DigestEncoding(node: node.child(DigestNode.key(key))).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder {
        DigestEncoding(node: node.child(StableHash.fnv1a64("super")))
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        DigestEncoding(node: node.child(DigestNode.key(key)))
    }
}
