// FieldSpec: one declared field of a source's schema.
import RivuletCore

/// A field of a schema, in declaration order: its name and type.
public struct FieldSpec: Sendable, Hashable {
    /// The field's name (the schema mapping's key).
    public var name: String
    /// The field's type: the engine's own `FieldType` (RivuletCore), never `.null`.
    public var type: FieldType
    /// Where the field's name is written.
    public var location: SourceLocation
    /// An array field (`items: [ { sku: string } ]`, `tags: [string]`): the fields of each element (one
    /// field named "" for an array of scalars). The field itself holds the array's JSON text (a string)
    /// until an `explode` operator turns it into one record per element.
    public var elements: [FieldSpec]?

    /// Creates a field declaration.
    public init(name: String, type: FieldType, location: SourceLocation) {
        self.name = name
        self.type = type
        self.location = location
    }
}
