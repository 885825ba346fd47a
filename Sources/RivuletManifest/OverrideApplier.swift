// OverrideApplier: applies `--set dotted.path=value` overrides to a manifest tree before it is decoded.

/// Edits a manifest tree with overrides such as `sources.payments.path=/data/today.csv`,
/// `operators.mask.parallelism=2` or `edges.0=a -> b`.
///
/// Every key on the path must exist except the last, which may be added to an existing mapping; list
/// items are addressed by index, and the index one past the end appends. The value is read as a YAML
/// scalar (so `2` is a number, `"2"` a string); a value starting with `[` or `{` is read as a YAML flow
/// list or mapping. Errors are located in the pseudo-file `--set PATH`, line 1, column 1.
struct OverrideApplier {
    /// Problems found, in the order of the overrides.
    private(set) var errors: [ManifestError] = []

    /// Applies `overrides` in order; one that fails is reported and skipped.
    mutating func apply(_ overrides: [String], to root: YAMLNode) -> YAMLNode {
        var tree = root
        for text in overrides {
            guard let equals = text.firstIndex(of: "=") else {
                errors.append(
                    ManifestError(Self.location(text), "an override must look like PATH=VALUE (e.g. sources.in.path=data.csv), got '\(text)'"))
                continue
            }
            let path = String(text[..<equals])
            let location = Self.location(path)
            let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !keys.contains(where: \.isEmpty) else {
                errors.append(ManifestError(location, "'\(path)' is not a dotted path of keys (e.g. operators.mask.parallelism)"))
                continue
            }
            do {
                let value = try Self.value(String(text[text.index(after: equals)...]), location: location)
                tree = try Self.set(keys[...], in: tree, to: value, location: location, walked: [])
            } catch {
                errors.append(error)
            }
        }
        return tree
    }

    /// Top-level sections an override may create when the manifest has none (every key in them optional).
    static let sectionsCreatedOnDemand: Set<String> = ["checkpoint"]

    /// The pseudo-location of the override of `path`.
    static func location(_ path: String) -> SourceLocation {
        SourceLocation(file: "--set \(path)", line: 1, column: 1)
    }

    /// The override's value as a node: a plain scalar, or YAML when it is quoted or a flow collection.
    private static func value(_ text: String, location: SourceLocation) throws(ManifestError) -> YAMLNode {
        guard let first = text.first, "[{\"'".contains(first) else {
            return .scalar(text, plain: true, location)
        }
        var composer = YAMLComposer(file: location.file)
        guard let node = try composer.compose(text) else { return .scalar("", plain: true, location) }
        if let error = composer.errors.first { throw error }
        return node
    }

    /// `node` with the value at `keys` replaced (or added) by `value`.
    private static func set(
        _ keys: ArraySlice<String>, in node: YAMLNode, to value: YAMLNode, location: SourceLocation,
        walked: [String]
    ) throws(ManifestError) -> YAMLNode {
        guard let key = keys.first else { return value }
        let here = walked.isEmpty ? "at the top level" : "under '\(walked.joined(separator: "."))'"
        let rest = keys.dropFirst()
        switch node {
        case .mapping(var pairs, let mappingLocation):
            if let index = pairs.firstIndex(where: { $0.key == key }) {
                pairs[index].value = try set(rest, in: pairs[index].value, to: value, location: location, walked: walked + [key])
            } else if rest.isEmpty {
                pairs.append(YAMLPair(key: key, keyLocation: location, value: value))
            } else if walked.isEmpty && Self.sectionsCreatedOnDemand.contains(key) {
                // `--set checkpoint.interval=100ms` turns checkpointing on in a manifest without the section.
                let section = try set(rest, in: .mapping([], location), to: value, location: location, walked: [key])
                pairs.append(YAMLPair(key: key, keyLocation: location, value: section))
            } else {
                let have = pairs.isEmpty ? "it is empty" : "have: \(pairs.map(\.key).joined(separator: ", "))"
                throw ManifestError(location, "no key '\(key)' \(here) (\(have))")
            }
            return .mapping(pairs, mappingLocation)
        case .sequence(var items, let sequenceLocation):
            guard let index = Int(key), index >= 0, index <= items.count, index < items.count || rest.isEmpty else {
                let range = items.isEmpty ? "" : "0...\(items.count - 1), or "
                let list = walked.isEmpty ? "the manifest" : "'\(walked.joined(separator: "."))'"
                throw ManifestError(location, "no item '\(key)' \(here): \(list) is a list of \(items.count) (use \(range)\(items.count) to add one)")
            }
            if index == items.count {
                items.append(value)
            } else {
                items[index] = try set(rest, in: items[index], to: value, location: location, walked: walked + [key])
            }
            return .sequence(items, sequenceLocation)
        case .scalar:
            let what = walked.isEmpty ? "the manifest" : "'\(walked.joined(separator: "."))'"
            throw ManifestError(location, "\(what) is a single value, so it has no key '\(key)'")
        }
    }
}
