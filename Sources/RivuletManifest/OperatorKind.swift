// OperatorKind: what an operator runs: an operator of a plugin, or a C function through FFI.

/// How an operator is implemented.
public enum OperatorKind: Sendable, Hashable {
    /// The operator `operator` of the plugin declared as `plugin` (its existence is checked by the runtime).
    case plugin(plugin: String, operator: String)
    /// A C function called once per record.
    case function(FunctionSpec)
    /// A host window operator with built-in or plugin aggregates.
    case window(WindowSpec)
    /// A host join of two inputs.
    case join(JoinSpec)
    /// A lookup of each record's key in an external store (Redis), through a local cache.
    case lookup(LookupSpec)
    /// A table materialized from a changelog, emitting its stream of changes.
    case table(TableSpec)
    /// Records for which a bool expression holds (`out`); the others to `rejected`.
    case filter(ExpressionText)
    /// Each record with fields computed by expressions, dropped or renamed.
    case map(MapSpec)
    /// One record per element of an array field (its name).
    case explode(String)
}
