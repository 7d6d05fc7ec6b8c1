import Foundation
import NewsroomDomain
import NewsroomEventStore

/// The article states the live follower's read models last wrote, kept in memory so that the next
/// batch need not read them back: one round trip of the seven or so each model makes at every
/// commit, on the path of the live lag.
///
/// Each model's states belong to the checkpoint they were written up to. A batch uses them only
/// when the model's checkpoint, read under its batch lock, is still that one: if anyone else (a
/// command's read-your-writes catch-up, another process) moved the model since, they are dropped
/// and the batch reads the table. What a batch wrote reaches the cache only once it committed. So
/// what a batch folds never depends on whether it was cached.
final class ArticleStateCache: @unchecked Sendable {
    /// Per model, at most this many articles (a published state holds its 3–8 KB body): past it,
    /// only the last batch's states are kept.
    let capacity: Int
    private let lock = NSLock()
    private var models: [String: (through: LogPosition, states: [UUID: Article])] = [:]

    init(capacity: Int = 2_000) { self.capacity = capacity }

    /// The batch under way, for `ArticleStates` (the runner sets it around the model's apply).
    @TaskLocal static var batch: Batch?

    /// One model's batch: what it may take from the cache, and what it wrote.
    final class Batch: @unchecked Sendable {
        let cache: ArticleStateCache
        let schema: String
        let checkpoint: LogPosition
        private let lock = NSLock()
        private var written: [UUID: Article] = [:]

        init(cache: ArticleStateCache, schema: String, checkpoint: LogPosition) {
            self.cache = cache
            self.schema = schema
            self.checkpoint = checkpoint
        }

        /// The states of `ids` the cache holds as of this batch's checkpoint.
        func cached(_ ids: some Sequence<UUID>, in schema: String) -> [UUID: Article] {
            guard schema == self.schema else { return [:] }
            return cache.states(ids, of: schema, at: checkpoint)
        }

        /// Records the states the batch wrote, as stored.
        func wrote(_ states: [UUID: Article], in schema: String) {
            guard schema == self.schema else { return }
            lock.withLock { written.merge(states) { $1 } }
        }

        /// The batch committed: its model now stands at `through`.
        func committed(through: LogPosition) {
            cache.advance(schema, from: checkpoint, to: through, with: lock.withLock { written })
        }
    }

    private func states(_ ids: some Sequence<UUID>, of schema: String, at checkpoint: LogPosition) -> [UUID: Article] {
        lock.withLock {
            guard let model = models[schema], model.through == checkpoint else { return [:] }
            var found: [UUID: Article] = [:]
            for id in ids { if let state = model.states[id] { found[id] = state } }
            return found
        }
    }

    private func advance(_ schema: String, from checkpoint: LogPosition, to through: LogPosition, with written: [UUID: Article]) {
        lock.withLock {
            // States cached at another checkpoint may have been changed by whoever moved the model.
            var states = models[schema].flatMap { $0.through == checkpoint ? $0.states : nil } ?? [:]
            states.merge(written) { $1 }
            if states.count > capacity { states = written }
            models[schema] = (through, states)
        }
    }
}
