// Schema: the ordered, named and typed fields of a stream, resolved to indexes once at plan time.

/// One declared field: a name and a type.
public struct FieldDefinition: Sendable, Hashable {
    public var name: String
    public var type: FieldType

    public init(name: String, type: FieldType) {
        self.name = name
        self.type = type
    }
}

/// The fields of a stream, in order. An empty schema means a schema-less stream whose records carry their
/// content in `value` (codecs `lines` and `raw`).
public struct Schema: Sendable, Hashable, CustomStringConvertible {
    public private(set) var fields: [FieldDefinition]

    public init(_ fields: [FieldDefinition] = []) {
        self.fields = fields
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// The index of the field named `name`, or nil. O(n): call it at plan or create time, not per record.
    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }

    /// Appends a field and returns its index.
    @discardableResult
    public mutating func append(_ field: FieldDefinition) -> Int {
        fields.append(field)
        return fields.count - 1
    }

    /// `name:type, …`, as shown by `rivulet describe`.
    public var description: String {
        fields.isEmpty ? "(raw)" : fields.map { "\($0.name):\($0.type)" }.joined(separator: ", ")
    }
}
