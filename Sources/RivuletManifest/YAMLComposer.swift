// YAMLComposer: turns manifest text into a located YAMLNode tree, with Yams' syntax errors located.
internal import Yams

/// Parses YAML text with Yams and converts the result into `YAMLNode`s. Aliases are resolved by Yams (an
/// alias is located where its anchor is). Syntax errors stop parsing; a mapping key that is not a scalar
/// is reported and the entry skipped.
struct YAMLComposer {
    /// The file name used in locations.
    let file: String
    /// Problems found converting the tree (syntax errors are thrown instead).
    private(set) var errors: [ManifestError] = []

    init(file: String) {
        self.file = file
    }

    /// The document's root, nil for an empty document. Throws the syntax error Yams found, located.
    mutating func compose(_ yaml: String) throws(ManifestError) -> YAMLNode? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error)
        } catch {
            throw ManifestError(SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")
        }
        guard let root else { return nil }
        return convert(root)
    }

    private func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: max(mark?.line ?? 1, 1), column: max(mark?.column ?? 1, 1))
    }

    /// A Yams error as a located manifest error: "invalid YAML: problem (while context at line L, column C)".
    private func syntaxError(_ error: YamlError) -> ManifestError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            var message = "invalid YAML: \(problem)"
            if let context, !context.text.isEmpty {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return ManifestError(location(mark), message)
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            let noun = duplicates.count == 1 ? "key" : "keys"
            return ManifestError(location(context.mark), "invalid YAML: \(noun) \(keys) written twice in the same mapping")
        default:
            return ManifestError(location(nil), "invalid YAML: \(error)")
        }
    }

    private mutating func convert(_ node: Node) -> YAMLNode {
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string, plain: scalar.tag.rawValue == Tag.Name.implicit.rawValue && scalar.style == .plain, location(scalar.mark))
        case .mapping(let mapping):
            var pairs: [YAMLPair] = []
            for (key, value) in mapping {
                guard case .scalar(let name) = key else {
                    let shape = if case .mapping = key { "a mapping" } else { "a list" }
                    errors.append(ManifestError(location(key.mark), "a mapping key must be a name, not \(shape)"))
                    continue
                }
                pairs.append(YAMLPair(key: name.string, keyLocation: location(name.mark), value: convert(value)))
            }
            return .mapping(pairs, location(mapping.mark))
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            for item in sequence { items.append(convert(item)) }
            return .sequence(items, location(sequence.mark))
        case .alias(let alias):
            errors.append(ManifestError(location(alias.mark), "unresolved YAML alias"))
            return .scalar("", plain: true, location(alias.mark))
        }
    }
}
