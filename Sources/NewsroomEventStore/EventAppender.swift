import Foundation
import NewsroomDomain

/// Another route for a command's usual append (one event) than PostgresNIO: NewsroomLibPQ's
/// `LibPQAppender`. It sends `OneEventAppend.statement` with `parameters` and answers as
/// `EventStore.append` does, its server errors mapped by `EventStoreError.fromServer`.
public protocol EventAppender: Sendable {
    func append(_ append: OneEventAppend) async throws -> AppendResult
    /// Two one-event appends in one statement (`OneEventAppend.pairStatement`), a draft's: both
    /// written or neither, answered in order.
    func append(_ first: OneEventAppend, _ second: OneEventAppend) async throws -> (AppendResult, AppendResult)
}

/// One event's append, as `append_event` takes it.
public struct OneEventAppend: Sendable {
    /// `append_event`'s call, prepared once per connection; its row is
    /// (first_position, last_position, stream_version, duplicate).
    public static let statement = AppendEventStatement.sql
    /// Two appends' call, prepared beside `statement`: `first`'s twelve parameters, then
    /// `second`'s. Each row starts with which append it answers (1 or 2).
    public static let pairStatement = AppendEventPairStatement.sql
    public let stream: StreamID
    public let expectedVersion: Int?
    /// The statement's twelve parameters as text, nil for NULL, in order.
    public let parameters: [String?]

    init(_ target: AppendTarget, event: NewEvent, metadata: String) {
        stream = StreamID(target.stream)
        expectedVersion = target.expected
        parameters = [target.stream, target.streamType, target.expected.map(String.init), target.commandID.lowercasedText, target.digest,
                      event.eventID.lowercasedText, event.type, String(event.schemaVersion), event.payload, metadata,
                      target.context?.stream.rawValue, target.context.map { String($0.version) }]
    }
}
