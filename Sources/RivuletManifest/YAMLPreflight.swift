// YAMLPreflight: a cheap scan of YAML text before Yams reads it: size, nesting depth and alias expansion.

/// Checks what must hold before Yams parses a document: its size, how deeply its collections nest, and
/// how many nodes its aliases can expand to. A "billion laughs" document is nine short lines; Yams
/// composes aliases by sharing, but hashes every mapping key in full (an alias to a huge list as a key
/// takes minutes) and frees deep trees recursively, and the conversion to `YAMLNode` copies every
/// expansion. `YAMLComposer` counts nodes and depth exactly afterwards; this scan makes sure the
/// document is small enough for that to be cheap.
///
/// It tokenizes just enough YAML — quoted and plain scalars, comments, block scalars, flow brackets,
/// block indentation, anchors and aliases — to compute upper bounds:
/// - depth: open flow brackets plus the block collections that indentation and `- `/`? `/`key:` open;
/// - what an alias adds: everything written or expanded from its anchor to the end of the anchored node
///   (a bracketed collection, a scalar, or the lines indented under it), counted in "ticks" of at least
///   one per node that text can make; when the end is not clear, up to the alias's first use, which
///   always comes after the node has ended (an anchor takes effect only then).
/// A bound is refused at the byte where it is crossed, with that line and column.
struct YAMLPreflight {
    /// A block collection opened by indentation: the byte column it starts at and whether it is a list.
    private typealias Block = (column: Int, isList: Bool)

    let file: String
    private let bytes: [UInt8]
    private let maximumDepth: Int
    private let maximumNodes: Int

    private var line = 1
    private var lineStart = 0
    private var blocks: [Block] = []
    private var flowDepth = 0
    /// Inside a quoted scalar that goes on to the next line: its quote character.
    private var openQuote: UInt8?
    /// A block scalar's lines: those indented more than this column (or blank) belong to it…
    private var blockScalarAbove: Int?
    /// …and once its first line is seen, those indented at least as much as that line (YAML's rule).
    private var blockScalarIndent: Int?
    /// A plain scalar that may go on on the next line, indented more than this column (block context).
    private var plainAbove: Int?
    /// A plain scalar inside a flow collection that may go on on the next line.
    private var flowPlainOpen = false

    /// Nodes written or expanded so far, an upper bound ("ticks").
    private var ticks = 0
    /// Nodes added by aliases so far (an upper bound).
    private var expanded = 0
    /// Depth peaks for "the deepest point since tick t": ticks ascending, depths strictly descending.
    private var peaks: [(tick: Int, depth: Int)] = []
    /// Per anchor name: where it was (re)defined, and once its node ended or it was used, its bounds (kept
    /// as floors on redefinition).
    private var anchors: [String: (tick: Int, depth: Int, size: Int, extraDepth: Int, measured: Bool)] = [:]
    /// An anchor written, whose node starts with the next token.
    private var pendingAnchor: String?
    /// Anchored bracketed collections, ended when the brackets come back to `depth`.
    private var flowAnchors: [(name: String, depth: Int)] = []
    /// An anchored scalar, ended with its token.
    private var scalarAnchor: String?
    /// Anchored block nodes (the lines under `key: &a`), ended by a line less indented than `column`, or
    /// as indented but not a list entry (a list may sit at its key's column).
    private var blockAnchors: [(name: String, column: Int)] = []

    init(
        file: String, bytes: [UInt8], maximumDepth: Int = Int(Limit.nestingDepth.maximum),
        maximumNodes: Int = Int(Limit.nodes.maximum)
    ) {
        self.file = file
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
    }

    /// Checks `text` (a manifest, or a `--set` value) against the size, depth and node limits.
    static func check(_ text: String, file: String) throws(ManifestError) {
        var scan = YAMLPreflight(file: file, bytes: Array(text.utf8))
        try scan.run()
    }

    /// The error for a document longer than `Limit.documentBytes`, located at its first byte beyond the
    /// limit; nil when `bytes` (the document, or its first bytes) are within it.
    static func sizeError(_ bytes: [UInt8], file: String) -> ManifestError? {
        let maximum = Int(Limit.documentBytes.maximum)
        guard bytes.count > maximum else { return nil }
        var at = maximum
        while at > 0 && bytes[at] & 0xC0 == 0x80 { at -= 1 }
        var line = 1, column = 1
        for (i, byte) in bytes[..<at].enumerated() {
            if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && (i + 1 >= bytes.count || bytes[i + 1] != UInt8(ascii: "\n"))) {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 && byte != UInt8(ascii: "\r") {
                column += 1
            }
        }
        return ManifestError(
            SourceLocation(file: file, line: line, column: column),
            "the document is longer than \(Limit.format(Limit.documentBytes.maximum, .bytes)) (\(maximum) bytes), the most a manifest may hold: split it or shorten it"
        )
    }

    /// The scan; throws the first bound crossed.
    mutating func run() throws(ManifestError) {
        if let error = Self.sizeError(bytes, file: file) { throw error }
        // Lines end at \n, \r\n or \r, as YAML's do (and so as Yams counts them). A byte order mark
        // starts no token.
        var position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while position < bytes.count {
            var end = position
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") && bytes[end] != UInt8(ascii: "\r") { end += 1 }
            lineStart = position
            try scanLine(from: position, to: end)
            let crlf = end + 1 < bytes.count && bytes[end] == UInt8(ascii: "\r") && bytes[end + 1] == UInt8(ascii: "\n")
            position = end + (crlf ? 2 : 1)
            line += 1
        }
    }

    // MARK: Lines

    private mutating func scanLine(from start: Int, to end: Int) throws(ManifestError) {
        var indent = start
        while indent < end && (bytes[indent] == UInt8(ascii: " ") || bytes[indent] == UInt8(ascii: "\t")) { indent += 1 }
        let column = indent - start
        let blank = indent == end || bytes[indent] == UInt8(ascii: "#")
        let marker = column == 0 && (hasPrefix("---", at: indent, end: end) || hasPrefix("...", at: indent, end: end))
        if let above = blockScalarAbove, !marker {
            if indent == end { return }
            if let content = blockScalarIndent, column >= content { return }
            if blockScalarIndent == nil && column > above {
                blockScalarIndent = column
                return
            }
        }
        blockScalarAbove = nil
        blockScalarIndent = nil
        if marker {
            // A document marker ends whatever was open (inside brackets or quotes it is a YAML error).
            (blocks, flowDepth, openQuote, plainAbove, flowPlainOpen) = ([], 0, nil, nil, false)
            while let anchor = blockAnchors.popLast() { measure(anchor.name) }
            try scanInline(from: indent + 3, to: end, block: true)
            return
        }
        if openQuote != nil || flowDepth > 0 {
            try scanInline(from: start, to: end, block: false)
            return
        }
        if let above = plainAbove {
            if indent == end { return }
            plainAbove = nil
            if !blank && column > above {
                // The plain scalar of the line before goes on: text up to a ": " or a comment.
                try scanInline(from: indent, to: end, block: true, insidePlain: true)
                return
            }
        }
        if blank { return }
        if column == 0 && bytes[indent] == UInt8(ascii: "%") { return }
        let isListLine = bytes[indent] == UInt8(ascii: "-") && isIndicator(at: indent, end: end)
        while let anchor = blockAnchors.last, column < anchor.column || (column == anchor.column && !isListLine) {
            measure(anchor.name)
            blockAnchors.removeLast()
        }
        while let top = blocks.last, top.column > column { blocks.removeLast() }
        var position = indent
        // Indicators opening (or continuing) block collections: "- " (list), "? " and ": " (mapping).
        while position < end, isIndicator(at: position, end: end) {
            let entryColumn = position - start
            if bytes[position] == UInt8(ascii: "-") { try listEntry(entryColumn, at: position) } else { try mappingEntry(entryColumn, at: position) }
            ticks += 2  // the entry may be an empty (null) node
            position += 1
            while position < end && (bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t")) { position += 1 }
        }
        if position < end && bytes[position] != UInt8(ascii: "#") && hasImplicitKey(from: position, to: end) {
            try mappingEntry(position - start, at: position)
            ticks += 2
        }
        try scanInline(from: position, to: end, block: true)
    }

    /// Whether `- `, `? ` or `: ` (or the indicator alone at the end of the line) starts at `position`.
    private func isIndicator(at position: Int, end: Int) -> Bool {
        let c = bytes[position]
        guard c == UInt8(ascii: "-") || c == UInt8(ascii: "?") || c == UInt8(ascii: ":") else { return false }
        return position + 1 == end || isSpace(bytes[position + 1])
    }

    private mutating func listEntry(_ column: Int, at position: Int) throws(ManifestError) {
        if let top = blocks.last, top.column == column, top.isList { return }
        try open(Block(column, true), at: position)
    }

    private mutating func mappingEntry(_ column: Int, at position: Int) throws(ManifestError) {
        if let top = blocks.last, top.column == column, top.isList { blocks.removeLast() }
        if let top = blocks.last, top.column == column, !top.isList { return }
        try open(Block(column, false), at: position)
    }

    private mutating func open(_ block: Block, at position: Int) throws(ManifestError) {
        blocks.append(block)
        ticks += 1
        try reached(blocks.count + flowDepth, at: position)
    }

    /// Whether a line's content from `start` is an implicit key: after a quoted scalar or a bracketed
    /// collection written first (or from the start, for a plain scalar), a ": " or a final ":" before any
    /// comment. In block context `[` opens a collection only as the first character of the content.
    private func hasImplicitKey(from start: Int, to end: Int) -> Bool {
        var position = start
        let first = bytes[start]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            position += 1
            while position < end {
                let c = bytes[position]
                if first == UInt8(ascii: "\"") && c == UInt8(ascii: "\\") { position += 2; continue }
                position += 1
                if c == first {
                    if first == UInt8(ascii: "'") && position < end && bytes[position] == first { position += 1; continue }
                    break
                }
            }
        } else if first == UInt8(ascii: "[") || first == UInt8(ascii: "{") {
            var depth = 0
            var quote: UInt8?
            while position < end {
                let c = bytes[position]
                if let q = quote {
                    if q == UInt8(ascii: "\"") && c == UInt8(ascii: "\\") { position += 2; continue }
                    if c == q { quote = nil }
                    position += 1
                    continue
                }
                let tokenStart = position == start || isSpace(bytes[position - 1]) || isFlowIndicator(bytes[position - 1])
                if (c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")) && tokenStart {
                    quote = c
                } else if c == UInt8(ascii: "#") && position > start && isSpace(bytes[position - 1]) {
                    return false
                } else if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    depth += 1
                } else if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 {
                        position += 1
                        break
                    }
                }
                position += 1
            }
        }
        while position < end {
            let c = bytes[position]
            if c == UInt8(ascii: "#") && position > start && isSpace(bytes[position - 1]) { return false }
            if c == UInt8(ascii: ":") && (position + 1 == end || isSpace(bytes[position + 1])) { return true }
            position += 1
        }
        return false
    }

    // MARK: Tokens

    /// Scans tokens from `start` to `end`; `block` when the line's structure was read by indentation (a
    /// plain scalar then runs to the end of the line).
    private mutating func scanInline(from start: Int, to end: Int, block: Bool, insidePlain: Bool = false) throws(ManifestError) {
        var position = start
        var plain = insidePlain || (flowDepth > 0 && flowPlainOpen && openQuote == nil)
        flowPlainOpen = false
        if insidePlain { ticks += 1 }
        while position < end {
            let c = bytes[position]
            if let q = openQuote {
                if q == UInt8(ascii: "\"") && c == UInt8(ascii: "\\") { position += 2; continue }
                if c == q {
                    if q == UInt8(ascii: "'") && position + 1 < end && bytes[position + 1] == q { position += 2; continue }
                    openQuote = nil
                    endScalar()
                }
                position += 1
                continue
            }
            if isSpace(c) { position += 1; continue }
            if plain {
                // A plain scalar ends at ": ", " #", and inside brackets at a flow indicator.
                if c == UInt8(ascii: "#") && isSpace(bytes[position - 1]) {
                    endScalar()
                    return
                }
                if c == UInt8(ascii: ":")
                    && (position + 1 == end || isSpace(bytes[position + 1])
                        || (flowDepth > 0 && isFlowIndicator(bytes[position + 1])))
                {
                    plain = false
                    endScalar()
                    ticks += 2
                    position += 1
                    continue
                }
                if flowDepth > 0 && isFlowIndicator(c) {
                    plain = false
                    endScalar()
                } else {
                    position += 1
                    continue
                }
            }
            let previous = position == start ? UInt8(ascii: " ") : bytes[position - 1]
            let tokenStart = isSpace(previous) || isFlowIndicator(previous) || (flowDepth > 0 && previous == UInt8(ascii: ":"))
            switch c {
            case UInt8(ascii: "#") where position == start || isSpace(bytes[position - 1]):
                endLine()
                return
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if let anchor = pendingAnchor {
                    flowAnchors.append((anchor, flowDepth))
                    pendingAnchor = nil
                }
                flowDepth += 1
                ticks += 1
                try reached(blocks.count + flowDepth, at: position)
                position += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if flowDepth > 0 { flowDepth -= 1 }
                while let anchor = flowAnchors.last, anchor.depth >= flowDepth {
                    measure(anchor.name)
                    flowAnchors.removeLast()
                }
                position += 1
            case UInt8(ascii: ","):
                ticks += 1
                position += 1
            case UInt8(ascii: ":") where flowDepth > 0 && (previous == UInt8(ascii: "\"") || previous == UInt8(ascii: "'")):
                // JSON-like `{"a":"b"}`: a value indicator right after a quoted key.
                ticks += 2
                position += 1
            case UInt8(ascii: ":") where endsIndicator(position, end), UInt8(ascii: "?") where endsIndicator(position, end),
                UInt8(ascii: "-") where endsIndicator(position, end):
                ticks += 2
                position += 1
            case UInt8(ascii: "\"") where tokenStart, UInt8(ascii: "'") where tokenStart:
                openQuote = c
                startScalar()
                ticks += 2
                position += 1
            case UInt8(ascii: "&") where tokenStart:
                let (name, after) = self.name(from: position + 1, to: end)
                define(name)
                position = after
            case UInt8(ascii: "*") where tokenStart:
                let (name, after) = self.name(from: position + 1, to: end)
                startScalar()
                try use(name, at: position)
                endScalar()
                position = after
            case UInt8(ascii: "!") where tokenStart:
                while position < end && !isSpace(bytes[position]) && !(flowDepth > 0 && isFlowIndicator(bytes[position])) { position += 1 }
            case UInt8(ascii: "|") where tokenStart && flowDepth == 0, UInt8(ascii: ">") where tokenStart && flowDepth == 0:
                // A block scalar: its lines are those indented more than the collection holding it.
                blockScalarAbove = blocks.last?.column ?? -1
                ticks += 2
                endLine()
                return
            default:
                plain = true
                startScalar()
                ticks += 2
                position += 1
            }
        }
        if plain && openQuote == nil {
            if flowDepth > 0 { flowPlainOpen = true } else if block { plainAbove = blocks.last?.column ?? -1 }
        }
        endLine()
    }

    /// A scalar starts: the pending anchor, if any, is its anchor.
    private mutating func startScalar() {
        if let anchor = pendingAnchor {
            scalarAnchor = anchor
            pendingAnchor = nil
        }
    }

    /// A scalar ended: so did its anchored node.
    private mutating func endScalar() {
        if let anchor = scalarAnchor {
            measure(anchor)
            scalarAnchor = nil
        }
    }

    /// The end of a line's tokens: a plain scalar ends (its next lines hold no node); an anchor with
    /// nothing after it on the line anchors the block node under it.
    private mutating func endLine() {
        if openQuote == nil { endScalar() }
        if let anchor = pendingAnchor, flowDepth == 0, openQuote == nil {
            blockAnchors.append((anchor, blocks.last?.column ?? -1))
            pendingAnchor = nil
        }
    }

    /// An anchor or alias name: letters, digits, `_` and `-`, as libyaml reads them (`*a: 1` is the alias
    /// `a` as a key).
    private func name(from start: Int, to end: Int) -> (String, Int) {
        var position = start
        while position < end, case let c = bytes[position],
            (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z"))
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        {
            position += 1
        }
        return (String(decoding: bytes[start..<position], as: UTF8.self), position)
    }

    /// `&name`: the anchored node starts here. A redefinition keeps the former bounds as floors (an alias
    /// inside the new node still means the former one).
    private mutating func define(_ name: String) {
        let former = anchors[name]
        anchors[name] = (ticks, blocks.count + flowDepth, former?.size ?? 0, former?.extraDepth ?? 0, false)
        pendingAnchor = name
    }

    /// Fixes the bounds of `name`'s node: what was written and expanded since its anchor, and how deep.
    private mutating func measure(_ name: String) {
        guard var anchor = anchors[name], !anchor.measured else { return }
        anchor.size = max(anchor.size, ticks - anchor.tick, 1)
        anchor.extraDepth = max(anchor.extraDepth, deepest(since: anchor.tick) - anchor.depth)
        anchor.measured = true
        anchors[name] = anchor
    }

    /// `*name`: adds the anchored node's bounds, measured at its first use.
    private mutating func use(_ name: String, at position: Int) throws(ManifestError) {
        guard var anchor = anchors[name] else {
            ticks += 2  // an undefined alias: Yams refuses it
            return
        }
        if !anchor.measured {
            // Its node's end was not seen: it ended before this first use.
            measure(name)
            anchor = anchors[name]!
        }
        expanded += anchor.size
        ticks += anchor.size
        if expanded > maximumNodes {
            throw ManifestError(
                location(position),
                "aliases expand this document beyond \(maximumNodes) nodes, the most a manifest may hold ('*\(name)' here adds up to \(anchor.size)): use fewer aliases of large anchors"
            )
        }
        let depth = blocks.count + flowDepth + anchor.extraDepth
        if depth > maximumDepth {
            throw ManifestError(
                location(position),
                "alias '*\(name)' nests this document up to \(depth) levels deep; collections may nest at most \(maximumDepth) levels: flatten it")
        }
        remember(depth)
    }

    /// Notes the current depth (opening a collection), refusing it beyond the limit.
    private mutating func reached(_ depth: Int, at position: Int) throws(ManifestError) {
        if depth > maximumDepth {
            throw ManifestError(
                location(position),
                "collections nest more than \(maximumDepth) levels deep here, the most a manifest may: flatten the document")
        }
        remember(depth)
    }

    private mutating func remember(_ depth: Int) {
        while let last = peaks.last, last.depth <= depth { peaks.removeLast() }
        peaks.append((ticks, depth))
    }

    /// The deepest point reached since tick `tick` (0 when nothing opened since).
    private func deepest(since tick: Int) -> Int {
        var low = 0, high = peaks.count
        while low < high {
            let middle = (low + high) / 2
            if peaks[middle].tick < tick { low = middle + 1 } else { high = middle }
        }
        return low < peaks.count ? peaks[low].depth : 0
    }

    // MARK: Characters and places

    private func isSpace(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }

    private func isFlowIndicator(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ",") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
    }

    /// Whether `text` (ASCII) is written at `position`, followed by a space or the end of the line.
    private func hasPrefix(_ text: String, at position: Int, end: Int) -> Bool {
        let expected = Array(text.utf8)
        guard position + expected.count <= end, Array(bytes[position..<position + expected.count]) == expected else { return false }
        return position + expected.count == end || isSpace(bytes[position + expected.count])
    }

    /// Whether the indicator at `position` is followed by a space, the end of the line, or (in brackets) a
    /// flow indicator.
    private func endsIndicator(_ position: Int, _ end: Int) -> Bool {
        position + 1 == end || isSpace(bytes[position + 1]) || (flowDepth > 0 && isFlowIndicator(bytes[position + 1]))
    }

    /// The line and column (in Unicode scalars) of byte `position` on the current line.
    private func location(_ position: Int) -> SourceLocation {
        var column = 1
        for i in lineStart..<min(position, bytes.count) where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return SourceLocation(file: file, line: line, column: column)
    }
}
