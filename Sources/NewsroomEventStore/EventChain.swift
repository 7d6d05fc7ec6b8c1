import Crypto
import Foundation
import NewsroomDomain

/// The link of one event in its stream's hash chain, computed as `event_hash()` in
/// Schema/001_event_store.sql does it, so events written by a bulk import verify like any other:
/// sha256(previous ‖ stream ␟ version ␟ event id ␟ type ␟ schema version ␟ payload::text ␟
/// metadata::text ␟ actor ␟ extract(epoch FROM recorded_at)::text).
public enum EventChain {
    public static func hash(
        previous: [UInt8]?, stream: String, version: Int, eventID: UUID, type: String, schemaVersion: Int,
        payload: [UInt8], metadata: [UInt8], actor: String, recordedAt: LogTimestamp
    ) -> [UInt8] {
        var hasher = SHA256()
        if let previous { hasher.update(data: previous) }
        let separator: [UInt8] = [0x1F]
        func field(_ text: String, last: Bool = false) {
            var text = text
            text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            if !last { hasher.update(data: separator) }
        }
        field(stream)
        field(String(version))
        field(eventID.lowercasedText)
        field(type)
        field(String(schemaVersion))
        hasher.update(data: payload)
        hasher.update(data: separator)
        hasher.update(data: metadata)
        hasher.update(data: separator)
        field(actor)
        field(recordedAt.epochText, last: true)
        return Array(hasher.finalize())
    }
}
