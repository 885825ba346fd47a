// FlowCallCommas: lets `{ p99: percentile(v, 99) }` be written inside a YAML flow mapping.

/// In a YAML flow collection (`{ … }`, `[ … ]`) a comma ends the value, so the comma of a function call
/// such as `percentile(v, 99)` cut it in two. Before Yams reads the text, `protect` replaces each comma
/// that is inside parentheses of a plain (unquoted) value in a flow collection by `;` — one character for
/// one, so every line and column stays where it was — and remembers where; `restore` puts the commas back
/// into the plain scalars read from those places. Quoted text, comments and block context are untouched.
struct FlowCallCommas {
    /// Where the replaced commas were: line → columns (1-based, counted in Unicode scalars as Yams does).
    private(set) var positions: [Int: Set<Int>] = [:]
    /// How many were replaced, and how many put back so far: when not all come back (a comma inside a
    /// block scalar after an unbalanced bracket, a quoted key…) the caller reads the text unprotected.
    private(set) var replaced = 0
    private(set) var restored = 0

    var isEmpty: Bool { positions.isEmpty }
    var allRestored: Bool { restored == replaced }

    /// `text` with the commas inside parentheses in flow collections replaced by `;`.
    mutating func protect(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var line = 1, column = 0
        var flowDepth = 0, parenDepth = 0
        var quote: Unicode.Scalar? = nil
        var escaped = false, inComment = false
        var previous: Unicode.Scalar? = nil
        for u in text.unicodeScalars {
            column += 1
            var out = u
            if u == "\n" {
                // A call does not span lines: an unclosed one stops here.
                line += 1
                column = 0
                parenDepth = 0
                inComment = false
                previous = nil
                scalars.append(u)
                continue
            }
            if inComment {
            } else if let q = quote {
                if escaped {
                    escaped = false
                } else if q == "\"" && u == "\\" {
                    escaped = true
                } else if u == q {
                    quote = nil
                }
            } else {
                let startsToken = previous == nil || [" ", "\t", "{", "[", ",", ":"].contains(previous!)
                switch u {
                case "#" where previous == nil || previous == " " || previous == "\t": inComment = true
                case "\"" where startsToken, "'" where startsToken:
                    quote = u
                case "{" where parenDepth == 0, "[" where parenDepth == 0:
                    flowDepth += 1
                case "}", "]":
                    // Ends the collection even after an unclosed call (`{ p: f(v, 1 }`): arguments hold no brackets.
                    flowDepth = max(0, flowDepth - 1)
                    parenDepth = 0
                case "(" where flowDepth > 0: parenDepth += 1
                case ")" where parenDepth > 0: parenDepth -= 1
                case "," where flowDepth > 0 && parenDepth > 0:
                    out = ";"
                    positions[line, default: []].insert(column)
                    replaced += 1
                default: break
                }
                if flowDepth == 0 { parenDepth = 0 }
            }
            previous = u
            scalars.append(out)
        }
        return String(scalars)
    }

    /// A plain scalar (or key) read at `line`, `column` with its protected commas put back.
    mutating func restore(_ text: String, line: Int, column: Int) -> String {
        guard let columns = positions[line] else { return text }
        var scalars = String.UnicodeScalarView()
        for (i, u) in text.unicodeScalars.enumerated() {
            if u == ";" && columns.contains(column + i) {
                scalars.append(",")
                restored += 1
            } else {
                scalars.append(u)
            }
        }
        return String(scalars)
    }
}
