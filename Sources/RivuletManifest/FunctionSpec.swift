// FunctionSpec: an exported C function that an FFI operator calls once per record.

/// The C function of an FFI operator, its signature, what to pass it, and where its result goes.
public struct FunctionSpec: Sendable, Hashable {
    /// The shared library exporting the function (a name for dlopen, e.g. `libz.so.1`, or a path).
    public var library: String
    /// The exported symbol.
    public var symbol: String
    /// The parameter types, in order.
    public var args: [FFIType]
    /// The return type (never `bytes`).
    public var returns: FFIType
    /// One value per parameter: a field or a literal (`bytes` parameters are always fields).
    public var arguments: [FunctionArgument]
    /// The field the result is written to.
    public var output: String

    /// Creates a function description.
    public init(
        library: String, symbol: String, args: [FFIType], returns: FFIType, arguments: [FunctionArgument],
        output: String
    ) {
        self.library = library
        self.symbol = symbol
        self.args = args
        self.returns = returns
        self.arguments = arguments
        self.output = output
    }
}
