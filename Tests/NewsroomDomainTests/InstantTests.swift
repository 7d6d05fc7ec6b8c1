import Foundation
import Testing
@testable import NewsroomDomain

@Suite("Instants")
struct InstantTests {
    static func foundation() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    @Test("formatting and parsing agree with Foundation's ISO 8601 formatter over random instants, sub-millisecond ones included")
    func againstFoundation() {
        let formatter = Self.foundation()
        var generator = SystemRandomNumberGenerator()
        let samples = [0, -0.0005, 0.0005, 951_782_400.999, 1_790_000_000.123456, -1.5] + (0..<20000).map { _ in Double.random(in: -2_208_988_800...4_102_444_800, using: &generator) }
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds)
            let expected = formatter.string(from: date)
            #expect(Instant.format(date) == expected, "\(seconds)")
            #expect(Instant.parse(expected) == formatter.date(from: expected), "\(expected)")
        }
    }

    @Test("other ISO 8601 shapes still parse; nonsense does not")
    func otherShapes() {
        #expect(Instant.parse("2026-11-28T09:00:00+07:00") == Instant.parse("2026-11-28T02:00:00.000Z"))
        #expect(Instant.parse("2026-11-28T02:00:00Z") == Instant.parse("2026-11-28T02:00:00.000Z"))
        for bad in ["", "2026-13-01T00:00:00.000Z", "yesterday", "2026-11-28T25:00:00.000Z"] {
            #expect(Instant.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("a zoned instant reads as the clock in its zone showed it, and so do the scheduled and embargoed summaries")
    func zonedClock() throws {
        let at = try #require(Instant.parse("2027-01-01T02:00:00.000Z"))
        #expect(ZonedInstant(instant: at, timeZone: "Asia/Jakarta").shown == "2027-01-01 09:00 GMT+7 (Asia/Jakarta)")
        #expect(ZonedInstant(instant: at, timeZone: "Asia/Kolkata").shown == "2027-01-01 07:30 GMT+5:30 (Asia/Kolkata)")
        #expect(ZonedInstant(instant: at, timeZone: "America/New_York").shown == "2026-12-31 21:00 GMT-5 (America/New_York)")
        #expect(ZonedInstant(instant: at, timeZone: "UTC").shown == "2027-01-01 02:00 GMT (UTC)")
        let summer = try #require(Instant.parse("2027-07-01T02:00:00.000Z"))
        #expect(ZonedInstant(instant: summer, timeZone: "America/New_York").shown == "2027-06-30 22:00 GMT-4 (America/New_York)")
        let embargo = ZonedInstant(instant: at.addingTimeInterval(-3600), timeZone: "Asia/Jakarta")
        let scheduled = ArticleEvent.publicationScheduled(.init(at: ZonedInstant(instant: at, timeZone: "Asia/Jakarta"), embargoUntil: embargo))
        #expect(scheduled.summary == "scheduled publication for 2027-01-01 09:00 GMT+7 (Asia/Jakarta), embargoed until 2027-01-01 08:00 GMT+7 (Asia/Jakarta)")
        #expect(ArticleEvent.published(.init(at: at, embargoUntil: embargo)).summary == "published under embargo until 2027-01-01 08:00 GMT+7 (Asia/Jakarta)")
    }
}
