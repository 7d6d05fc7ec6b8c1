import Foundation
import NewsroomDomain

/// Reads the times people type: `2026-11-28T09:00:00+07:00`, or a wall-clock time such as
/// `2026-11-28 09:00` in the given IANA zone; where a bound of a search is asked for, also a date
/// alone, `2026-11-28`, as the start of that day (as journalctl reads one).
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

    /// `dateAlone`: whether `2026-11-28` is read as that day's start in the zone. A search's
    /// bounds take one; a publication time does not, since midnight is rarely what an editor
    /// who left out the hour meant.
    public static func parse(_ text: String, zone identifier: String, dateAlone: Bool = false) throws -> ZonedInstant {
        let zone = try zone(identifier)
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        func kept(_ date: Date) throws -> Date {
            guard Instant.isRepresentable(date) else {
                throw Invalid(description: "\"\(text)\" is outside the years newsroom keeps, \(Instant.representableYears). Check the year, e.g. 2026-11-28 09:00.")
            }
            return date
        }
        if let date = Instant.parseAnyYear(trimmed) { return ZonedInstant(instant: try kept(date), timeZone: identifier) }
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return ZonedInstant(instant: try kept(date), timeZone: identifier) }
        }
        formatter.dateFormat = "yyyy-MM-dd"
        if let found = formatter.date(from: trimmed) {
            let day = try kept(found)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            if dateAlone { return ZonedInstant(instant: calendar.startOfDay(for: day), timeZone: identifier) }
            throw Invalid(description: "\"\(text)\" is a date without a time of day. Add one, e.g. \(trimmed) 09:00 (in \(identifier)).")
        }
        let day = dateAlone ? ", a day as 2026-11-28 (from its start)," : ""
        throw Invalid(description: "\"\(text)\" is not a time. Write 2026-11-28T09:00:00+07:00, or 2026-11-28 09:00\(day) with --timezone Asia/Jakarta.")
    }
}
