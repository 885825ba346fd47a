// ManifestNode: a YAML document as a small located tree (scalars, mappings, sequences) that overrides edit.
internal import Yams

/// A YAML value with the location of its first character. Built from Yams' nodes once; `--set` overrides
/// are applied to this tree before it is decoded, so they are validated like anything else.
indirect enum ManifestNode: Sendable {
    case scalar(String, SourceLocation, plain: Bool)
    case mapping([(key: String, keyLocation: SourceLocation, value: ManifestNode)], SourceLocation)
    case sequence([ManifestNode], SourceLocation)

    var location: SourceLocation {
        switch self {
        case .scalar(_, let l, _), .mapping(_, let l), .sequence(_, let l): l
        }
    }

    /// A short name of the node's shape for messages.
    var shape: String {
        switch self {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    /// Parses YAML text into a tree; YAML syntax errors become located manifest errors.
    static func parse(yaml: String, file: String) throws(ManifestErrors) -> ManifestNode? {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            switch error {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
                throw ManifestErrors([ManifestError(SourceLocation(file: file, line: mark.line, column: mark.column), "invalid YAML: \(problem)")])
            default:
                throw ManifestErrors([ManifestError(SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")])
            }
        } catch {
            throw ManifestErrors([ManifestError(SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")])
        }
        return try node.map { n throws(ManifestErrors) in try convert(n, file: file) }
    }

    private static func location(_ mark: Mark?, _ file: String) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Node, file: String) throws(ManifestErrors) -> ManifestNode {
        switch node {
        case .scalar(let s):
            return .scalar(s.string, location(s.mark, file), plain: s.style == .plain)
        case .mapping(let m):
            var pairs: [(key: String, keyLocation: SourceLocation, value: ManifestNode)] = []
            for (k, v) in m {
                guard case .scalar(let key) = k else {
                    throw ManifestErrors([ManifestError(location(k.mark, file), "mapping keys must be plain names")])
                }
                pairs.append((key.string, location(key.mark, file), try convert(v, file: file)))
            }
            return .mapping(pairs, location(m.mark, file))
        case .sequence(let s):
            var items: [ManifestNode] = []
            for item in s { items.append(try convert(item, file: file)) }
            return .sequence(items, location(s.mark, file))
        case .alias(let a):
            throw ManifestErrors([ManifestError(location(a.mark, file), "YAML aliases are not supported in manifests")])
        }
    }

    /// The value for `key` in a mapping.
    subscript(key: String) -> ManifestNode? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }
}
