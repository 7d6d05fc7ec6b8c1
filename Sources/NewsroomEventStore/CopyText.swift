import Foundation
import NewsroomDomain
import PostgresNIO

/// PostgreSQL's COPY text format: tab between fields, newline after the row, `\N` for NULL, and
/// backslash, tab, newline and carriage return escaped inside a field. Bulk writers (the archive
/// import, a rebuild's audit rows) fill a buffer with it for `PostgresConnection.copyFrom`.
public enum CopyText {
    public static func field(_ text: String, _ buffer: inout ByteBuffer, last: Bool = false) {
        var text = text
        text.withUTF8 { escape($0, &buffer) }
        end(&buffer, last)
    }

    public static func field(_ bytes: [UInt8], _ buffer: inout ByteBuffer, last: Bool = false) {
        bytes.withUnsafeBufferPointer { escape($0, &buffer) }
        end(&buffer, last)
    }

    /// A field that is NULL, or the text when there is one.
    public static func field(_ text: String?, _ buffer: inout ByteBuffer, last: Bool = false) {
        guard let text else { return null(&buffer, last: last) }
        field(text, &buffer, last: last)
    }

    /// t, f, or NULL.
    public static func boolean(_ value: Bool?, _ buffer: inout ByteBuffer, last: Bool = false) {
        guard let value else { return null(&buffer, last: last) }
        buffer.writeInteger(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        end(&buffer, last)
    }

    public static func null(_ buffer: inout ByteBuffer, last: Bool = false) {
        buffer.writeBytes([0x5C, 0x4E])
        end(&buffer, last)
    }

    /// Digits only: nothing to escape. (Not generic: called from another module, a generic
    /// function runs unspecialized.)
    public static func integer(_ value: Int64, _ buffer: inout ByteBuffer, last: Bool = false) {
        buffer.writeString(String(value))
        end(&buffer, last)
    }

    public static func integer(_ value: Int, _ buffer: inout ByteBuffer, last: Bool = false) {
        integer(Int64(value), &buffer, last: last)
    }

    /// A uuid in the form PostgreSQL prints (nothing in it to escape).
    public static func uuid(_ id: UUID, _ buffer: inout ByteBuffer, last: Bool = false) {
        plain(capacity: 36, &buffer, last: last) { id.appendLowercasedText(to: &$0) }
    }

    /// A timestamptz as `LogTimestamp.postgresText` prints it (nothing in it to escape).
    public static func timestamp(_ instant: LogTimestamp, _ buffer: inout ByteBuffer, last: Bool = false) {
        plain(capacity: 32, &buffer, last: last) { instant.appendPostgresText(to: &$0) }
    }

    /// A field whose text, made by `write`, never needs escaping.
    private static func plain(capacity: Int, _ buffer: inout ByteBuffer, last: Bool, _ write: (inout [UInt8]) -> Void) {
        var text: [UInt8] = []
        text.reserveCapacity(capacity)
        write(&text)
        buffer.writeBytes(text)
        end(&buffer, last)
    }

    /// bytea in hex form (`\x…`), its backslash escaped for COPY.
    public static func bytea(_ bytes: [UInt8], _ buffer: inout ByteBuffer, last: Bool = false) {
        let hex = JSONB.hexDigits
        // Written once: two bytes at a time into the ByteBuffer was 1.5% of an archive import.
        var text: [UInt8] = [0x5C, 0x5C, 0x78]
        text.reserveCapacity(3 + 2 * bytes.count)
        for byte in bytes {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0xF)])
        }
        buffer.writeBytes(text)
        end(&buffer, last)
    }

    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, _ buffer: inout ByteBuffer) {
        var start = 0
        var index = 0
        while index < bytes.count {
            // Tab, newline and carriage return are all below 0x0E.
            index = PlainRuns.skip(bytes, from: index, below: 0x0E, 0x5C, 0x5C)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            guard byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D else {
                index += 1
                continue
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
            switch byte {
            case 0x09: buffer.writeBytes([0x5C, 0x74])
            case 0x0A: buffer.writeBytes([0x5C, 0x6E])
            case 0x0D: buffer.writeBytes([0x5C, 0x72])
            default: buffer.writeBytes([0x5C, 0x5C])
            }
            index += 1
            start = index
        }
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<bytes.count]))
    }

    private static func end(_ buffer: inout ByteBuffer, _ last: Bool) {
        buffer.writeInteger(last ? UInt8(0x0A) : UInt8(0x09))
    }
}
