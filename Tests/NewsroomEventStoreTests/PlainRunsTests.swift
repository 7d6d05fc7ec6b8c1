import Foundation
import NewsroomEventStore
import PostgresNIO
import Testing

/// The JSON writer, the jsonb parser and the COPY escaper skip plain text eight bytes at a time:
/// every byte they must see, at every offset around a word's edges, next to multi-byte UTF-8.
@Suite("Escaping and parsing text a word at a time")
struct PlainRunsTests {
    /// What each writer must produce, one byte at a time.
    static func jsonReference(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func copyReference(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }

    /// Plain text of `length` bytes (ASCII, "é", "ü" and bytes just under and over the limits) with
    /// `special` at byte offset `at`.
    static func texts() -> [String] {
        let specials = ["\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{0C}", "\u{08}", "\u{0D}\n"]
        let fillers = ["a", "é", "~", " ", "!", "#", "[", "]", "\u{7F}", "🇮🇩"]
        var texts: [String] = []
        for filler in fillers {
            for length in 0..<26 {
                let plain = String(repeating: filler, count: length)
                texts.append(plain)
                for special in specials {
                    for at in stride(from: 0, through: plain.count, by: 1) {
                        var text = plain
                        text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: at))
                        texts.append(text)
                        texts.append(text + special + plain)
                    }
                }
            }
        }
        return texts
    }

    @Test("JSON strings are written as a byte-by-byte escaper writes them, and read back unchanged")
    func json() throws {
        let texts = Self.texts()
        #expect(texts.count > 10_000)
        for text in texts {
            var out: [UInt8] = []
            JSONB.writeString(text, into: &out)
            let written = String(decoding: out, as: UTF8.self)
            #expect(written == Self.jsonReference(text), "\(text.debugDescription)")
            #expect(try JSONB.parse(out) == .string(text), "\(text.debugDescription)")
            // The reference's text, with every escape as JSON allows it, reads the same.
            #expect(try JSONB.parse(Self.jsonReference(text)) == .string(text))
        }
    }

    @Test("an unescaped quote's end, a raw control character and an unclosed string are found wherever they are")
    func parserStops() throws {
        for length in 0..<20 {
            let plain = String(repeating: "é", count: length / 2) + String(repeating: "a", count: length - length / 2)
            #expect(try JSONB.parse("[\"\(plain)\", 1]") == .array([.string(plain), .number("1")]))
            #expect(throws: JSONBParseError.self) { try JSONB.parse("\"\(plain)\u{01}\(plain)\"") }
            #expect(throws: JSONBParseError.self) { try JSONB.parse("\"\(plain)\(plain)") }
        }
    }

    @Test("COPY fields are escaped as a byte-by-byte escaper escapes them")
    func copy() {
        for text in Self.texts() {
            var buffer = ByteBuffer()
            CopyText.field(text, &buffer, last: true)
            #expect(String(buffer: buffer) == Self.copyReference(text) + "\n", "\(text.debugDescription)")
        }
    }
}
