// Manifest: a validated topology description: plugins, sources, operators, sinks and the edges between them.
import Foundation

/// A topology as the user wrote it, after every check that needs no plugin loaded (see `docs/MANIFEST.md`).
/// Loading collects every error it can find and throws them together as `ManifestErrors`.
public struct Manifest: Sendable {
    public var name: String
    /// The manifest's absolute path, and its folder (relative paths resolve against it).
    public var file: String
    public var directory: String
    public var plugins: [PluginSpec]
    public var sources: [SourceSpec]
    public var operators: [OperatorSpec]
    public var sinks: [SinkSpec]
    public var edges: [EdgeSpec]
    public var deadLetters: SinkSpec?

    static let topLevelKeys = ["name", "plugins", "sources", "operators", "sinks", "edges", "dead_letters"]

    /// Reads and validates the manifest at `path`, after applying `overrides` (`dotted.path=value`).
    public static func load(path: String, overrides: [String] = []) throws(ManifestErrors) -> Manifest {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let text: String
        do {
            text = try String(contentsOfFile: absolute, encoding: .utf8)
        } catch {
            throw ManifestErrors([ManifestError(nil, "cannot read manifest \(path): \((error as NSError).localizedDescription)")])
        }
        return try parse(yaml: text, file: absolute, overrides: overrides)
    }

    /// Validates manifest text; `file` is used for locations and to resolve relative paths.
    public static func parse(yaml: String, file: String, overrides: [String] = []) throws(ManifestErrors) -> Manifest {
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent().path
        guard let parsed = try ManifestNode.parse(yaml: yaml, file: file) else {
            throw ManifestErrors([ManifestError(SourceLocation(file: file, line: 1, column: 1), "the manifest is empty")])
        }
        let (root, overrideErrors) = Overrides.apply(overrides, to: parsed)
        let reader = ManifestReader()
        overrideErrors.forEach { reader.error($0.location, $0.message) }
        let decoder = ManifestDecoder(reader: reader, directory: directory)
        guard let top = reader.mapping(root, "the manifest", allowed: topLevelKeys, required: ["sources", "sinks", "edges"]) else {
            throw ManifestErrors(reader.errors)
        }
        var manifest = Manifest(
            name: reader.string(top["name"], "name") ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent,
            file: file, directory: directory,
            plugins: top["plugins"].map(decoder.plugins) ?? [],
            sources: top["sources"].map(decoder.sources) ?? [],
            operators: top["operators"].map(decoder.operators) ?? [],
            sinks: top["sinks"].map(decoder.sinks) ?? [],
            edges: top["edges"].map(decoder.edges) ?? [],
            deadLetters: nil)
        if let d = top["dead_letters"] {
            manifest.deadLetters = decoder.sink(d, name: "dead_letters", location: d.location, what: "dead_letters")
        }
        // Nodes whose definition had errors still count as declared, so their edges raise no second error.
        var declared: [(String, NodeRole, SourceLocation)] = []
        for (section, role) in [("sources", NodeRole.source), ("operators", .operator), ("sinks", .sink)] {
            if case .mapping(let pairs, _)? = top[section] { declared += pairs.map { ($0.key, role, $0.keyLocation) } }
        }
        ManifestValidator(manifest: manifest, reader: reader, declared: declared).validate()
        if !reader.errors.isEmpty { throw ManifestErrors(reader.errors) }
        return manifest
    }
}
