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
}
