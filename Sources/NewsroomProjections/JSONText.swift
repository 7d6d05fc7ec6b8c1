import Foundation
import NewsroomEventStore

/// JSON text for the documents projections build from plain Swift values (strings, numbers,
/// booleans, NSNull, arrays, dictionaries), keys sorted. Foundation's JSONSerialization took a
/// third of a rebuild's time on Linux; this writes straight into UTF-8 bytes.
enum JSONText {
    static func encode(_ value: Any) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        write(value, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ value: Any, into bytes: inout [UInt8]) {
        switch value {
        case let text as String: JSONB.writeString(text, into: &bytes)
        case let flag as Bool: bytes.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case let number as Int: bytes.append(contentsOf: Array(String(number).utf8))
        case let number as Int64: bytes.append(contentsOf: Array(String(number).utf8))
        case let number as Double:
            bytes.append(contentsOf: Array((number.isFinite ? (number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)) : "null").utf8))
        case let object as [String: Any]:
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONB.writeString(key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                write(object[key]!, into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        case let array as [Any]:
            bytes.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element, into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        // Last: testing a Swift collection against a class bridges it to Foundation first, which is slow.
        case is NSNull: bytes.append(contentsOf: Array("null".utf8))
        default:
            // Optionals wrapped in Any, and anything unforeseen: nil is null, the rest its description.
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                if let wrapped = mirror.children.first?.value { write(wrapped, into: &bytes) } else { bytes.append(contentsOf: Array("null".utf8)) }
            } else {
                JSONB.writeString(String(describing: value), into: &bytes)
            }
        }
    }

}
