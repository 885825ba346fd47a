// AggregateSpec: one aggregate of a window operator, written `name: function(arguments)`.

/// An aggregate computed per key and window: a built-in (`count()`, `sum(f)`, `min(f)`, `max(f)`,
/// `avg(f)`, `percentile(f, 99)`, `top(label, measure, 10)`) or a plugin's (`plugin.aggregate(f)`).
public struct AggregateSpec: Sendable, Hashable {
    /// The output field holding the result.
    public var output: String
    /// The plugin that supplies it; nil for a built-in.
    public var plugin: String?
    /// The aggregate's name (built-in, or in the plugin).
    public var function: String
    /// The arguments: field names and number literals, in order.
    public var arguments: [FunctionArgument]
    /// Where the aggregate is written.
    public var location: SourceLocation
    /// `… where <condition>`: only records for which it is true are aggregated.
    public var condition: ExpressionText?
    /// The bool field computed from `condition` before the window (`Manifest.insertExpressionNodes`).
    public var conditionField: String { "__where_\(output)" }

    public init(output: String, plugin: String?, function: String, arguments: [FunctionArgument], location: SourceLocation) {
        self.output = output
        self.plugin = plugin
        self.function = function
        self.arguments = arguments
        self.location = location
    }
}
