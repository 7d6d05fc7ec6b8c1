import Foundation
import NewsroomDomain
import NewsroomEventStore

/// The article events of one read of the log, decoded once for every read model that folds them.
/// Three read models fold articles; each decoding every payload itself was a third of a rebuild's
/// client time. The runner decodes a read it hands to several models and sets it as `current` while
/// each applies it (`ProjectionRunner.applyRead`); a model asks `event(of:)`, which falls back to decoding when the read is not
/// shared (or the event is not in it), so the answer never depends on who decoded it.
struct DecodedArticleEvents: Sendable {
    private var byPosition: [Int64: ArticleEvent] = [:]

    @TaskLocal static var current: DecodedArticleEvents?

    /// Decodes the article events of `events`, with the jsonb parser rather than `JSONDecoder`.
    /// One that does not decode is left out: the model that reaches it decodes it itself, with
    /// `JSONDecoder`, and reports the error in its own batch.
    init(_ events: [RecordedEvent]) {
        byPosition.reserveCapacity(events.count)
        let decoder = JSONBDecoder()
        for record in events where ArticleStates.articleID(of: record) != nil {
            if let event = try? ArticleEvent.decode(typeName: record.type, schemaVersion: record.schemaVersion, payload: record.payload, using: decoder) {
                byPosition[record.position] = event
            }
        }
    }

    /// The event `record` holds: from the shared read when there is one, decoded here otherwise.
    static func event(of record: RecordedEvent) throws -> ArticleEvent {
        if let shared = current?.byPosition[record.position] { return shared }
        return try ArticleEvent.decode(typeName: record.type, schemaVersion: record.schemaVersion, payload: record.payload)
    }
}
