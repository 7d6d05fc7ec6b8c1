import Foundation
@testable import NewsroomProjections
import Testing

/// The cache's decisions without a database: given a clock and what the validations found.
@Suite("The read API's article cache, decision by decision")
struct PublishedArticleCacheTests {
    typealias Machine = PublishedArticleCache.Machine
    let start = ContinuousClock.now

    func article(_ version: Int, linksChangeAt: Date? = nil) -> ReadModels.PublishedArticle {
        ReadModels.PublishedArticle(articleID: UUID(uuidString: "6F1A2B3C-4D5E-4F60-8172-839405A6B7C8")!, slug: "putin-kim", ninjs: "{}",
                                    version: version, lastModified: Date(), visibleFrom: Date(), referencesDigest: nil,
                                    linksChangeAt: linksChangeAt)
    }

    @Test("an article whose linked article appears by the clock is served from memory only until then; peeking never starts a validation")
    func linksThatAppearByTheClock() {
        var machine = Machine(validity: .seconds(60), capacity: 10)
        #expect(machine.peek("putin-kim", now: start) == nil)
        #expect(machine.lookup("putin-kim", now: start) == .validate, "peeking left the validation to lookup")
        machine.validated(modelState: "7/100", at: start)
        machine.store(article(1, linksChangeAt: Date().addingTimeInterval(3600)), slug: "putin-kim", readUnder: "7/100")
        #expect(machine.peek("putin-kim", now: start + .milliseconds(1))?.version == 1)
        machine.store(article(2, linksChangeAt: Date().addingTimeInterval(-1)), slug: "putin-kim", readUnder: "7/100")
        #expect(machine.peek("putin-kim", now: start + .milliseconds(2)) == nil, "the linked article is visible now: read again")
        #expect(machine.lookup("putin-kim", now: start + .milliseconds(3)) == .miss)
    }

    @Test("nothing is served before the model's state is known, and one caller at a time asks for it")
    func validatesFirst() {
        var machine = Machine(validity: .milliseconds(10), capacity: 10)
        #expect(machine.lookup("putin-kim", now: start) == .validate)
        #expect(machine.lookup("putin-kim", now: start) == .miss, "a second caller reads the database while the first validates")
        machine.store(article(1), slug: "putin-kim", readUnder: nil)
        #expect(machine.articles.isEmpty, "a read made before any validation is not kept")
        machine.validated(modelState: "7/100", at: start)
        #expect(machine.lookup("putin-kim", now: start + .milliseconds(1)) == .miss)
        machine.store(article(1), slug: "putin-kim", readUnder: "7/100")
        #expect(machine.lookup("putin-kim", now: start + .milliseconds(2)) == .hit(article(1)))
    }

    @Test("an entry is served only within the validity, and dropped when the model has moved")
    func expiresAndInvalidates() {
        var machine = Machine(validity: .milliseconds(10), capacity: 10)
        _ = machine.lookup("putin-kim", now: start)
        machine.validated(modelState: "7/100", at: start)
        machine.store(article(1), slug: "putin-kim", readUnder: "7/100")
        #expect(machine.lookup("putin-kim", now: start + .milliseconds(10)) == .validate, "stale at exactly the validity")
        machine.validated(modelState: "7/100", at: start + .milliseconds(10))
        #expect(machine.lookup("putin-kim", now: start + .milliseconds(11)) == .hit(article(1)), "the model did not move: the entry stays")
        #expect(machine.lookup("putin-kim", now: start + .milliseconds(25)) == .validate)
        machine.validated(modelState: "8/130", at: start + .milliseconds(25))
        #expect(machine.lookup("putin-kim", now: start + .milliseconds(26)) == .miss, "the model moved: the entry is gone")
        #expect(machine.statistics == .init(hits: 1, misses: 4, validations: 3))
    }

    @Test("a read that began before the model moved is not kept, and a failed validation frees the next caller")
    func refusesOldReadsAndRecovers() {
        var machine = Machine(validity: .milliseconds(10), capacity: 10)
        _ = machine.lookup("putin-kim", now: start)
        machine.validated(modelState: "7/100", at: start)
        let token = machine.modelState
        machine.validated(modelState: "8/130", at: start + .milliseconds(1))
        machine.store(article(1), slug: "putin-kim", readUnder: token)
        #expect(machine.articles.isEmpty, "read under 7/100, the model is at 8/130 now")
        #expect(machine.lookup("putin-kim", now: start + .milliseconds(20)) == .validate)
        machine.validationFailed()
        #expect(machine.lookup("putin-kim", now: start + .milliseconds(21)) == .validate, "after a failure the next caller asks again")
    }

    @Test("the cache never holds more than its capacity")
    func boundedMemory() {
        var machine = Machine(validity: .seconds(1), capacity: 3)
        _ = machine.lookup("a", now: start)
        machine.validated(modelState: "1/1", at: start)
        for n in 0..<10 { machine.store(article(n), slug: "slug-\(n)", readUnder: "1/1") }
        #expect(machine.articles.count <= 3)
        #expect(machine.articles["slug-9"] != nil, "the newest read is kept")
    }
}
