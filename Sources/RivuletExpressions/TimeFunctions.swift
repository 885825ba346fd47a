// TimeFunctions: format_time, parse_time and date_trunc over epoch milliseconds (UTC), with strftime-like patterns.
import RivuletCore

/// Timestamps as text and back, UTC, with the directives `%Y %m %d %H %M %S %L` (milliseconds, 3 digits),
/// `%j` (day of the year), `%F` (`%Y-%m-%d`), `%T` (`%H:%M:%S`) and `%%`; any other character stands for
/// itself. Patterns are checked when the expression compiles.
enum TimeFunctions {
    static let directives: Set<Character> = ["Y", "m", "d", "H", "M", "S", "L", "j", "F", "T", "%"]
    static let units = ["second", "minute", "hour", "day", "week", "month", "year"]
    /// The times these functions take: within ±2⁶² ms (±146 million years), as event times are.
    static let range: ClosedRange<Int64> = -(1 << 62)...(1 << 62)

    /// `ms`, or a failure when it is beyond `range` (the arithmetic of dates would overflow).
    static func checked(_ ms: Int64) throws(ExpressionFailure) -> Int64 {
        guard range.contains(ms) else { throw ExpressionFailure("the time \(ms) is beyond ±2^62 ms") }
        return ms
    }

    /// The first directive of `pattern` that is not known (a `%` at the end: `%` itself), with its offset.
    static func unknownDirective(_ pattern: String) -> (Character, Int)? {
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            if chars[i] == "%" {
                guard i + 1 < chars.count else { return ("%", i) }
                guard directives.contains(chars[i + 1]) else { return (chars[i + 1], i) }
                i += 2
            } else {
                i += 1
            }
        }
        return nil
    }

    /// `pattern` with `%F` and `%T` spelled out, read left to right (`%%F` is `%` then `F`).
    static func expanded(_ pattern: String) -> [Character] {
        let chars = Array(pattern)
        var out: [Character] = []
        var i = 0
        while i < chars.count {
            if chars[i] == "%", i + 1 < chars.count {
                switch chars[i + 1] {
                case "F": out += Array("%Y-%m-%d")
                case "T": out += Array("%H:%M:%S")
                default: out += [chars[i], chars[i + 1]]
                }
                i += 2
            } else {
                out.append(chars[i])
                i += 1
            }
        }
        return out
    }

    static func split(_ ms: Int64) -> (year: Int64, month: Int64, day: Int64, dayOfYear: Int64, ms: Int64) {
        var (days, rest) = ms.quotientAndRemainder(dividingBy: 86_400_000)
        if rest < 0 {
            days -= 1
            rest += 86_400_000
        }
        let (y, m, d) = RFC3339.civil(days: days)
        return (y, m, d, days - RFC3339.daysFromCivil(year: y, month: 1, day: 1) + 1, rest)
    }

    static func format(_ ms: Int64, _ pattern: [Character]) -> String {
        let t = split(ms)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        var out = ""
        var i = 0
        while i < pattern.count {
            guard pattern[i] == "%", i + 1 < pattern.count else {
                out.append(pattern[i])
                i += 1
                continue
            }
            switch pattern[i + 1] {
            case "Y": out += pad(t.year, 4)
            case "m": out += pad(t.month, 2)
            case "d": out += pad(t.day, 2)
            case "H": out += pad(t.ms / 3_600_000, 2)
            case "M": out += pad(t.ms / 60_000 % 60, 2)
            case "S": out += pad(t.ms / 1000 % 60, 2)
            case "L": out += pad(t.ms % 1000, 3)
            case "j": out += pad(t.dayOfYear, 3)
            default: out.append("%")
            }
            i += 2
        }
        return out
    }

    /// The time `text` names under `pattern` (fields not in the pattern: 1970-01-01 00:00:00.000), or nil.
    static func parse(_ text: String, _ pattern: [Character]) -> Int64? {
        let s = Array(text.utf8)
        var i = 0
        var year: Int64 = 1970, month: Int64 = 1, day: Int64 = 1, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, millis: Int64 = 0
        var dayOfYear: Int64?
        func number(_ maxDigits: Int) -> Int64? {
            var v: Int64 = 0, n = 0
            let negative = maxDigits == 4 && i < s.count && s[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            while n < maxDigits, i < s.count, s[i] >= 48, s[i] <= 57 {
                v = v * 10 + Int64(s[i] - 48)
                i += 1
                n += 1
            }
            return n == 0 ? nil : negative ? -v : v
        }
        var p = 0
        while p < pattern.count {
            if pattern[p] == "%", p + 1 < pattern.count, pattern[p + 1] != "%" {
                let d = pattern[p + 1]
                p += 2
                guard let v = number(d == "Y" ? 4 : d == "L" || d == "j" ? 3 : 2) else { return nil }
                switch d {
                case "Y": year = v
                case "m": month = v
                case "d": day = v
                case "H": hour = v
                case "M": minute = v
                case "S": second = v
                case "L": millis = v
                default: dayOfYear = v
                }
                continue
            }
            let literal = pattern[p] == "%" ? Character("%") : pattern[p]
            p += pattern[p] == "%" ? 2 : 1
            for byte in String(literal).utf8 {
                guard i < s.count, s[i] == byte else { return nil }
                i += 1
            }
        }
        guard i == s.count, (1...12).contains(month), day >= 1, day <= RFC3339.daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var days = RFC3339.daysFromCivil(year: year, month: month, day: day)
        if let dayOfYear {
            guard dayOfYear >= 1, dayOfYear <= 366 else { return nil }
            days = RFC3339.daysFromCivil(year: year, month: 1, day: 1) + dayOfYear - 1
        }
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis
    }

    /// `ms` cut down to the start of its `unit` (weeks start on Monday).
    static func truncate(_ ms: Int64, to unit: String) -> Int64 {
        func floor(_ v: Int64, _ step: Int64) -> Int64 {
            let r = v % step
            return r < 0 ? v - r - step : v - r
        }
        switch unit {
        case "second": return floor(ms, 1000)
        case "minute": return floor(ms, 60_000)
        case "hour": return floor(ms, 3_600_000)
        case "day": return floor(ms, 86_400_000)
        case "week":
            // 1970-01-01 was a Thursday: Mondays are 4 days after multiples of 7 days before it.
            return floor(ms - 4 * 86_400_000, 7 * 86_400_000) + 4 * 86_400_000
        default:
            let t = split(ms)
            return RFC3339.daysFromCivil(year: t.year, month: unit == "month" ? t.month : 1, day: 1) * 86_400_000
        }
    }
}
