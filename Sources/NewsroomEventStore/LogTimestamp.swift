import Foundation
import NewsroomDomain

/// An instant with the log's precision (PostgreSQL's timestamptz: microseconds).
public struct LogTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microsecondsSince1970: Int64

    public init(microsecondsSince1970: Int64) { self.microsecondsSince1970 = microsecondsSince1970 }

    /// "2024-01-02T03:04:05Z", with up to six fraction digits and `Z` or an offset (`+07:00`).
    public init?(iso8601 text: String) {
        guard let micros = Instant.microseconds(iso8601: text) else { return nil }
        microsecondsSince1970 = micros
    }

    public init(_ date: Date) {
        microsecondsSince1970 = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSince1970) / 1_000_000) }

    /// What `extract(epoch FROM recorded_at)::text` prints: seconds with six decimals.
    public var epochText: String {
        let magnitude = microsecondsSince1970.magnitude
        let fraction = String(magnitude % 1_000_000)
        return (microsecondsSince1970 < 0 ? "-" : "") + String(magnitude / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// "2024-01-02 03:04:05.123456+00", which timestamptz reads in any session time zone.
    public var postgresText: String { String(utf8Capacity: 32) { appendPostgresText(to: &$0) } }

    /// The same text appended to `bytes`.
    public func appendPostgresText(to bytes: inout [UInt8]) {
        Instant.appendText(microseconds: microsecondsSince1970, separator: " ", to: &bytes)
        bytes.append(contentsOf: "+00".utf8)
    }

    /// "2024-01-02T03:04:05.123456Z".
    public var iso8601: String { Instant.text(microseconds: microsecondsSince1970, separator: "T") + "Z" }

    public var description: String { iso8601 }

    public static func < (lhs: LogTimestamp, rhs: LogTimestamp) -> Bool { lhs.microsecondsSince1970 < rhs.microsecondsSince1970 }
}
