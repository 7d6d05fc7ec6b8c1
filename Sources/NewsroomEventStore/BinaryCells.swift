import Foundation
import PostgresNIO

/// A row's cells read in order from their binary forms, each reader checking the cell's type and
/// size first: nil when a cell is not what it expects, so the caller can fall back to
/// PostgresNIO's own decoding. Dates come out exactly as PostgresNIO's decoding makes them.
struct BinaryCells {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) { cells = row.makeIterator() }

    var atEnd: Bool { mutating get { cells.next() == nil } }

    mutating func int64() -> Int64? {
        guard var bytes = next(.int8, size: 8) else { return nil }
        return bytes.readInteger(as: Int64.self)
    }

    mutating func int32() -> Int? {
        guard var bytes = next(.int4, size: 4) else { return nil }
        return bytes.readInteger(as: Int32.self).map(Int.init)
    }

    mutating func text() -> String? {
        guard let cell = cells.next(), cell.format == .binary, cell.dataType == .text || cell.dataType == .varchar, let bytes = cell.bytes else { return nil }
        return String(buffer: bytes)
    }

    mutating func uuid() -> UUID? {
        guard let bytes = next(.uuid, size: 16) else { return nil }
        return bytes.withUnsafeReadableBytes { b in
            UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
        }
    }

    mutating func timestamp() -> Date? {
        guard var bytes = next(.timestamptz, size: 8), let microseconds = bytes.readInteger(as: Int64.self) else { return nil }
        return Date(timeInterval: Double(microseconds) / 1_000_000, since: Self.postgresEpoch)
    }

    private static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)

    private mutating func next(_ type: PostgresDataType, size: Int) -> ByteBuffer? {
        guard let cell = cells.next(), cell.format == .binary, cell.dataType == type, let bytes = cell.bytes, bytes.readableBytes == size else { return nil }
        return bytes
    }
}
