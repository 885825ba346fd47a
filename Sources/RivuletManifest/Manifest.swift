// Manifest: a validated topology: plugins, sources, operators, sinks, the edges between them, dead letters.
import Foundation

/// A topology as the user wrote it, after every check that needs no plugin loaded (docs/MANIFEST.md
/// describes the format). Loading collects every error it can find and throws them together.
public struct Manifest: Sendable, Hashable {
    /// The topology's name (default: the manifest's file name without its extension).
    public var name: String
    /// The manifest's absolute path.
    public var file: String
    /// The manifest's absolute folder; relative paths in the manifest are resolved against it.
    public var directory: String
    /// The plugins declared, in order.
    public var plugins: [PluginSpec]
    /// The sources, in declaration order.
    public var sources: [SourceSpec]
    /// The operators, in declaration order.
    public var operators: [OperatorSpec]
    /// The sinks, in declaration order.
    public var sinks: [SinkSpec]
    /// The edges, in the order written, with default ports filled in.
    public var edges: [EdgeSpec]
    /// Where records that failed go, if declared (not a node of the graph).
    public var deadLetters: SinkSpec?
    /// The state stores operators may use.
    public var stores: [StoreSpec] = []
    /// Where RocksDB stores and changelogs live (default: `state` beside the manifest).
    public var stateDirectory: String = ""
    /// Aligned checkpoints (nil: none are taken).
    public var checkpoint: CheckpointSpec?
    /// Key groups of keyed state: the most instances any operator may ever run. Default as Flink's: 128,
    /// or 1.5 × the largest parallelism rounded up to a power of two when that is more. Keep it fixed
    /// across restarts: checkpoints restore only into the same number of key groups.
    public var maxParallelism: Int = 128
    /// The application's identity on Kafka: the consumer group of its Kafka sources, the prefix of its
    /// internal topics. Required with a Kafka source.
    public var applicationID: String?
    /// The `kafka:` section (nil: none).
    public var kafka: KafkaSpec?
    /// The repartition and changelog topics of a Kafka application (see `insertKafkaRepartitions`).
    public var internalTopics: [InternalTopic] = []
    /// What loading found allowed but unwise (the CLI prints them on stderr; they stop nothing).
    public var warnings: [ManifestWarning] = []

    /// Creates a manifest from parts (for tests and tools; `load` and `parse` are the validated way).
    public init(
        name: String, file: String, directory: String, plugins: [PluginSpec] = [], sources: [SourceSpec] = [],
        operators: [OperatorSpec] = [], sinks: [SinkSpec] = [], edges: [EdgeSpec] = [], deadLetters: SinkSpec? = nil
    ) {
        self.name = name
        self.file = file
        self.directory = directory
        self.plugins = plugins
        self.sources = sources
        self.operators = operators
        self.sinks = sinks
        self.edges = edges
        self.deadLetters = deadLetters
    }

    /// Reads and validates the manifest at `path`, after applying `overrides` (`dotted.path=value`).
    /// Errors are located in `path` as given (relative paths stay relative in messages).
    public static func load(path: String, overrides: [String] = []) throws(ManifestErrors) -> Manifest {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ManifestErrors(ManifestError(nil, "cannot read manifest '\(path)': no such file"))
        }
        guard !isFolder.boolValue else {
            throw ManifestErrors(ManifestError(nil, "cannot read manifest '\(path)': it is a folder"))
        }
        // At most one byte more than a manifest may hold: a huge file (or an endless pipe) is refused
        // at the limit instead of read whole.
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ManifestErrors(ManifestError(nil, "cannot read manifest '\(path)': permission denied or unreadable"))
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: Int(Limit.documentBytes.maximum) + 1) ?? Data()
        } catch {
            throw ManifestErrors(ManifestError(nil, "cannot read manifest '\(path)': \(error.localizedDescription)"))
        }
        if let error = YAMLPreflight.sizeError(Array(data), file: path) { throw ManifestErrors(error) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ManifestErrors(ManifestError(nil, "cannot read manifest '\(path)': it is not UTF-8 text"))
        }
        return try parse(yaml: text, file: path, overrides: overrides)
    }

    /// Validates manifest text. `file` names it in locations and, made absolute against the current
    /// folder, is the folder relative paths are resolved against.
    public static func parse(yaml: String, file: String, overrides: [String] = []) throws(ManifestErrors) -> Manifest {
        let absoluteFile = PathResolver.absolute(file, relativeTo: FileManager.default.currentDirectoryPath)
        var composer = YAMLComposer(file: file)
        let parsed: YAMLNode?
        do {
            parsed = try composer.compose(yaml)
        } catch {
            throw ManifestErrors(error)
        }
        guard let parsed else {
            throw ManifestErrors(ManifestError(SourceLocation(file: file, line: 1, column: 1), "the manifest is empty"))
        }
        var overridden = OverrideApplier()
        let root = overridden.apply(overrides, to: parsed)
        var decoder = ManifestDecoder(directory: PathResolver.directory(of: absoluteFile))
        var manifest = decoder.decode(root, file: file, absoluteFile: absoluteFile)
        manifest?.warnings = decoder.warnings
        var errors = composer.errors + overridden.errors + decoder.errors
        if manifest != nil {
            let itself: PathClashCheck.Use = ("the manifest", absoluteFile, SourceLocation(file: file, line: 1, column: 1), false)
            errors += PathClashCheck.errors([itself] + decoder.files)
        }
        if let manifest {
            var graph = GraphValidator(
                declarations: decoder.declarations, edges: manifest.edges,
                mentioned: decoder.notCheckedForConnections, checkConnections: decoder.edgesDecoded)
            graph.validate()
            errors += graph.errors
            errors += manifest.exactlyOnceErrors()
            errors += manifest.globalSourceErrors()
            errors += manifest.kafkaStoreErrors()
            errors += manifest.kafkaRepartitionInputErrors()
            errors += manifest.kafkaForeignKeyJoinErrors()
            errors += manifest.implicitTimeErrors()
        }
        guard errors.isEmpty, var manifest else { throw ManifestErrors(inOverrideOrder(errors, overrides)) }
        // After the graph is checked as written: the nodes a Kafka application adds are Rivulet's own.
        manifest.warnings += manifest.exactlyOnceWarnings()
        manifest.insertExpressionNodes()
        manifest.insertKafkaRepartitions()
        return manifest
    }

    /// `errors` with those located in overrides ordered as the overrides were given (stable otherwise);
    /// `ManifestErrors` keeps that order among them.
    private static func inOverrideOrder(_ errors: [ManifestError], _ overrides: [String]) -> [ManifestError] {
        let files = overrides.map { text in
            OverrideApplier.location(text.firstIndex(of: "=").map { String(text[..<$0]) } ?? text).file
        }
        let rank = { (error: ManifestError) in error.location.flatMap { files.firstIndex(of: $0.file) } ?? files.count }
        return errors.enumerated().sorted { a, b in
            (rank(a.element), a.offset) < (rank(b.element), b.offset)
        }.map(\.element)
    }
}
