// ManifestDecoder+Edges: the `edges` list: "FROM -> TO" strings whose ends are `node` or `node.port`.

extension ManifestDecoder {
    /// Decodes `edges`, filling in the default ports ("out" at the start, "in" at the end).
    mutating func edges(_ node: YAMLNode) -> [EdgeSpec] {
        guard case .sequence(let items, _) = node else {
            error(node.location, "edges must be a list of \"FROM -> TO\" strings, got \(node.got)")
            return []
        }
        edgesDecoded = true
        var result: [EdgeSpec] = []
        for item in items {
            guard case .scalar(let text, _, let location) = item, !item.isNull else {
                error(item.location, "an edge must be a string \"FROM -> TO\", got \(item.got)")
                continue
            }
            guard let edge = Self.edge(text, at: location) else {
                error(location, "malformed edge '\(text)': write 'FROM -> TO', where each end is 'node' or 'node.port'")
                notCheckedForConnections.formUnion(Self.words(text))
                continue
            }
            result.append(edge)
        }
        return result
    }

    /// Parses "FROM -> TO"; nil unless it has exactly one arrow and two valid endpoints.
    static func edge(_ text: String, at location: SourceLocation) -> EdgeSpec? {
        let parts = text.split(separator: "->", omittingEmptySubsequences: false)
        guard parts.count == 2, let from = endpoint(parts[0], defaultPort: "out"), let to = endpoint(parts[1], defaultPort: "in") else {
            return nil
        }
        return EdgeSpec(from: from, to: to, location: location)
    }

    /// `node` or `node.port`, surrounded by optional spaces.
    private static func endpoint(_ text: Substring, defaultPort: String) -> Endpoint? {
        var trimmed = text
        while let first = trimmed.first, first == " " || first == "\t" { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, last == " " || last == "\t" { trimmed = trimmed.dropLast() }
        let pieces = trimmed.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(pieces.count), pieces.allSatisfy(isValidName) else { return nil }
        return Endpoint(node: pieces[0], port: pieces.count == 2 ? pieces[1] : defaultPort)
    }

    /// The name-like words of a malformed edge (`s => out` gives s and out).
    private static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { !isValidName(String($0)) }).map(String.init)
    }
}
