// ManifestDecoder: reads a manifest tree into the typed model section by section, recording every error.

/// Decodes the top level and each section (plugins, sources, operators, sinks, edges, dead_letters) into
/// specs. It never stops at an error: each is recorded with its location and decoding goes on with the
/// next value. Relative paths are resolved against the manifest's folder.
struct ManifestDecoder {
    /// The top-level keys a manifest may have.
    static let topLevelKeys = [
        "name", "plugins", "stores", "state_directory", "sources", "operators", "sinks", "edges", "dead_letters", "checkpoint", "max_parallelism",
        "application_id", "kafka",
    ]

    /// The manifest's absolute folder, for relative paths.
    let directory: String
    /// Every error found so far.
    var errors: [ManifestError] = []
    /// Every warning found so far.
    var warnings: [ManifestWarning] = []
    /// The names written under `plugins`, even those whose definition has errors.
    var pluginNames: [String] = []
    /// The stores declared under `stores`.
    var storeNames: [String] = []
    /// Every node name written under sources, operators and sinks, in that order.
    var declarations: [NodeDeclaration] = []
    /// Node names not to report as unconnected: named in edges too malformed to decode, or not valid
    /// names at all (each already has an error).
    var notCheckedForConnections: Set<String> = []
    /// Whether `edges` was a list (if not, no node is reported as unconnected).
    var edgesDecoded = false
    /// Every file the manifest reads or writes, with where its path is written (for `PathClashCheck`).
    var files: [PathClashCheck.Use] = []

    init(directory: String) {
        self.directory = directory
    }

    /// The manifest described by `root`; nil when the top level is not a mapping.
    mutating func decode(_ root: YAMLNode, file: String, absoluteFile: String) -> Manifest? {
        guard case .mapping = root else {
            error(root.location, "the manifest must be a mapping with the keys \(Self.topLevelKeys.joined(separator: ", ")), got \(root.got)")
            return nil
        }
        guard let top = fields(root, "the manifest", allowed: Self.topLevelKeys, required: ["sources", "sinks", "edges"]) else {
            return nil
        }
        var manifest = Manifest(
            name: string(top["name"], "name") ?? PathResolver.baseName(absoluteFile), file: absoluteFile,
            directory: directory, plugins: [], sources: [], operators: [], sinks: [], edges: [], deadLetters: nil)
        manifest.plugins = top["plugins"].map { plugins($0) } ?? []
        manifest.stores = top["stores"].map { stores($0) } ?? []
        storeNames = manifest.stores.map(\.name)
        manifest.stateDirectory = string(top["state_directory"], "state_directory").map { absolute($0) } ?? absolute("state")
        if let node = top["kafka"], let location = top.keyLocation("kafka") { manifest.kafka = kafkaSection(node, location: location) }
        manifest.applicationID = top["application_id"].flatMap { applicationID($0) }
        manifest.sources = top["sources"].map { sources($0) } ?? []
        manifest.operators = top["operators"].map { operators($0) } ?? []
        manifest.sinks = top["sinks"].map { sinks($0) } ?? []
        if let node = top["edges"] { manifest.edges = edges(node) }
        if let node = top["checkpoint"], let location = top.keyLocation("checkpoint") {
            manifest.checkpoint = checkpoint(node, location: location)
        }
        // Flink's default: at least 128 key groups, and 1.5 × the largest parallelism rounded up to a power of two.
        let widest = manifest.operators.map(\.parallelism).max() ?? 1
        manifest.maxParallelism = max(128, 1 << (64 - UInt64(max(1, widest + widest / 2) - 1).leadingZeroBitCount))
        if let node = top["max_parallelism"] {
            manifest.maxParallelism = integer(node, .maxParallelism) ?? manifest.maxParallelism
        }
        for op in manifest.operators where op.parallelism > manifest.maxParallelism {
            error(
                op.location,
                "operator '\(op.name)' has parallelism \(op.parallelism), more than max_parallelism \(manifest.maxParallelism) "
                    + "(keyed state is split into max_parallelism key groups): raise max_parallelism or lower the parallelism")
        }
        if let node = top["dead_letters"], let location = top.keyLocation("dead_letters") {
            manifest.deadLetters = sink(node, name: "dead_letters", location: location, what: "dead_letters")
        }
        if manifest.checkpoint != nil { warnAboutGuarantees(manifest) }
        checkKafkaNodes(manifest, top: top)
        return manifest
    }

    /// Records the names of a section's entries as declarations; a name that is not valid is an error.
    mutating func declare(_ pairs: [YAMLPair], as role: NodeRole) {
        for pair in pairs {
            if !Self.isValidName(pair.key) {
                error(pair.keyLocation, "\(role) name '\(pair.key)' is not valid: use letters, digits, '_' and '-'")
                notCheckedForConnections.insert(pair.key)  // no edge can name it: do not also call it unconnected
            }
            declarations.append(NodeDeclaration(name: pair.key, role: role, location: pair.keyLocation))
        }
    }

    /// `path` made absolute against the manifest's folder.
    func absolute(_ path: String) -> String {
        PathResolver.absolute(path, relativeTo: directory)
    }
}
