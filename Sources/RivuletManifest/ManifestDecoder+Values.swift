// ManifestDecoder+Values: typed reads of YAML nodes that record a located error instead of stopping.
import RivuletCore

extension ManifestDecoder {
    /// Records an error at `location`.
    mutating func error(_ location: SourceLocation, _ message: String) {
        errors.append(ManifestError(location, message))
    }

    /// Records a warning at `location` (the manifest stays valid).
    mutating func warning(_ location: SourceLocation, _ message: String) {
        warnings.append(ManifestWarning(location, message))
    }

    /// The entries of a mapping, after checking its keys. A key outside `allowed` is an error: "does not
    /// apply to `otherContext`" when it is in `otherKeys` (it belongs to another type), else "unknown".
    /// A key of `required` that is missing is an error at the mapping. Nil when `node` is not a mapping.
    mutating func fields(
        _ node: YAMLNode, _ what: String, allowed: [String], required: [String] = [],
        otherKeys: [String] = [], otherContext: String = ""
    ) -> MappingFields? {
        guard case .mapping(let pairs, let location) = node else {
            error(node.location, "\(what) must be a mapping, got \(node.got)")
            return nil
        }
        let list = allowed.joined(separator: ", ")
        for pair in pairs where !allowed.contains(pair.key) {
            if otherKeys.contains(pair.key) {
                error(pair.keyLocation, "key '\(pair.key)' does not apply to \(otherContext) (allowed: \(list))")
            } else {
                error(pair.keyLocation, "unknown key '\(pair.key)' in \(what) (allowed: \(list))" + DidYouMean.hint(pair.key, among: allowed))
            }
        }
        for key in required where !pairs.contains(where: { $0.key == key }) {
            error(location, "missing required key '\(key)' in \(what)")
        }
        return MappingFields(pairs: pairs.filter { allowed.contains($0.key) }, location: location)
    }

    /// The named entries of a section mapping (`sources`, `schema`, …), in order; [] and an error otherwise.
    /// With `atLeastOne` (a noun: "source"), a mapping without entries is an error too.
    mutating func entries(_ node: YAMLNode, _ what: String, atLeastOne noun: String? = nil) -> [YAMLPair] {
        guard case .mapping(let pairs, _) = node else {
            error(node.location, "\(what) must be a mapping of names to definitions, got \(node.got)")
            return []
        }
        if let noun, pairs.isEmpty {
            error(node.location, "\(what) must declare at least one \(noun)")
        }
        return pairs
    }

    /// A scalar's text; nil without an error when `node` is nil.
    mutating func string(_ node: YAMLNode?, _ what: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let text, _, _) = node, !node.isNull, !text.isEmpty else {
            error(node.location, "\(what) must be a string, got \(node.got)")
            return nil
        }
        return text
    }

    /// An integer within `limit`'s range; `name` replaces the limit's name in the message.
    mutating func integer(_ node: YAMLNode?, _ limit: Limit, name: String? = nil) -> Int? {
        guard let node else { return nil }
        guard let text = node.text, let value = NumberSyntax.integer(text), limit.allows(value), let result = Int(exactly: value) else {
            error(node.location, limit.message(got: node.got, name: name))
            return nil
        }
        return result
    }

    /// A non-negative integer up to 2^64 - 1 (the seed).
    mutating func unsigned(_ node: YAMLNode?, _ limit: Limit) -> UInt64? {
        guard let node else { return nil }
        guard let text = node.text, let value = NumberSyntax.unsigned(text) else {
            error(node.location, limit.message(got: node.got))
            return nil
        }
        return value
    }

    /// A finite number within `limit`'s range.
    mutating func number(_ node: YAMLNode?, _ limit: Limit) -> Double? {
        guard let node else { return nil }
        guard let text = node.text, let value = NumberSyntax.double(text), limit.allows(value) else {
            error(node.location, limit.message(got: node.got))
            return nil
        }
        return value
    }

    /// A size (`64MB`, or bytes) within `limit`'s range.
    mutating func bytes(_ node: YAMLNode?, _ limit: Limit) -> Int? {
        guard let node else { return nil }
        guard let text = node.text, let value = limit.integer(text), let result = Int(exactly: value) else {
            error(node.location, limit.message(got: node.got))
            return nil
        }
        return result
    }

    /// `true` or `false`.
    mutating func bool(_ node: YAMLNode?, _ what: String) -> Bool? {
        guard let node else { return nil }
        guard let text = node.text, let value = NumberSyntax.bool(text) else {
            error(node.location, "\(what) must be true or false, got \(node.got)")
            return nil
        }
        return value
    }

    /// One of an enum's raw values: "unknown `what` 'x'`detail` (expected one of: …)".
    mutating func choice<T: RawRepresentable & CaseIterable>(
        _ node: YAMLNode?, _ what: String, detail: String = "",
        as type: T.Type = T.self
    ) -> T? where T.RawValue == String {
        guard let node, let text = string(node, what) else { return nil }
        guard let value = T(rawValue: text) else {
            let expected = T.allCases.map(\.rawValue).joined(separator: ", ")
            error(
                node.location,
                "unknown \(what) '\(text)'\(detail) (expected one of: \(expected))" + DidYouMean.hint(text, among: T.allCases.map(\.rawValue)))
            return nil
        }
        return value
    }

    /// A declared field's type (`i64`, `f64`, `bool`, `string`, `bytes`, `timestamp`):
    /// "unknown field type 'x' for field 'f' (expected one of: …)".
    mutating func fieldType(_ node: YAMLNode?, field: String) -> FieldType? {
        guard let node, let text = string(node, "field type") else { return nil }
        guard let type = FieldType(name: text) else {
            let expected = FieldType.declarable.map(\.description).joined(separator: ", ")
            error(
                node.location,
                "unknown field type '\(text)' for field '\(field)' (expected one of: \(expected))"
                    + DidYouMean.hint(text, among: FieldType.declarable.map(\.description)))
            return nil
        }
        return type
    }

    /// One of `choices`: "unknown `what` 'x' (expected one of: …)".
    mutating func choice(_ node: YAMLNode?, _ what: String, among choices: [String]) -> String? {
        guard let node, let text = string(node, what) else { return nil }
        guard choices.contains(text) else {
            error(
                node.location,
                "unknown \(what) '\(text)' (expected one of: \(choices.joined(separator: ", ")))" + DidYouMean.hint(text, among: choices))
            return nil
        }
        return text
    }

    /// A one-character field separator (one byte; not a quote or a line break).
    mutating func delimiter(_ node: YAMLNode?) -> UInt8? {
        guard let node, let text = string(node, "delimiter") else { return nil }
        guard text.utf8.count == 1, let byte = text.utf8.first else {
            error(node.location, "delimiter must be exactly one character, got '\(text)'")
            return nil
        }
        guard !["\"", "\n", "\r"].contains(text) else {
            error(node.location, "delimiter cannot be a quote or a line break")
            return nil
        }
        return byte
    }

    /// A non-empty list of distinct strings.
    mutating func stringList(_ node: YAMLNode?, _ what: String) -> [String]? {
        guard let node else { return nil }
        guard case .sequence(let items, _) = node, !items.isEmpty else {
            error(node.location, "\(what) must be a non-empty list, got \(node.isEmptyList ? "an empty list" : node.got)")
            return nil
        }
        var result: [String] = []
        for item in items {
            guard let text = string(item, "an item of \(what)") else { continue }
            if result.contains(text) {
                error(item.location, "'\(text)' is listed twice in \(what)")
            }
            result.append(text)
        }
        return result
    }

    /// A node name: letters, digits, '_' and '-' (a '.' would be read as a port in edges).
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }
}
