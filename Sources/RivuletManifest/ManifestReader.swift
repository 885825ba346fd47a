// ManifestReader: typed access to manifest nodes that records a located error instead of stopping.

/// Reads values out of a manifest tree. Every accessor returns nil on a problem and records a located
/// error, so one pass finds every mistake in the file.
final class ManifestReader {
    private(set) var errors: [ManifestError] = []

    func error(_ location: SourceLocation?, _ message: String) {
        errors.append(ManifestError(location, message))
    }

    /// The pairs of a mapping after checking its keys: unknown keys and missing required keys are errors.
    func mapping(_ node: ManifestNode, _ what: String, allowed: [String], required: [String] = [])
        -> [String: ManifestNode]?
    {
        guard case .mapping(let pairs, let location) = node else {
            error(node.location, "\(what) must be a mapping, not \(node.shape)")
            return nil
        }
        var result: [String: ManifestNode] = [:]
        for pair in pairs {
            if !allowed.contains(pair.key) {
                error(pair.keyLocation, "unknown key '\(pair.key)' in \(what) (allowed: \(allowed.joined(separator: ", ")))")
            } else if result[pair.key] != nil {
                error(pair.keyLocation, "key '\(pair.key)' appears twice in \(what)")
            } else {
                result[pair.key] = pair.value
            }
        }
        for key in required where result[key] == nil {
            error(location, "\(what) needs '\(key)'")
        }
        return result
    }

    /// The ordered entries of a mapping whose keys are names chosen by the user (sources, schema…).
    func namedEntries(_ node: ManifestNode, _ what: String) -> [(name: String, location: SourceLocation, value: ManifestNode)] {
        guard case .mapping(let pairs, _) = node else {
            error(node.location, "\(what) must be a mapping of names to definitions, not \(node.shape)")
            return []
        }
        return pairs.map { ($0.key, $0.keyLocation, $0.value) }
    }

    func string(_ node: ManifestNode?, _ what: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let s, _, _) = node else {
            error(node.location, "\(what) must be a string, not \(node.shape)")
            return nil
        }
        return s
    }

    func int(_ node: ManifestNode?, _ what: String, minimum: Int) -> Int? {
        guard let node else { return nil }
        guard case .scalar(let s, _, _) = node, let v = Int(s.replacingOccurrences(of: "_", with: "")), v >= minimum else {
            let got = if case .scalar(let s, _, _) = node { "'\(s)'" } else { node.shape }
            error(node.location, "\(what) must be \(minimum == 1 ? "a positive integer" : "an integer ≥ \(minimum)"), got \(got)")
            return nil
        }
        return v
    }

    func number(_ node: ManifestNode?, _ what: String) -> Double? {
        guard let node else { return nil }
        guard case .scalar(let s, _, _) = node, let v = Double(s.replacingOccurrences(of: "_", with: "")), v > 0 else {
            error(node.location, "\(what) must be a positive number")
            return nil
        }
        return v
    }

    func bool(_ node: ManifestNode?, _ what: String) -> Bool? {
        guard let node else { return nil }
        guard case .scalar(let s, _, _) = node, let v = ["true": true, "false": false, "yes": true, "no": false][s.lowercased()] else {
            error(node.location, "\(what) must be true or false")
            return nil
        }
        return v
    }

    /// A scalar that must be one of `choices`.
    func choice<T>(_ node: ManifestNode?, _ what: String, _ choices: [(String, T)]) -> T? {
        guard let node, let s = string(node, what) else { return nil }
        guard let match = choices.first(where: { $0.0 == s }) else {
            error(node.location, "unknown \(what) '\(s)' (expected one of: \(choices.map(\.0).joined(separator: ", ")))")
            return nil
        }
        return match.1
    }

    /// A list of strings (a YAML list, or one scalar).
    func strings(_ node: ManifestNode?, _ what: String) -> [String]? {
        guard let node else { return nil }
        switch node {
        case .scalar(let s, _, _): return [s]
        case .sequence(let items, _): return items.compactMap { string($0, "an item of \(what)") }
        case .mapping: error(node.location, "\(what) must be a list")
        }
        return nil
    }

    /// A one-character delimiter.
    func delimiter(_ node: ManifestNode?, _ what: String) -> UInt8? {
        guard let node, let s = string(node, what) else { return nil }
        guard s.utf8.count == 1 else {
            error(node.location, "\(what) must be exactly one character, got '\(s)'")
            return nil
        }
        return s.utf8.first
    }
}
