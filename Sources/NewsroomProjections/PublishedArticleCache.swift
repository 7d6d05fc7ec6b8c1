import Foundation

/// Published articles as the read API last read them, served again from memory while the
/// published read model stands still. The model's checkpoint row moves in the same transaction as
/// its rows, so an unchanged checkpoint means unchanged articles; it is asked at most once per
/// `validity`, which bounds how long a change (an unpublish above all) can go unseen. Only found
/// articles are kept: a slug that is not visible yet may become visible by the clock alone.
public final class PublishedArticleCache: @unchecked Sendable {
    private let lock = NSLock()
    private var machine: Machine

    public init(validity: Duration = .milliseconds(10), capacity: Int = 2_000) {
        machine = Machine(validity: validity, capacity: capacity)
    }

    public struct Statistics: Sendable, Equatable {
        public var hits = 0
        public var misses = 0
        public var validations = 0
    }

    public var statistics: Statistics { lock.withLock { machine.statistics } }

    func lookup(_ slug: String) -> Machine.Lookup {
        lock.withLock { machine.lookup(slug, now: .now) }
    }

    /// A hit, or nil without starting a validation: the caller then reads through `lookup`.
    func peek(_ slug: String) -> ReadModels.PublishedArticle? {
        lock.withLock { machine.peek(slug, now: .now) }
    }

    /// The entry for `slug` as the validation that just ended left it.
    func justValidated(_ slug: String) -> ReadModels.PublishedArticle? {
        lock.withLock { machine.articles[slug].flatMap { machine.isCurrent($0) ? $0 : nil } }
    }

    /// What a read that starts now must be stored under (nil: do not store it).
    var readToken: String? { lock.withLock { machine.modelState } }

    func validated(modelState: String, at instant: ContinuousClock.Instant) {
        lock.withLock { machine.validated(modelState: modelState, at: instant) }
    }

    func validationFailed() {
        lock.withLock { machine.validationFailed() }
    }

    func store(_ article: ReadModels.PublishedArticle, slug: String, readUnder token: String?) {
        lock.withLock { machine.store(article, slug: slug, readUnder: token) }
    }

    /// The decisions, apart from the locking and the database: one lookup says whether to serve
    /// from memory, to ask the model's checkpoint first, or to read the article.
    struct Machine {
        let validity: Duration
        let capacity: Int
        var articles: [String: ReadModels.PublishedArticle] = [:]
        /// The published model's checkpoint the entries were read under.
        var modelState: String?
        var validatedAt: ContinuousClock.Instant?
        var validating = false
        var statistics = Statistics()

        enum Lookup: Equatable {
            case hit(ReadModels.PublishedArticle)
            /// Ask the checkpoint (this caller alone; the others read the database meanwhile).
            case validate
            case miss

            static func == (lhs: Lookup, rhs: Lookup) -> Bool {
                switch (lhs, rhs) {
                case (.hit(let a), .hit(let b)): a.articleID == b.articleID && a.version == b.version
                case (.validate, .validate), (.miss, .miss): true
                default: false
                }
            }
        }

        mutating func peek(_ slug: String, now: ContinuousClock.Instant) -> ReadModels.PublishedArticle? {
            guard let at = validatedAt, now - at < validity, let article = articles[slug], isCurrent(article) else { return nil }
            statistics.hits += 1
            return article
        }

        /// An article whose links will change by the clock alone is kept only until then.
        func isCurrent(_ article: ReadModels.PublishedArticle) -> Bool {
            article.linksChangeAt.map { Date() < $0 } ?? true
        }

        mutating func lookup(_ slug: String, now: ContinuousClock.Instant) -> Lookup {
            if let article = peek(slug, now: now) { return .hit(article) }
            statistics.misses += 1
            if let at = validatedAt, now - at < validity { return .miss }
            if validating { return .miss }
            validating = true
            return .validate
        }

        mutating func validated(modelState state: String, at instant: ContinuousClock.Instant) {
            validating = false
            statistics.validations += 1
            if state != modelState {
                articles.removeAll(keepingCapacity: true)
                modelState = state
            }
            validatedAt = instant
        }

        mutating func validationFailed() {
            validating = false
        }

        /// A read that began under `token` is at least as new as that state of the model; if the
        /// model has moved on since, the read may be older than what a validation now expects.
        mutating func store(_ article: ReadModels.PublishedArticle, slug: String, readUnder token: String?) {
            guard let token, token == modelState else { return }
            if articles.count >= capacity { articles.removeAll(keepingCapacity: true) }
            articles[slug] = article
        }
    }
}
