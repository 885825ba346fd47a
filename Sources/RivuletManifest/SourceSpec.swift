// SourceSpec: a source node of the topology, as declared under `sources`.

/// A source: where records enter the topology, and how they are read.
public struct SourceSpec: Sendable, Hashable {
    /// The node name (unique across sources, operators and sinks).
    public var name: String
    /// What the source reads.
    public var kind: SourceKind
    /// The text format (default from the file's extension; stdin: lines). Generators ignore it.
    public var format: DataFormat
    /// csv only: whether the first line is a header (default true).
    public var header: Bool
    /// csv only: the field separator byte (default `,`).
    public var delimiter: UInt8
    /// The declared fields in order, if a schema is given.
    public var schema: [FieldSpec]?
    /// The field records are keyed by, if any (in the schema when a schema is given).
    public var key: String?
    /// `key: lower(user)`: the key computed from each record (file and stdin sources).
    public var keyExpression: ExpressionText?
    /// How records are timestamped and watermarks generated; nil: processing time (generators: event
    /// time from their `ts` field).
    public var time: TimeSpec?
    /// Records per batch (default 1024).
    public var batchSize: Int
    /// Where the source's name is written.
    public var location: SourceLocation

    /// Creates a source declaration.
    public init(
        name: String, kind: SourceKind, format: DataFormat, header: Bool = true,
        delimiter: UInt8 = UInt8(ascii: ","), schema: [FieldSpec]? = nil, key: String? = nil,
        time: TimeSpec? = nil, batchSize: Int = 1024, location: SourceLocation
    ) {
        self.name = name
        self.kind = kind
        self.format = format
        self.header = header
        self.delimiter = delimiter
        self.schema = schema
        self.key = key
        self.time = time
        self.batchSize = batchSize
        self.location = location
    }
}
