import Foundation
import NewsroomDomain
import NewsroomEventStore

/// Writes JSON straight into UTF-8 bytes, member by member, for the documents a rebuild writes
/// for every article and event (folded states, ninjs, rows). Building `[String: Any]` first and
/// printing it cost a dynamic cast per value: a tenth of a rebuild's client time. Keys are
/// static text the caller writes in the order it wants (sorted, where the output is compared).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// True where the next value or member needs no comma before it.
    private var first = true

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Starts an object ("{") or array ("[").
    mutating func open(_ bracket: Unicode.Scalar) {
        separate()
        bytes.append(UInt8(ascii: bracket))
        first = true
    }

    mutating func close(_ bracket: Unicode.Scalar) {
        bytes.append(UInt8(ascii: bracket))
        first = false
    }

    /// A member's key; its value comes next.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        first = true
    }

    mutating func string(_ text: String) {
        separate()
        JSONB.writeString(text, into: &bytes)
        first = false
    }

    /// A number, `true`, `false` or `null`, as given.
    mutating func literal(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        first = false
    }

    /// A string member; nil leaves the member out.
    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        literal(String(value))
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        literal(value ? "true" : "false")
    }

    mutating func field(_ name: StaticString, _ values: [String]) {
        key(name)
        open("[")
        for value in values { string(value) }
        close("]")
    }

    /// A byline as `[{"name", "role"}]`: the shape of `BylineEntry` in a folded state, and of the
    /// published model's `reporters` column.
    mutating func field(_ name: StaticString, _ entries: [BylineEntry]) {
        key(name)
        open("[")
        for entry in entries {
            open("{")
            field("name", entry.name)
            field("role", entry.role)
            close("}")
        }
        close("]")
    }

    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = true
    }
}
