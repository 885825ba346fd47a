// SinkSpec: a sink node of the topology (or the dead-letter destination), as declared in a manifest.

/// A sink: where records leave the topology, and how they are written. `dead_letters` uses the same
/// description without being a node of the graph.
public struct SinkSpec: Sendable, Hashable {
    /// The node name (`dead_letters` for the dead-letter destination).
    public var name: String
    /// What the sink writes to.
    public var kind: SinkKind
    /// The text format (default from the file's extension; stdout: jsonl).
    public var format: DataFormat
    /// csv only: whether to write a header line (default true).
    public var header: Bool
    /// csv only: the field separator byte (default `,`).
    public var delimiter: UInt8
    /// Which fields to write, in order; nil writes all of them.
    public var fields: [String]?
    /// Whether to write each record's change op first (`+I`, `-U`, `+U`, `-D`, as Flink prints a
    /// changelog): for the results of `emit: update` windows and tables turned into streams.
    public var ops: Bool
    /// Whether a sink fed by a window writes its results in the window's order — (end, start, key) — once
    /// the watermark has passed them, whichever of the window's parallel instances emitted them.
    public var ordered = false
    /// How timestamps are written: `epoch_ms` (nil, the default) or `rfc3339`.
    public var timestamps: String?
    /// Fixed decimals for f64 fields: field name, decimals (0 to 17), where written.
    public var decimals: [Decimals] = []
    /// Where the sink's name is written.
    public var location: SourceLocation

    /// `decimals: { amount: 2 }`: one field's fixed number of decimals.
    public struct Decimals: Sendable, Hashable {
        public let field: String
        public let places: Int
        public let location: SourceLocation
    }

    /// Creates a sink declaration.
    public init(
        name: String, kind: SinkKind, format: DataFormat, header: Bool = true,
        delimiter: UInt8 = UInt8(ascii: ","), fields: [String]? = nil, ops: Bool = false, location: SourceLocation
    ) {
        self.name = name
        self.kind = kind
        self.format = format
        self.header = header
        self.delimiter = delimiter
        self.fields = fields
        self.ops = ops
        self.location = location
    }
}
