// FunctionArgument: where the value of one argument of an FFI call comes from.

/// One entry of an FFI operator's `arguments`: a field of the record, or a literal number.
/// A plain (unquoted) YAML number is a literal; anything else, including a quoted number, is a field name.
public enum FunctionArgument: Sendable, Hashable {
    /// The value of this field of each record.
    case field(String)
    /// An integer literal, the same for every call.
    case integer(Int64)
    /// A floating-point literal, the same for every call.
    case double(Double)
}

extension FunctionArgument {
    /// Whether this is a literal number rather than a field.
    var isLiteral: Bool {
        if case .field = self { return false }
        return true
    }
}
