// ManifestMutator: seeded, reproducible mutations of manifest text for the fuzz tests (syntax, numbers, nesting, aliases, paths).

/// Turns a valid manifest into a nearby one — usually broken, sometimes still valid — from a seed, so a
/// failing case is reproduced by its seed alone. Mutations aim at what the loader must survive: YAML
/// syntax (brackets, quotes, indentation, control characters, tabs), numbers at and beyond their limits,
/// deep nesting, anchors and aliases (small bombs included), swapped names and paths, truncation, and
/// `--set` overrides.
struct ManifestMutator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 0xD1B5_4A32_D192_ED03
    }

    /// splitmix64.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// YAML fragments inserted at random places.
    static let fragments = [
        "[", "]", "{", "}", ":", ": ", "- ", ",", "&a ", "*a", "*b ", "!!str ", "!!int ", "'", "\"", "|", ">-", "#", "\t", "\n",
        "  ", "\u{0}", "\u{7}", "\u{1B}", "é", "~", "null", "---\n", "...\n", "? ", "%YAML 1.2\n", "<<: *a\n", "\r", "\u{FEFF}",
        "\\", "%", "@", "`", "key: value\n", "- - - x\n", "{a: [b, {c: d}]}", "\"\\u0000\"", "'it''s'", "? [a]\n: b\n",
    ]

    /// Numbers at and beyond the limits of every kind.
    static let numbers = [
        "0", "-1", "1", "65536", "65537", "256", "257", "1000000", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "99999999999999999999", "18446744073709551615", "18446744073709551616", "1e309", "-1e309", ".nan", ".inf", "-.inf", "1e-320",
        "0x7fffffffffffffff", "0xFFFFFFFFFFFFFFFFF", "0o777", "1_000_000_000_000", "1_", "_1", "0.0001", "4294967296", "1TB", "9EB",
        "100y", "1ms", "0ms", "3155760000001", "1d", "2h", "1.5s", "-5s", "1e3", "+7", "00", "65535", "1048577",
    ]

    /// Applies 1–3 mutations to `text`; `overrides` gets a `--set` now and then.
    mutating func mutate(_ text: String, overrides: inout [String]) -> String {
        var out = Array(text.unicodeScalars)
        for _ in 0..<(1 + below(3)) {
            out = mutateOnce(out, overrides: &overrides)
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: out)
        return String(result)
    }

    private mutating func mutateOnce(_ scalars: [Unicode.Scalar], overrides: inout [String]) -> [Unicode.Scalar] {
        var s = scalars
        let text = String(String.UnicodeScalarView(s))
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func joined() -> [Unicode.Scalar] { Array(lines.joined(separator: "\n").unicodeScalars) }
        let at = below(s.count + 1)
        switch below(14) {
        case 0:  // delete a range
            let end = min(s.count, at + 1 + below(20))
            s.removeSubrange(at..<end)
            return s
        case 1, 2:  // insert a fragment
            s.insert(contentsOf: pick(Self.fragments).unicodeScalars, at: at)
            return s
        case 3, 4:  // replace a number with an extreme one
            let digits = s.indices.filter { s[$0].properties.numericType != nil }
            guard let start = digits.isEmpty ? nil : digits[below(digits.count)] else { return s }
            var end = start
            while end < s.count, s[end].properties.numericType != nil || s[end] == "_" || s[end] == "." { end += 1 }
            var begin = start
            while begin > 0, s[begin - 1].properties.numericType != nil || s[begin - 1] == "_" { begin -= 1 }
            s.replaceSubrange(begin..<end, with: pick(Self.numbers).unicodeScalars)
            return s
        case 5:  // duplicate, drop or swap lines
            guard !lines.isEmpty else { return s }
            let i = below(lines.count), j = below(lines.count)
            switch below(3) {
            case 0: lines.insert(lines[i], at: j)
            case 1: lines.remove(at: i)
            default: lines.swapAt(i, j)
            }
            return joined()
        case 6:  // re-indent a line
            guard !lines.isEmpty else { return s }
            let i = below(lines.count)
            if below(2) == 0 {
                lines[i] = String(repeating: " ", count: 1 + below(4)) + lines[i]
            } else {
                lines[i] = String(lines[i].drop { $0 == " " }.prefix(1000))
            }
            return joined()
        case 7:  // a word swapped for another word of the document (names, fields, paths)
            let words = text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." || $0 == "/") }).map(
                String.init)
            guard words.count > 1 else { return s }
            let from = pick(words), to = pick(words)
            guard let range = text.range(of: from) else { return s }
            return Array(text.replacingCharacters(in: range, with: to).unicodeScalars)
        case 8:  // wrap a value in brackets, sometimes deeply
            let depth = pick([1, 2, 5, 30, 63, 64, 65, 200])
            let wrapped = String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth)
            s.insert(contentsOf: wrapped.unicodeScalars, at: at)
            return s
        case 9:  // an anchor on some value and aliases to it, sometimes a small bomb
            guard !lines.isEmpty else { return s }
            let i = below(lines.count)
            if let colon = lines[i].range(of: ": ") {
                lines[i].replaceSubrange(colon, with: ": &z ")
            }
            if below(3) == 0 {
                lines.append("z0: &z0 [a, a, a, a, a, a, a, a, a]")
                for level in 1...(2 + below(6)) {
                    lines.append("z\(level): &z\(level) [" + Array(repeating: "*z\(level - 1)", count: 9).joined(separator: ", ") + "]")
                }
            } else {
                let j = below(lines.count)
                lines[j] += pick([" *z", ": *z", "\n  - *z", " [*z, *z]"])
            }
            return joined()
        case 10:  // truncate
            return Array(s.prefix(at))
        case 11:  // a random character
            guard !s.isEmpty else { return s }
            let scalar = Unicode.Scalar(UInt8(truncatingIfNeeded: next() % 128))
            s[min(at, s.count - 1)] = scalar
            return s
        case 12:  // point one path at another file the manifest names
            let paths = lines.compactMap { line -> String? in
                guard let r = line.range(of: "path: ") else { return nil }
                return String(line[r.upperBound...].prefix { $0 != " " && $0 != "}" && $0 != "," })
            }
            let holders = lines.indices.filter { lines[$0].contains("path: ") }
            guard paths.count > 1 else { return s }
            let i = pick(holders)
            if let r = lines[i].range(of: "path: ") {
                let rest = lines[i][r.upperBound...].drop { $0 != " " && $0 != "}" && $0 != "," }
                lines[i] = String(lines[i][..<r.upperBound]) + pick(paths.map { pick(["", "./", "sub/../"]) + $0 }) + rest
            }
            return joined()
        default:  // an override of an existing key
            let keys = lines.compactMap { line -> String? in
                let trimmed = line.drop { $0 == " " }
                guard let colon = trimmed.firstIndex(of: ":") else { return nil }
                return String(trimmed[..<colon])
            }
            let sections = ["sources", "operators", "sinks"]
            let names = lines.compactMap { line -> String? in
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let colon = line.firstIndex(of: ":") else { return nil }
                return String(line.dropFirst(2)[..<colon])
            }
            guard !names.isEmpty, !keys.isEmpty else { return s }
            let path = below(4) == 0 ? "edges.\(below(4))" : "\(pick(sections)).\(pick(names)).\(pick(keys))"
            let value = pick([pick(Self.numbers), pick(Self.fragments), "[a, [b, [c]]]", "{x: 1}", "'q'", "out.csv", "in.csv", "a -> b"])
            overrides.append("\(path)=\(value)")
            return s
        }
    }
}
