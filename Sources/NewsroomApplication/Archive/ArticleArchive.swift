import Foundation
import NewsroomEventStore

/// The archive format: article histories as JSON lines, one event per line, each article's events
/// in order (articles may interleave). `newsroom export` writes it and `newsroom import archive`
/// reads it; a newsroom migrating from another system converts its history into it.
///
///     {"stream": "article-<uuid>", "version": 1, "type": "ArticleDrafted", "schemaVersion": 1,
///      "eventId": "<uuid>", "actor": "rina", "recordedAt": "2023-09-14T08:00:00.123456Z",
///      "payload": {...}, "metadata": {"commandID": "<uuid>", ...}}
///
/// `version`, `schemaVersion` (the current one), `eventId` (a new one) and `metadata` (the
/// import's own command) may be left out. Payloads are the domain's event payloads
/// (`ArticleEvent`), exactly as the log stores them.
public enum ArticleArchive {
    enum Field<T> {
        case absent, value(T), invalid
    }

    /// The fields of one line, read leniently; `ArchiveValidator` says what is wrong.
    struct Line {
        let object: JSONBValue

        init(_ object: JSONBValue) { self.object = object }

        var stream: String? { object["stream"]?.stringValue }
        var type: String? { object["type"]?.stringValue }
        var actor: String? { object["actor"]?.stringValue }
        var recordedAt: String? { object["recordedAt"]?.stringValue }
        var payload: JSONBValue? { object["payload"] }
        var metadata: JSONBValue? {
            guard let value = object["metadata"], value != .null else { return nil }
            return value
        }
        var schemaVersion: Field<Int> { Self.integer(object["schemaVersion"]) }
        var version: Field<Int> { Self.integer(object["version"]) }
        var eventID: Field<UUID> {
            guard let value = object["eventId"], value != .null else { return .absent }
            guard let text = value.stringValue, let id = UUID(hexText: Substring(text)) else { return .invalid }
            return .value(id)
        }

        static func integer(_ value: JSONBValue?) -> Field<Int> {
            guard let value, value != .null else { return .absent }
            guard case .number(let text) = value, let number = Int(text), number > 0, number <= Int(Int32.max) else { return .invalid }
            return .value(number)
        }
    }

    /// One exported event as an archive line (without the newline).
    public static func line(_ event: ExportedEvent) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(event.payload.utf8.count + event.metadata.utf8.count + 300)
        func key(_ name: String, first: Bool = false) {
            out += (first ? "{" : ", ").utf8
            JSONB.write(.string(name), into: &out)
            out += ": ".utf8
        }
        key("stream", first: true); JSONB.write(.string(event.streamID), into: &out)
        key("version"); out += String(event.streamVersion).utf8
        key("type"); JSONB.write(.string(event.type), into: &out)
        key("schemaVersion"); out += String(event.schemaVersion).utf8
        key("eventId"); JSONB.write(.string(event.eventID.lowercasedText), into: &out)
        key("actor"); JSONB.write(.string(event.actor), into: &out)
        key("recordedAt"); JSONB.write(.string(event.recordedAt.iso8601), into: &out)
        // Payload and metadata are jsonb text from the database already.
        key("payload"); out += event.payload.utf8
        key("metadata"); out += event.metadata.utf8
        out += "}".utf8
        return String(decoding: out, as: UTF8.self)
    }
}
