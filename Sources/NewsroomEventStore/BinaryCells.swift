import Foundation
import PostgresNIO

/// A row's cells read in order from their binary forms, each reader checking the cell's type and
/// size first: nil when a cell is not what it expects, so the caller can fall back to
/// PostgresNIO's own decoding. Dates come out exactly as PostgresNIO's decoding makes them.
struct BinaryCells {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) { cells = row.makeIterator() }

    /// A row of `EventStore.columns`, or nil when any cell is in another form.
    static func eventColumns(_ row: PostgresRow) -> EventStore.EventColumns? {
        var cells = BinaryCells(row)
        guard let position = cells.int64(), let tx = cells.int64(), let stream = cells.text(), let version = cells.int32(),
              let id = cells.uuid(), let type = cells.text(), let schema = cells.int32(), let payload = cells.text(),
              let metadata = cells.text(), let actor = cells.text(), let at = cells.timestamp(), cells.atEnd else { return nil }
        return (position, tx, stream, version, id, type, schema, payload, metadata, actor, at)
    }

    var atEnd: Bool { mutating get { cells.next() == nil } }

    mutating func int64() -> Int64? {
        guard var bytes = next([.int8], size: 8) else { return nil }
        return bytes.readInteger(as: Int64.self)
    }

    mutating func int32() -> Int? {
        guard var bytes = next([.int4], size: 4) else { return nil }
        return bytes.readInteger(as: Int32.self).map(Int.init)
    }

    mutating func bool() -> Bool? {
        guard var bytes = next([.bool], size: 1) else { return nil }
        return bytes.readInteger(as: UInt8.self).map { $0 != 0 }
    }

    mutating func text() -> String? {
        next([.text, .varchar]).map { String(buffer: $0) }
    }

    mutating func uuid() -> UUID? {
        guard var bytes = next([.uuid], size: 16) else { return nil }
        return bytes.readUUIDBytes()
    }

    mutating func timestamp() -> Date? {
        guard var bytes = next([.timestamptz], size: 8), let microseconds = bytes.readInteger(as: Int64.self) else { return nil }
        return Date(timeInterval: Double(microseconds) / 1_000_000, since: Self.postgresEpoch)
    }

    private static let postgresEpoch = Date(timeIntervalSince1970: 946_684_800)

    /// The next cell's bytes when it is binary, of one of `types`, and (when given) of `size` bytes.
    private mutating func next(_ types: [PostgresDataType], size: Int? = nil) -> ByteBuffer? {
        guard let cell = cells.next(), cell.format == .binary, types.contains(cell.dataType), let bytes = cell.bytes,
              size.map({ bytes.readableBytes == $0 }) ?? true else { return nil }
        return bytes
    }
}
