// YAMLSyntaxExplanation: the YAML mistakes people make most, located where they are and said plainly.
import Foundation

/// libyaml reports a problem where it noticed it, which is often the line after the mistake (a `{` left
/// open is noticed at the next key), in its own terms ("found character that cannot start any token").
/// `explain` recognises the common cases and moves the location to the mistake, with the fix; anything
/// else keeps libyaml's words.
enum YAMLSyntaxExplanation {
    /// A mistake's place (1-based line and column) and what to do.
    struct Explained: Equatable {
        let line: Int
        let column: Int
        let message: String
    }

    /// `problem` noticed at `mark` (line, column; 1-based) while reading what began at `context`, in a
    /// document of `lines`.
    static func explain(problem: String, at mark: (line: Int, column: Int), context: (text: String, line: Int, column: Int)?, lines: [String])
        -> Explained?
    {
        if problem.hasPrefix("found character that cannot start any token"), character(at: mark, in: lines) == "\t" {
            let before = lines[mark.line - 1].unicodeScalars.prefix(mark.column - 1)
            let message =
                before.allSatisfy({ $0 == " " || $0 == "\t" })
                ? "tabs are not allowed for indentation: indent with spaces" : "a tab cannot start a value here: use spaces"
            return Explained(line: mark.line, column: mark.column, message: message)
        }
        if problem.hasPrefix("found a tab character that violates indentation") {
            return Explained(line: mark.line, column: mark.column, message: "tabs are not allowed for indentation: indent with spaces")
        }
        guard let context else { return nil }
        if problem.hasPrefix("did not find expected ',' or '") && context.text.contains("while parsing a flow") {
            let closer = problem.contains("'}'") ? "}" : "]"
            let opener = closer == "}" ? "{" : "["
            guard mark.line > context.line else {
                return Explained(
                    line: mark.line, column: mark.column,
                    message: "expected ',' or '\(closer)' here: the entries of \(opener) … \(closer) are separated by commas")
            }
            // Noticed on a later line: the collection opened above was left open.
            let end = lastContentLine(before: mark.line, in: lines)
            return Explained(
                line: end.line, column: end.column,
                message: "the '\(opener)' opened at line \(context.line), column \(context.column) is not closed: add '\(closer)' here")
        }
        if problem.hasPrefix("could not find expected ':'") && context.text.contains("simple key") {
            return Explained(
                line: context.line, column: context.column, message: "this line has no ':' after its key: write key: value (or - item in a list)")
        }
        if problem.hasPrefix("found unexpected end of stream") && context.text.contains("quoted scalar") {
            return Explained(line: context.line, column: context.column, message: "this quoted string is never closed: add its closing quote")
        }
        if problem.hasPrefix("did not find expected key") && context.text.contains("block mapping") {
            return Explained(
                line: mark.line, column: mark.column,
                message: "this line is indented to column \(mark.column), which lines it up with no mapping above it: "
                    + "indent it like the keys it belongs with")
        }
        return nil
    }

    private static func character(at mark: (line: Int, column: Int), in lines: [String]) -> Unicode.Scalar? {
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let scalars = Array(lines[mark.line - 1].unicodeScalars)
        return mark.column >= 1 && mark.column <= scalars.count ? scalars[mark.column - 1] : nil
    }

    /// Just after the last character of the last line before `line` that holds more than a comment.
    private static func lastContentLine(before line: Int, in lines: [String]) -> (line: Int, column: Int) {
        var index = min(line - 1, lines.count) - 1
        while index > 0 {
            let text = lines[index].trimmingCharacters(in: .whitespaces)
            if !text.isEmpty && !text.hasPrefix("#") { break }
            index -= 1
        }
        let text = lines[max(index, 0)]
        let content = text.split(separator: " #", maxSplits: 1).first.map(String.init) ?? text
        let trimmed = content.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        return (max(index, 0) + 1, trimmed.unicodeScalars.count + 1)
    }
}
