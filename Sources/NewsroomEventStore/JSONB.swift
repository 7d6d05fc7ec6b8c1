import NewsroomDomain

/// JSON exactly as PostgreSQL's jsonb prints it (`payload::text`): object keys ordered by length,
/// then by bytes, the last of duplicate keys kept, ", " and ": " between items, numbers as written
/// (a negative zero loses its sign), and in strings only `"`, `\` and control characters escaped.
///
/// The log's hash chain covers `payload::text` and `metadata::text`. A bulk import computes the
/// chain on the client, so it must produce the very bytes the server will print; the tests compare
/// this against PostgreSQL itself.
public indirect enum JSONBValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's text, as jsonb prints it.
    case number(String)
    case string(String)
    case array([JSONBValue])
    case object([Member])

    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONBValue
        public init(_ key: String, _ value: JSONBValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value of `key` in an object, nil otherwise.
    public subscript(key: String) -> JSONBValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}

public struct JSONBParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset into the text where reading stopped.
    public var offset: Int
    public var reason: String
    public var description: String { "\(reason) (at byte \(offset + 1))" }
}

public enum JSONB {
    /// Deeper nesting is refused rather than risking the stack on hostile input.
    public static let maximumDepth = 256

    public static func parse(_ bytes: [UInt8]) throws(JSONBParseError) -> JSONBValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONBParseError) -> JSONBValue in try parse(buffer) }
    }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONBParseError) -> JSONBValue {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    public static func parse(_ text: String) throws(JSONBParseError) -> JSONBValue {
        try parse(Array(text.utf8))
    }

    /// The canonical text, as bytes.
    public static func text(_ value: JSONBValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    public static func write(_ value: JSONBValue, into out: inout [UInt8]) {
        switch value {
        case .null: out += "null".utf8
        case .bool(let flag): out += (flag ? "true" : "false").utf8
        case .number(let text): out += text.utf8
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            out.append(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { out += [0x2C, 0x20] }
                write(item, into: &out)
            }
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            for (index, member) in canonicalOrder(members).enumerated() {
                if index > 0 { out += [0x2C, 0x20] }
                writeString(member.key, into: &out)
                out += [0x3A, 0x20]
                write(member.value, into: &out)
            }
            out.append(0x7D)
        }
    }

    /// jsonb's key order: shorter keys first, equal lengths by bytes; of duplicates the last wins.
    static func canonicalOrder(_ members: [JSONBValue.Member]) -> [JSONBValue.Member] {
        if members.count < 2 { return members }
        func precedes(_ a: Int, _ b: Int) -> Bool {
            let (x, y) = (members[a].key.utf8, members[b].key.utf8)
            if x.count != y.count { return x.count < y.count }
            if !x.elementsEqual(y) { return x.lexicographicallyPrecedes(y) }
            return a < b
        }
        let order = Array(0..<members.count).sorted(by: precedes)
        var result: [JSONBValue.Member] = []
        result.reserveCapacity(order.count)
        for index in order {
            let member = members[index]
            if let last = result.last, last.key == member.key { result[result.count - 1] = member } else { result.append(member) }
        }
        return result
    }

    /// A JSON string: only `"`, `\` and control characters escaped, the rest copied in runs.
    public static func writeString(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { writeString($0, into: &out) }
    }

    static func writeString(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(0x22)
        // Runs of plain bytes are copied whole; only the few that need an escape go one by one.
        var runStart = 0
        var index = 0
        while index < bytes.count {
            index = PlainRuns.skip(bytes, from: index, below: 0x20, 0x22, 0x5C)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else {
                index += 1
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            index += 1
            runStart = index
            JSONEscape.append(byte, to: &out)
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        out.append(0x22)
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func fail(_ reason: String) -> JSONBParseError { JSONBParseError(offset: index, reason: reason) }

        mutating func document() throws(JSONBParseError) -> JSONBValue {
            let value = try self.value(depth: 0)
            skipSpace()
            guard index == bytes.count else { throw fail("unexpected text after the JSON value") }
            return value
        }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
        }

        mutating func value(depth: Int) throws(JSONBParseError) -> JSONBValue {
            guard depth < JSONB.maximumDepth else { throw fail("JSON nested deeper than \(JSONB.maximumDepth) levels") }
            skipSpace()
            guard index < bytes.count else { throw fail("the JSON text ends where a value should be") }
            switch bytes[index] {
            case 0x7B: return try object(depth: depth)
            case 0x5B: return try array(depth: depth)
            case 0x22: return .string(try string())
            case 0x74: try literal("true"); return .bool(true)
            case 0x66: try literal("false"); return .bool(false)
            case 0x6E: try literal("null"); return .null
            case 0x2D, 0x30...0x39: return .number(try number())
            default: throw fail("unexpected character where a JSON value should be")
            }
        }

        mutating func literal(_ word: String) throws(JSONBParseError) {
            for expected in word.utf8 {
                guard index < bytes.count, bytes[index] == expected else { throw fail("unexpected character where a JSON value should be") }
                index += 1
            }
        }

        mutating func object(depth: Int) throws(JSONBParseError) -> JSONBValue {
            index += 1
            var members: [JSONBValue.Member] = []
            skipSpace()
            if index < bytes.count, bytes[index] == 0x7D { index += 1; return .object([]) }
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x22 else { throw fail("expected a quoted key in the JSON object") }
                let key = try string()
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x3A else { throw fail("expected ':' after a key in the JSON object") }
                index += 1
                members.append(.init(key, try value(depth: depth + 1)))
                skipSpace()
                guard index < bytes.count else { throw fail("the JSON object is not closed") }
                if bytes[index] == 0x2C { index += 1; continue }
                if bytes[index] == 0x7D { index += 1; return .object(members) }
                throw fail("expected ',' or '}' in the JSON object")
            }
        }

        mutating func array(depth: Int) throws(JSONBParseError) -> JSONBValue {
            index += 1
            var items: [JSONBValue] = []
            skipSpace()
            if index < bytes.count, bytes[index] == 0x5D { index += 1; return .array([]) }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard index < bytes.count else { throw fail("the JSON array is not closed") }
                if bytes[index] == 0x2C { index += 1; continue }
                if bytes[index] == 0x5D { index += 1; return .array(items) }
                throw fail("expected ',' or ']' in the JSON array")
            }
        }

        mutating func number() throws(JSONBParseError) -> String {
            let start = index
            var negative = false
            if bytes[index] == 0x2D { negative = true; index += 1 }
            var allZero = true
            func digits(_ parser: inout Parser) -> Int {
                let begin = parser.index
                while parser.index < parser.bytes.count, (0x30...0x39).contains(parser.bytes[parser.index]) {
                    if parser.bytes[parser.index] != 0x30 { allZero = false }
                    parser.index += 1
                }
                return parser.index - begin
            }
            let integerStart = index
            let integerDigits = digits(&self)
            guard integerDigits > 0 else { throw fail("a JSON number needs digits") }
            guard integerDigits == 1 || bytes[integerStart] != 0x30 else { throw fail("a JSON number cannot start with 0 (leading zeros)") }
            if index < bytes.count, bytes[index] == 0x2E {
                index += 1
                guard digits(&self) > 0 else { throw fail("a JSON number needs digits after '.'") }
            }
            if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
                throw fail("numbers with an exponent (like 1e5) are not accepted; write the number out in full")
            }
            let textStart = negative && allZero ? start + 1 : start
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[textStart..<index]), as: UTF8.self)
        }

        /// Plain bytes are copied in runs and validated once, by the standard library: bodies
        /// of several kilobytes with an escaped newline in every paragraph are the common case.
        mutating func string() throws(JSONBParseError) -> String {
            index += 1
            var runStart = index
            var escaped = false
            var out: [UInt8] = []  // the unescaped text, once an escape has been met
            while index < bytes.count {
                index = PlainRuns.skip(bytes, from: index, below: 0x20, 0x22, 0x5C)
                guard index < bytes.count else { break }
                let byte = bytes[index]
                if byte == 0x22 {
                    let run = UnsafeBufferPointer(rebasing: bytes[runStart..<index])
                    let text: String?
                    if escaped {
                        out.append(contentsOf: run)
                        text = out.withUnsafeBufferPointer { Self.validatedText($0) }
                    } else {
                        text = Self.validatedText(run)
                    }
                    guard let text else { throw fail("the JSON text is not valid UTF-8") }
                    index += 1
                    return text
                }
                if byte < 0x20 { throw fail("a control character must be escaped inside a JSON string") }
                guard byte == 0x5C else {
                    index += 1
                    continue
                }
                if !escaped {
                    escaped = true
                    out.reserveCapacity(bytes.count - runStart)
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                guard index < bytes.count else { throw fail("the JSON string ends inside an escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case 0x22, 0x5C, 0x2F: out.append(escape)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else {
                            throw fail("a \\u escape holds half of a surrogate pair")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("a \\u escape holds half of a surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("a \\u escape holds half of a surrogate pair")
                    }
                    guard scalar != 0 else { throw fail("\\u0000 cannot be stored (PostgreSQL's jsonb refuses NUL)") }
                    out += String(Unicode.Scalar(scalar)!).utf8
                default:
                    throw fail("unknown escape in a JSON string")
                }
                runStart = index
            }
            throw fail("the JSON string is not closed")
        }

        /// `String(validating:as:)` is generic over the encoding and was not specialized across
        /// modules: instantiating its metadata took more time than validating (6% of an
        /// archive import). `UTF8Span` validates without either.
        static func validatedText(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
            guard #available(macOS 26, *) else { return String(validating: bytes, as: UTF8.self) }
            guard let span = try? UTF8Span(validating: bytes.span) else { return nil }
            return String(copying: span)
        }

        mutating func hex4() throws(JSONBParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("a \\u escape needs four hex digits") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw fail("a \\u escape needs four hex digits")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }
    }
}

/// JSON text in jsonb's canonical form, made only from a parsed value, so what the log stores and
/// what a client-side hash covers cannot differ.
public struct CanonicalJSON: Sendable, Hashable {
    public let bytes: [UInt8]
    public init(_ value: JSONBValue) { bytes = JSONB.text(value) }
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
