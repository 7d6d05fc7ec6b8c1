import Foundation
import NewsroomDomain
import NewsroomEventStore

/// The article events of one read of the log, decoded once for every read model that folds them.
/// Three read models fold articles; each decoding every payload itself was a third of a rebuild's
/// client time. The runner decodes a read it hands to several models and sets it as `current` while
/// each applies it (`ProjectionRunner.applyRead`); a model asks `decoded(at:)`, and decodes the event
/// itself (`article(of:)`) when the read is not shared or the event is not in it, so the answer
/// never depends on who decoded it.
struct DecodedArticleEvents: Sendable {
    /// An article event with the article its stream names, parsed once for every model.
    struct Decoded: Sendable {
        var id: UUID
        var event: ArticleEvent
    }

    private var byPosition: [Int64: Decoded] = [:]

    @TaskLocal static var current: DecodedArticleEvents?

    /// Decodes the article events of `events`, with the jsonb parser rather than `JSONDecoder`.
    /// One that does not decode is left out: the model that reaches it decodes it itself, with
    /// `JSONDecoder`, and reports the error in its own batch.
    init(_ events: [RecordedEvent]) {
        byPosition.reserveCapacity(events.count)
        let decoder = JSONBDecoder()
        // Fields read in place, by index: a copy of each record retained and released all its strings.
        for index in events.indices {
            guard let id = ArticleStates.articleID(of: events[index].streamID),
                  let event = try? ArticleEvent.decode(typeName: events[index].type, schemaVersion: events[index].schemaVersion,
                                                       payload: events[index].payload, using: decoder) else { continue }
            byPosition[events[index].position] = Decoded(id: id, event: event)
        }
    }

    /// The decoded event at `position` of this read, if it is an article event that decoded.
    func decoded(at position: Int64) -> Decoded? { byPosition[position] }

    /// The article event `record` holds and its article (nil for a record of another stream),
    /// decoded here. Models ask the shared read first (`decoded(at:)`), looked up once per batch:
    /// a task-local lookup per event was a cost of its own.
    static func article(of record: RecordedEvent) throws -> Decoded? {
        guard let id = ArticleStates.articleID(of: record.streamID) else { return nil }
        return Decoded(id: id, event: try ArticleEvent.decode(typeName: record.type, schemaVersion: record.schemaVersion, payload: record.payload))
    }
}
