// YAMLComposer: turns manifest text into a located YAMLNode tree, with Yams' syntax errors located.
internal import Yams

/// Parses YAML text with Yams and converts the result into `YAMLNode`s. Aliases are resolved by Yams (an
/// alias is located where its anchor is). Syntax errors stop parsing; a mapping key that is not a scalar
/// is reported and the entry skipped.
///
/// Bounded: `YAMLPreflight` checks the text's size, nesting and alias expansion before Yams reads it, and
/// the conversion counts nodes (aliases expanded) and depth exactly, refusing either beyond `Limit.nodes`
/// and `Limit.nestingDepth` at the node where it is crossed.
struct YAMLComposer {
    /// The file name used in locations.
    let file: String
    /// Problems found converting the tree (syntax errors are thrown instead).
    private(set) var errors: [ManifestError] = []
    /// Nodes converted so far, aliases expanded.
    private var nodes = 0
    /// The commas of function calls inside flow collections, hidden from Yams (`FlowCallCommas`).
    private var callCommas = FlowCallCommas()

    init(file: String) {
        self.file = file
    }

    /// The document's root, nil for an empty document. Throws the syntax error Yams found, or the limit
    /// crossed, located.
    mutating func compose(_ yaml: String) throws(ManifestError) -> YAMLNode? {
        try YAMLPreflight.check(yaml, file: file)
        callCommas = FlowCallCommas()
        let protected = callCommas.protect(yaml)
        guard let root = try parse(protected, locatedIn: yaml) else { return nil }
        nodes = 0
        let converted = try convert(root, depth: 0)
        if callCommas.allRestored { return converted }
        // A replaced comma that no plain scalar gave back (inside a block scalar or a quoted key): read the
        // text as written instead, where a call's comma ends its value as YAML says.
        callCommas = FlowCallCommas()
        errors = []
        nodes = 0
        guard let original = try parse(yaml, locatedIn: yaml) else { return nil }
        return try convert(original, depth: 0)
    }

    /// Yams' tree of `text`; a syntax error located in `original` (the same lines and columns).
    private func parse(_ text: String, locatedIn original: String) throws(ManifestError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, in: original)
        } catch {
            throw ManifestError(SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")
        }
    }

    private func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: max(mark?.line ?? 1, 1), column: max(mark?.column ?? 1, 1))
    }

    /// A Yams error as a located manifest error: "invalid YAML: problem (while context at line L, column C)".
    private func syntaxError(_ error: YamlError, in yaml: String) -> ManifestError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            if problem.hasPrefix("Maximum nesting level reached") {
                return ManifestError(
                    location(mark),
                    "collections nest more than \(Int(Limit.nestingDepth.maximum)) levels deep here, the most a manifest may: flatten the document")
            }
            let lines = yaml.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.map(String.init)
            if let explained = YAMLSyntaxExplanation.explain(
                problem: problem, at: (mark.line, mark.column), context: context.map { ($0.text, $0.mark.line, $0.mark.column) }, lines: lines)
            {
                return ManifestError(
                    SourceLocation(file: file, line: explained.line, column: explained.column), "invalid YAML: \(explained.message)")
            }
            var message = "invalid YAML: \(problem)"
            if let context, !context.text.isEmpty {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return ManifestError(location(mark), message)
        case let .reader(problem, offset, value, _):
            // Offsets count Characters from the start of the text (e.g. a control character).
            let character = value >= 0 ? " (U+\(String(UInt32(bitPattern: value), radix: 16, uppercase: true)))" : ""
            let fix =
                problem.contains("control characters") ? ": remove it, or write it as an escape such as \"\\u0007\" in a double-quoted string" : ""
            return ManifestError(offset.map { location(ofCharacter: $0, in: yaml) } ?? location(nil), "invalid YAML: \(problem)\(character)\(fix)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            let noun = duplicates.count == 1 ? "key" : "keys"
            // Yams marks the first occurrence; the mistake is the second one, when it can be found.
            if let key = duplicates.first, let again = secondOccurrence(of: key, after: context.mark, in: yaml) {
                return ManifestError(
                    again, "invalid YAML: \(noun) \(keys) written twice in the same mapping (first at line \(context.mark.line)): remove one")
            }
            return ManifestError(location(context.mark), "invalid YAML: \(noun) \(keys) written twice in the same mapping: remove one")
        default:
            return ManifestError(location(nil), "invalid YAML: \(error)")
        }
    }

    /// Where `key` is written again after its first occurrence at `first`: the next `key:` at the same
    /// column (a block mapping) or after `{` or `,` (a flow mapping). Nil when not found (a quoted key).
    private func secondOccurrence(of key: String, after first: Mark, in yaml: String) -> SourceLocation? {
        let lines = yaml.replacingOccurrences(of: "\r\n", with: "\n").split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" }
        let name = Array(key.unicodeScalars)
        guard !name.isEmpty, first.line >= 1, first.line <= lines.count else { return nil }
        for index in (first.line - 1)..<lines.count {
            let line = Array(lines[index].unicodeScalars)
            var column = index == first.line - 1 ? first.column - 1 + name.count : 0
            while column + name.count <= line.count {
                defer { column += 1 }
                guard Array(line[column..<column + name.count]) == name else { continue }
                var after = column + name.count
                while after < line.count && line[after] == " " { after += 1 }
                guard after < line.count, line[after] == ":" else { continue }
                let before = line[..<column].last { $0 != " " }
                if (column == first.column - 1 && before == nil) || before == "{" || before == "," {
                    return SourceLocation(file: file, line: index + 1, column: column + 1)
                }
            }
        }
        return nil
    }

    /// The line and column (in Unicode scalars) of the `offset`-th Character of `text`.
    private func location(ofCharacter offset: Int, in text: String) -> SourceLocation {
        var line = 1, column = 1
        for character in text.prefix(offset) {
            if character == "\n" || character == "\r\n" || character == "\r" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    /// `node` as a `YAMLNode`; `depth` is the number of collections around it. Refuses the node that
    /// makes the document hold more than `Limit.nodes` nodes or nest deeper than `Limit.nestingDepth`.
    private mutating func convert(_ node: Node, depth: Int) throws(ManifestError) -> YAMLNode {
        nodes += 1
        if nodes > Int(Limit.nodes.maximum) {
            throw ManifestError(
                location(node.mark),
                "the document holds more than \(Int(Limit.nodes.maximum)) nodes (aliases expanded), the most a manifest may hold: shorten it or use fewer aliases"
            )
        }
        switch node {
        case .scalar(let scalar):
            let at = location(scalar.mark)
            let plain = scalar.tag.rawValue == Tag.Name.implicit.rawValue && scalar.style == .plain
            let text = plain && !callCommas.isEmpty ? callCommas.restore(scalar.string, line: at.line, column: at.column) : scalar.string
            return .scalar(text, plain: plain, at)
        case .mapping(let mapping):
            try checkDepth(depth + 1, at: mapping.mark)
            var pairs: [YAMLPair] = []
            for (key, value) in mapping {
                guard case .scalar(let name) = key else {
                    let shape = if case .mapping = key { "a mapping" } else { "a list" }
                    errors.append(ManifestError(location(key.mark), "a mapping key must be a name, not \(shape)"))
                    continue
                }
                nodes += 1
                let at = location(name.mark)
                let key = callCommas.isEmpty ? name.string : callCommas.restore(name.string, line: at.line, column: at.column)
                pairs.append(YAMLPair(key: key, keyLocation: at, value: try convert(value, depth: depth + 1)))
            }
            return .mapping(pairs, location(mapping.mark))
        case .sequence(let sequence):
            try checkDepth(depth + 1, at: sequence.mark)
            var items: [YAMLNode] = []
            for item in sequence { items.append(try convert(item, depth: depth + 1)) }
            return .sequence(items, location(sequence.mark))
        case .alias(let alias):
            errors.append(ManifestError(location(alias.mark), "unresolved YAML alias"))
            return .scalar("", plain: true, location(alias.mark))
        }
    }

    private func checkDepth(_ depth: Int, at mark: Mark?) throws(ManifestError) {
        if depth > Int(Limit.nestingDepth.maximum) {
            throw ManifestError(
                location(mark),
                "collections nest more than \(Int(Limit.nestingDepth.maximum)) levels deep here (aliases expanded), the most a manifest may: flatten the document"
            )
        }
    }
}
