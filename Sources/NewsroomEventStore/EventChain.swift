import Crypto
import Foundation
import NewsroomDomain

/// The link of one event in its stream's hash chain, computed as `event_hash()` in
/// Schema/001_event_store.sql does it, so events written by a bulk import verify like any other:
/// sha256(previous ‖ stream ␟ version ␟ event id ␟ type ␟ schema version ␟ payload::text ␟
/// metadata::text ␟ actor ␟ extract(epoch FROM recorded_at)::text).
public enum EventChain {
    static let separator: UInt8 = 0x1F

    public static func hash(
        previous: [UInt8]?, stream: String, version: Int, eventID: UUID, type: String, schemaVersion: Int,
        payload: [UInt8], metadata: [UInt8], actor: String, recordedAt: LogTimestamp
    ) -> [UInt8] {
        // The short fields go to the hasher in two pieces around the payload rather than eleven
        // updates of a few bytes, each a call into BoringSSL behind an exclusivity check.
        var head: [UInt8] = []
        head.reserveCapacity(100 + stream.utf8.count + type.utf8.count)
        if let previous { head += previous }
        head += stream.utf8
        head.append(separator)
        head += String(version).utf8
        head.append(separator)
        eventID.appendLowercasedText(to: &head)
        head.append(separator)
        head += type.utf8
        head.append(separator)
        head += String(schemaVersion).utf8
        head.append(separator)
        var tail: [UInt8] = [separator]
        tail.reserveCapacity(64 + metadata.count + actor.utf8.count)
        tail += metadata
        tail.append(separator)
        tail += actor.utf8
        tail.append(separator)
        tail += recordedAt.epochText.utf8
        var hasher = SHA256()
        hasher.update(data: head)
        hasher.update(data: payload)
        hasher.update(data: tail)
        return Array(hasher.finalize())
    }
}
