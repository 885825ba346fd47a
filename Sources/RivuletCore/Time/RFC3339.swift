// RFC3339: parses RFC 3339 date-times (`2026-03-01T09:00:05.120Z`, `…+01:00`) into epoch milliseconds.

/// A strict, allocation-free RFC 3339 parser: `YYYY-MM-DD[T ]HH:MM:SS[.fraction](Z|±HH:MM)`.
/// Fractions beyond milliseconds are truncated toward the past (floor), as event time is in ms.
public enum RFC3339 {
    /// Epoch milliseconds (UTC), or nil if `bytes` is not an RFC 3339 date-time.
    public static func milliseconds(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let n = bytes.count
        guard n >= 20 else { return nil }
        func digits(_ at: Int, _ count: Int) -> Int64? {
            var v: Int64 = 0
            for i in at..<at + count {
                let c = bytes[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard let year = digits(0, 4), bytes[4] == UInt8(ascii: "-"), let month = digits(5, 2), bytes[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]),
            let hour = digits(11, 2), bytes[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
            bytes[16] == UInt8(ascii: ":"), let second = digits(17, 2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60, second <= 60
        else { return nil }
        var i = 19
        var millis: Int64 = 0
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            var scale: Int64 = 100
            let start = i
            while i < n, bytes[i] >= 48, bytes[i] <= 57 {
                millis += Int64(bytes[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < n else { return nil }
        var offsetMinutes: Int64 = 0
        switch bytes[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == n, let h = digits(i + 1, 2), bytes[i + 3] == UInt8(ascii: ":"), let m = digits(i + 4, 2), h < 24, m < 60
            else { return nil }
            offsetMinutes = (h * 60 + m) * (bytes[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        default:
            return nil
        }
        guard i == n else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        return seconds * 1000 + millis
    }

    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day since 1970-01-01 (the inverse of `daysFromCivil`).
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `milliseconds` (epoch, UTC) as `YYYY-MM-DDTHH:MM:SS.mmmZ` (the milliseconds only when not zero).
    public static func format(_ milliseconds: Int64) -> String {
        let (days, rest) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (d, ms) = rest < 0 ? (days - 1, rest + 86_400_000) : (days, rest)
        let (year, month, day) = civil(days: d)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let y = year >= 0 && year < 10_000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        var text = "\(y)-\(two(month))-\(two(day))T\(two(ms / 3_600_000)):\(two(ms / 60_000 % 60)):\(two(ms / 1000 % 60))"
        if ms % 1000 != 0 {
            let m = ms % 1000
            text += "." + (m < 10 ? "00" : m < 100 ? "0" : "") + String(m)
        }
        return text + "Z"
    }
}
