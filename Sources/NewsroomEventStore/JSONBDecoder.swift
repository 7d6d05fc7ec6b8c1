import Foundation
import NewsroomDomain

/// Decodes event payloads through the hand-written jsonb parser: a rebuild reads every payload
/// of the log, and `JSONDecoder` was a fifth of its client time. It reads what `JSONDecoder.domain`
/// reads, the same way: the payload types' own Codable code drives it, and dates are `Instant`
/// text. A payload it cannot read throws, and a caller that wants `JSONDecoder`'s wording of the
/// error decodes again with it.
public struct JSONBDecoder: PayloadDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from payload: String) throws -> T {
        var text = payload
        let value = try text.withUTF8 { bytes throws(JSONBParseError) in try JSONB.parse(bytes) }
        return try ValueDecoder(value: value, codingPath: []).decode(T.self)
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ codingPath: [any CodingKey], _ problem: String) {
            let path = codingPath.map(\.stringValue).joined(separator: ".")
            description = path.isEmpty ? problem : "\(path): \(problem)"
        }
    }
}

/// Decodes a payload the caller has parsed already, from its tree: the archive import parses
/// every line to check it and to print its canonical text, and reading that text once more was a
/// quarter of the import's client time. `text` is the payload's text as the caller hands it to
/// `ArticleEvent.decode`; any other text (an upcast old version) is parsed as `JSONBDecoder` does.
/// The tree may keep keys in their original order and duplicates: members are looked up by key,
/// the last of duplicates winning, as in jsonb's canonical text.
public struct ParsedPayloadDecoder: PayloadDecoder {
    let value: JSONBValue
    let text: String

    public init(value: JSONBValue, text: String) {
        self.value = value
        self.text = text
    }

    public func decode<T: Decodable>(_ type: T.Type, from payload: String) throws -> T {
        guard payload == text else { return try JSONBDecoder().decode(type, from: payload) }
        return try ValueDecoder(value: value, codingPath: []).decode(T.self)
    }
}

private struct ValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: JSONBValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw JSONBDecoder.Failure(codingPath, "expected an object") }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw JSONBDecoder.Failure(codingPath, "expected an array") }
        return UnkeyedContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let flag) = value else { throw JSONBDecoder.Failure(codingPath, "expected true or false") }
        return flag
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let text) = value else { throw JSONBDecoder.Failure(codingPath, "expected a string") }
        return text
    }

    func decode(_ type: Double.Type) throws -> Double { try number(Double.init) }
    func decode(_ type: Float.Type) throws -> Float { try number(Float.init) }
    func decode(_ type: Int.Type) throws -> Int { try number { Int($0) } }
    func decode(_ type: Int8.Type) throws -> Int8 { try number { Int8($0) } }
    func decode(_ type: Int16.Type) throws -> Int16 { try number { Int16($0) } }
    func decode(_ type: Int32.Type) throws -> Int32 { try number { Int32($0) } }
    func decode(_ type: Int64.Type) throws -> Int64 { try number { Int64($0) } }
    func decode(_ type: UInt.Type) throws -> UInt { try number { UInt($0) } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try number { UInt8($0) } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try number { UInt16($0) } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try number { UInt32($0) } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try number { UInt64($0) } }

    /// Integers only from integer text: "1.0" or "1e3" is refused, as JSONDecoder refuses a
    /// number that does not fit the type.
    private func number<N>(_ read: (String) -> N?) throws -> N {
        guard case .number(let text) = value, let number = read(text) else {
            throw JSONBDecoder.Failure(codingPath, "expected a number that fits \(N.self)")
        }
        return number
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self {
            let text = try decode(String.self)
            guard let date = Instant.parse(text) else { throw JSONBDecoder.Failure(codingPath, "not an ISO 8601 instant: \(text)") }
            return date as! T
        }
        return try T(from: self)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [JSONBValue.Member]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    /// jsonb keeps the last of duplicate keys.
    private func member(_ key: Key) -> JSONBValue? {
        members.last { $0.key == key.stringValue }?.value
    }

    private func decoder(_ key: Key) throws -> ValueDecoder {
        guard let value = member(key) else { throw JSONBDecoder.Failure(codingPath + [key], "missing") }
        return ValueDecoder(value: value, codingPath: codingPath + [key])
    }

    func contains(_ key: Key) -> Bool { member(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try decoder(key).decodeNil() }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(key).decode(T.self) }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(key).decode(Bool.self) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(key).decode(String.self) }

    /// A member that is absent or null is nil; any other value must be a string.
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let value = member(key), value != .null else { return nil }
        return try ValueDecoder(value: value, codingPath: codingPath + [key]).decode(String.self)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try decoder(key).unkeyedContainer() }

    func superDecoder() throws -> any Decoder { throw JSONBDecoder.Failure(codingPath, "payloads have no superclass data") }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw JSONBDecoder.Failure(codingPath, "payloads have no superclass data") }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let items: [JSONBValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(items: [JSONBValue], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    private mutating func next() throws -> ValueDecoder {
        guard !isAtEnd else { throw JSONBDecoder.Failure(codingPath, "fewer items than expected") }
        defer { currentIndex += 1 }
        return ValueDecoder(value: items[currentIndex], codingPath: codingPath + [Index(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(T.self) }
    mutating func decode(_ type: String.Type) throws -> String { try next().decode(String.self) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { throw JSONBDecoder.Failure(codingPath, "payloads have no superclass data") }
}
