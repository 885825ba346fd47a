// YAMLNode: a YAML document as a small located tree that overrides edit and the decoder reads.

/// A YAML value with the location of its first character. Built once from Yams' nodes; `--set`
/// overrides edit this tree before it is decoded, so their values are validated like the file's.
indirect enum YAMLNode: Sendable {
    /// A scalar's text; `plain` is false when it was quoted, a block scalar, or explicitly tagged.
    case scalar(String, plain: Bool, SourceLocation)
    /// A mapping's entries, in the order written.
    case mapping([YAMLPair], SourceLocation)
    /// A sequence's items.
    case sequence([YAMLNode], SourceLocation)

    /// Where the node starts.
    var location: SourceLocation {
        switch self {
        case .scalar(_, _, let location), .mapping(_, let location), .sequence(_, let location): location
        }
    }

    /// The text of a scalar; nil for collections.
    var text: String? {
        if case .scalar(let text, _, _) = self { return text }
        return nil
    }

    /// Whether this is YAML's null: a plain empty value, `~` or `null`.
    var isNull: Bool {
        guard case .scalar(let text, true, _) = self else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// Whether this is a list without items.
    var isEmptyList: Bool {
        if case .sequence(let items, _) = self { return items.isEmpty }
        return false
    }

    /// What a message says it got: `'two'` for a scalar, "nothing", "a mapping" or "a list".
    var got: String {
        switch self {
        case .scalar(let text, _, _): isNull ? "nothing" : "'\(text)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    /// The value for `key`, if this is a mapping that has it (the first such entry).
    subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }
}
