import Crypto
import Foundation
import NewsroomDomain

/// An instant with the log's precision (PostgreSQL's timestamptz: microseconds).
public struct LogTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microsecondsSince1970: Int64

    public init(microsecondsSince1970: Int64) { self.microsecondsSince1970 = microsecondsSince1970 }

    /// "2024-01-02T03:04:05Z", with up to six fraction digits and `Z` or an offset (`+07:00`).
    public init?(iso8601 text: String) {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x20, b[13] == 0x3A, b[16] == 0x3A,
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              year >= 1, (1...12).contains(month), (1...CivilCalendar.daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60 else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if index < b.count, b[index] == 0x2E {
            index += 1
            var digits = 0
            while index < b.count, (0x30...0x39).contains(b[index]) {
                guard digits < 6 else { return nil }
                fraction = fraction * 10 + Int64(b[index] - 0x30)
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<6 { fraction *= 10 }
        }
        var offsetSeconds = 0
        guard index < b.count else { return nil }
        if b[index] == 0x5A, index + 1 == b.count {
            offsetSeconds = 0
        } else if b[index] == 0x2B || b[index] == 0x2D, index + 6 == b.count, b[index + 3] == 0x3A,
                  let hours = number(index + 1, 2), let minutes = number(index + 4, 2), hours < 24, minutes < 60 {
            offsetSeconds = (hours * 3600 + minutes * 60) * (b[index] == 0x2D ? -1 : 1)
        } else {
            return nil
        }
        let days = Int64(CivilCalendar.days(year: year, month: month, day: day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        microsecondsSince1970 = seconds * 1_000_000 + fraction
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
    public var postgresText: String {
        let (days, microsecondOfDay) = Instant.floorDivide(microsecondsSince1970, 86_400_000_000)
        let (year, month, day) = CivilCalendar.date(fromDays: Int(days))
        let seconds = Int(microsecondOfDay / 1_000_000)
        let micros = Int(microsecondOfDay % 1_000_000)
        return Instant.pad(year, 4) + "-" + Instant.pad(month, 2) + "-" + Instant.pad(day, 2) + " " + Instant.pad(seconds / 3600, 2) + ":"
            + Instant.pad(seconds / 60 % 60, 2) + ":" + Instant.pad(seconds % 60, 2) + "." + Instant.pad(micros, 6) + "+00"
    }

    /// "2024-01-02T03:04:05.123456Z".
    public var iso8601: String {
        let text = postgresText
        return String(text.prefix(10)) + "T" + String(text.dropFirst(11).prefix(15)) + "Z"
    }

    public var description: String { iso8601 }

    public static func < (lhs: LogTimestamp, rhs: LogTimestamp) -> Bool { lhs.microsecondsSince1970 < rhs.microsecondsSince1970 }
}

/// The link of one event in its stream's hash chain, computed as `event_hash()` in
/// Schema/001_event_store.sql does it, so events written by a bulk import verify like any other:
/// sha256(previous ‖ stream ␟ version ␟ event id ␟ type ␟ schema version ␟ payload::text ␟
/// metadata::text ␟ actor ␟ extract(epoch FROM recorded_at)::text).
public enum EventChain {
    public static func hash(
        previous: [UInt8]?, stream: String, version: Int, eventID: UUID, type: String, schemaVersion: Int,
        payload: [UInt8], metadata: [UInt8], actor: String, recordedAt: LogTimestamp
    ) -> [UInt8] {
        var hasher = SHA256()
        if let previous { hasher.update(data: previous) }
        let separator: [UInt8] = [0x1F]
        func field(_ text: String, last: Bool = false) {
            var text = text
            text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            if !last { hasher.update(data: separator) }
        }
        field(stream)
        field(String(version))
        field(eventID.lowercasedText)
        field(type)
        field(String(schemaVersion))
        hasher.update(data: payload)
        hasher.update(data: separator)
        hasher.update(data: metadata)
        hasher.update(data: separator)
        field(actor)
        field(recordedAt.epochText, last: true)
        return Array(hasher.finalize())
    }
}
