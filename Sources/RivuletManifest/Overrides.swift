// Overrides: applies `--set dotted.path=value` to a manifest tree before it is decoded.
internal import Yams

/// Edits a manifest tree: `sources.payments.path=/data/today.csv` replaces that value (numbers stay
/// numbers, as YAML would read them). Every key on the path must exist except the last, which may be
/// added to an existing mapping; list items are addressed by index (`edges.0`).
enum Overrides {
    static func apply(_ overrides: [String], to root: ManifestNode) -> (ManifestNode, [ManifestError]) {
        var tree = root
        var errors: [ManifestError] = []
        for text in overrides {
            guard let eq = text.firstIndex(of: "=") else {
                errors.append(ManifestError(SourceLocation(file: "--set \(text)", line: 1, column: 1), "an override must look like PATH=VALUE"))
                continue
            }
            let path = String(text[..<eq])
            let value = String(text[text.index(after: eq)...])
            let location = SourceLocation(file: "--set \(path)", line: 1, column: 1)
            let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !path.isEmpty, !keys.contains("") else {
                errors.append(ManifestError(location, "'\(path)' is not a dotted path of keys"))
                continue
            }
            do {
                tree = try set(keys[...], in: tree, to: .scalar(value, location, plain: true), location: location, walked: [])
            } catch {
                errors.append(error)
            }
        }
        return (tree, errors)
    }

    private static func set(_ keys: ArraySlice<String>, in node: ManifestNode, to value: ManifestNode,
                            location: SourceLocation, walked: [String]) throws(ManifestError) -> ManifestNode
    {
        guard let key = keys.first else { return value }
        let here = walked.isEmpty ? "the top level" : "'\(walked.joined(separator: "."))'"
        switch node {
        case .mapping(var pairs, let l):
            if let i = pairs.firstIndex(where: { $0.key == key }) {
                pairs[i].value = try set(keys.dropFirst(), in: pairs[i].value, to: value, location: location, walked: walked + [key])
            } else if keys.count == 1 {
                pairs.append((key, location, value))
            } else {
                throw ManifestError(location, "no key '\(key)' under \(here) (have: \(pairs.map(\.key).joined(separator: ", ")))")
            }
            return .mapping(pairs, l)
        case .sequence(var items, let l):
            guard let i = Int(key), items.indices.contains(i) else {
                throw ManifestError(location, "\(here) is a list of \(items.count); '\(key)' is not an index in it")
            }
            items[i] = try set(keys.dropFirst(), in: items[i], to: value, location: location, walked: walked + [key])
            return .sequence(items, l)
        case .scalar:
            throw ManifestError(location, "\(here) is a value, it has no key '\(key)'")
        }
    }
}
