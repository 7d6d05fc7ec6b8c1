import Foundation
import NIOCore
import PostgresNIO

/// Ids bound as one `uuid[]` parameter, written in PostgreSQL's binary array form in one pass.
/// PostgresNIO's generic array encoding, which runs unspecialized from this package, took 5% of
/// a rebuild's client time for the ids of its batches (one per event in the audit).
public struct UUIDArray: PostgresNonThrowingEncodable, Sendable {
    public var ids: [UUID]

    public init(_ ids: [UUID]) { self.ids = ids }

    public static var psqlType: PostgresDataType { .uuidArray }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(ids.isEmpty ? 0 : 1, as: Int32.self)  // dimensions
        buffer.writeInteger(0, as: Int32.self)  // no nulls
        buffer.writeInteger(PostgresDataType.uuid.rawValue)
        guard !ids.isEmpty else { return }
        buffer.writeInteger(Int32(ids.count))
        buffer.writeInteger(1, as: Int32.self)  // lower bound
        buffer.reserveCapacity(minimumWritableBytes: ids.count * 20)
        for id in ids {
            buffer.writeInteger(16, as: Int32.self)
            withUnsafeBytes(of: id.uuid) { _ = buffer.writeBytes($0) }
        }
    }
}
