// NodeSpecs: sources, operators and sinks as the manifest declares them.

/// A deterministic generator's settings.
public struct GeneratorSpec: Sendable, Equatable {
    public var count: Int
    public var seed: UInt64
    public var keys: Int
    /// Records per second; nil runs as fast as possible.
    public var rate: Double?
}

public enum SourceKind: Sendable, Equatable {
    case file(path: String)
    case stdin
    case generator(GeneratorSpec)
}

public struct SourceSpec: Sendable, Equatable {
    public var name: String
    public var kind: SourceKind
    public var format: DataFormat
    public var header: Bool
    public var delimiter: UInt8
    public var schema: [FieldSpec]?
    public var key: String?
    public var batchSize: Int
    public var location: SourceLocation
}

/// A C type an FFI operator passes or returns.
public enum FFIType: String, Sendable, CaseIterable {
    case i32, i64, f32, f64, bytes
}

/// Where an FFI argument's value comes from.
public enum FunctionArgument: Sendable, Equatable {
    case field(String)
    case integer(Int64)
    case double(Double)
}

/// A C function called per record through libffi.
public struct FunctionSpec: Sendable, Equatable {
    public var library: String
    public var symbol: String
    public var args: [FFIType]
    public var returns: FFIType
    public var arguments: [FunctionArgument]
    public var output: String
}

public enum OperatorKind: Sendable, Equatable {
    case plugin(plugin: String, operator: String)
    case function(FunctionSpec)
}

public struct OperatorSpec: Sendable, Equatable {
    public var name: String
    public var kind: OperatorKind
    public var config: [ConfigEntry]
    public var parallelism: Int
    public var location: SourceLocation
}

public enum SinkKind: Sendable, Equatable {
    case file(path: String)
    case stdout
    case null
}

public struct SinkSpec: Sendable, Equatable {
    public var name: String
    public var kind: SinkKind
    public var format: DataFormat
    public var header: Bool
    public var delimiter: UInt8
    public var fields: [String]?
    public var location: SourceLocation
}
