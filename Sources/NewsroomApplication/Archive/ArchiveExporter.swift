import Foundation
import NewsroomEventStore

/// Writes every article's history as an archive (`ArticleArchive`), for a backup that
/// `newsroom import archive` can bring into another newsroom with the same hash chain.
public struct ArchiveExporter: Sendable {
    public let store: EventStore

    public init(store: EventStore) { self.store = store }

    /// Writes the archive to `output`; returns how many events it holds.
    public func export(to output: FileHandle) async throws -> Int {
        var buffer = Data()
        let count = try await store.exportEvents(streamPrefix: "article-") { event in
            buffer.append(contentsOf: ArticleArchive.line(event).utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                try output.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { try output.write(contentsOf: buffer) }
        return count
    }
}
