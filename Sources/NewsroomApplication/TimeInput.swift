import Foundation
import NewsroomDomain

/// Reads the times people type: `2026-11-28T09:00:00+07:00`, or a wall-clock time such as
/// `2026-11-28 09:00` in the given IANA zone.
public enum TimeInput {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static func zone(_ identifier: String) throws -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else {
            throw Invalid(description: "\"\(identifier)\" is not an IANA time zone. Use a name such as Asia/Jakarta, Europe/London or UTC.")
        }
        return zone
    }

    public static func parse(_ text: String, zone identifier: String) throws -> ZonedInstant {
        let zone = try zone(identifier)
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let instant = Instant.parse(trimmed) { return ZonedInstant(instant: instant, timeZone: identifier) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return ZonedInstant(instant: date, timeZone: identifier) }
        }
        throw Invalid(description: "\"\(text)\" is not a time. Write 2026-11-28T09:00:00+07:00, or 2026-11-28 09:00 with --timezone Asia/Jakarta.")
    }

    /// An instant shown in its zone: "2026-11-28 09:00 WIB (Asia/Jakarta)".
    public static func display(_ value: ZonedInstant) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: value.timeZone) ?? .gmt
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        return "\(formatter.string(from: value.instant)) (\(value.timeZone))"
    }
}
