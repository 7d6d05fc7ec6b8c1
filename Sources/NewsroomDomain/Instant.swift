import Foundation

/// ISO 8601 instants with milliseconds in UTC ("2026-11-28T02:00:00.000Z"), the one format events
/// and output use. Written and read by arithmetic: every event carries several, and a Foundation
/// ISO8601DateFormatter per call was a third of a rebuild's time. Anything but the canonical
/// shape (other offsets, no fraction) falls back to Foundation's parser.
public enum Instant {
    public static func format(_ date: Date) -> String {
        // Milliseconds exactly as Foundation's formatter computes them (from the 2001 reference
        // date, half rounded up), so text written before and after this change agrees.
        let milliseconds = Int64(((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000 + 0.5).rounded(.down))
        let (days, millisecondOfDay) = floorDivide(milliseconds, 86_400_000)
        let (year, month, day) = CivilCalendar.date(fromDays: Int(days))
        let ms = Int(millisecondOfDay)
        var text = year >= 0 && year <= 9999 ? pad(year, 4) : String(year)
        text += "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(ms / 3_600_000, 2) + ":" + pad(ms / 60_000 % 60, 2) + ":" + pad(ms / 1000 % 60, 2)
        text += "." + pad(ms % 1000, 3) + "Z"
        return text
    }

    /// Years 1 to 9999: what four-digit ISO 8601 text holds, and far inside both PostgreSQL's
    /// timestamptz and a count of microseconds in 64 bits. Foundation's parsers read more (the year
    /// 300000 parses), and one such time in an event stopped every read model for good.
    public static func isRepresentable(_ date: Date) -> Bool {
        // Not a ClosedRange<Date>: its `contains` is true for NaN (`<=` is `!(>)`).
        let seconds = date.timeIntervalSince1970
        return seconds >= -62_135_596_800 && seconds <= 253_402_300_799.999
    }

    /// The years `isRepresentable` allows, for messages.
    public static let representableYears = "0001 to 9999"

    /// An ISO 8601 instant that `isRepresentable`, or nil.
    public static func parse(_ text: String) -> Date? {
        if let date = parseCanonical(text) { return date }
        return parseAnyYear(text).flatMap { isRepresentable($0) ? $0 : nil }
    }

    /// Any instant Foundation reads as ISO 8601, whatever its year: only to tell someone that the
    /// year, not the form, is what `parse` refused.
    public static func parseAnyYear(_ text: String) -> Date? {
        if let date = parseCanonical(text) { return date }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// "yyyy-MM-ddTHH:mm:ss.SSSZ" exactly, or nil.
    static func parseCanonical(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[10] == 84, bytes[19] == 46, bytes[23] == 90, let micros = microseconds(iso8601: text) else { return nil }
        return Date(timeIntervalSince1970: Double(micros / 1000) / 1000)
    }

    /// Microseconds since 1970 for "2024-01-02T03:04:05Z" (or a space for the T) with up to six
    /// fraction digits and `Z` or an offset such as `+07:00`; nil for anything else.
    public static func microseconds(iso8601 text: String) -> Int64? {
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
        guard index < b.count else { return nil }
        var offsetSeconds = 0
        if b[index] == 0x5A, index + 1 == b.count {
            offsetSeconds = 0
        } else if b[index] == 0x2B || b[index] == 0x2D, index + 6 == b.count, b[index + 3] == 0x3A,
                  let hours = number(index + 1, 2), let minutes = number(index + 4, 2), hours < 24, minutes < 60 {
            offsetSeconds = (hours * 3600 + minutes * 60) * (b[index] == 0x2D ? -1 : 1)
        } else {
            return nil
        }
        let days = Int64(CivilCalendar.days(year: year, month: month, day: day))
        return (days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)) * 1_000_000 + fraction
    }

    /// "yyyy-MM-dd", then `separator`, then "HH:mm:ss.SSSSSS", in UTC.
    public static func text(microseconds: Int64, separator: String) -> String {
        String(utf8Capacity: 32) { appendText(microseconds: microseconds, separator: separator, to: &$0) }
    }

    /// The same text appended to `bytes`, digit by digit: bulk writers (a rebuild's audit rows,
    /// an import's events) write one per row, and building it from a dozen small strings cost
    /// more than the rest of the row.
    public static func appendText(microseconds: Int64, separator: String, to bytes: inout [UInt8]) {
        let (days, microsecondOfDay) = floorDivide(microseconds, 86_400_000_000)
        let (year, month, day) = CivilCalendar.date(fromDays: Int(days))
        let seconds = Int(microsecondOfDay / 1_000_000)
        appendPadded(year, 4, &bytes); bytes.append(0x2D)
        appendPadded(month, 2, &bytes); bytes.append(0x2D)
        appendPadded(day, 2, &bytes); bytes.append(contentsOf: separator.utf8)
        appendPadded(seconds / 3600, 2, &bytes); bytes.append(0x3A)
        appendPadded(seconds / 60 % 60, 2, &bytes); bytes.append(0x3A)
        appendPadded(seconds % 60, 2, &bytes); bytes.append(0x2E)
        appendPadded(Int(microsecondOfDay % 1_000_000), 6, &bytes)
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let quotient = a >= 0 ? a / b : (a - b + 1) / b
        return (quotient, a - quotient * b)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// `pad`'s text appended to `bytes`, without a String for the usual, non-negative values.
    static func appendPadded(_ value: Int, _ width: Int, _ bytes: inout [UInt8]) {
        guard value >= 0 else { return bytes.append(contentsOf: pad(value, width).utf8) }
        var count = 1, scale = 1
        while value / scale >= 10 { scale *= 10; count += 1 }
        if count < width { bytes.append(contentsOf: repeatElement(0x30, count: width - count)) }
        var rest = value
        while scale > 0 {
            bytes.append(UInt8(0x30 + rest / scale))
            rest %= scale
            scale /= 10
        }
    }
}

/// Days since 1970-01-01 and back, in the proleptic Gregorian calendar (Howard Hinnant's algorithms).
public enum CivilCalendar {
    public static func date(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public static func days(year y0: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
