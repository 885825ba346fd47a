// MapSpec: a `map` operator: fields computed, dropped and renamed.

/// What a `map` operator does to each record (docs/EXPRESSIONS.md "map").
public struct MapSpec: Sendable, Hashable {
    /// A computed field: its name and expression.
    public struct Assignment: Sendable, Hashable {
        public let name: String
        public let expression: ExpressionText
        public let location: SourceLocation
        /// What messages call it when Rivulet added the map (`window 'w', key_by`); nil: the map's field.
        public var describedAs: String? = nil
        /// A condition (`… where c`): its expression must be bool.
        public var isCondition = false
    }

    /// A field named in `drop` or `rename`.
    public struct Named: Sendable, Hashable {
        public let name: String
        /// The new name (`rename`); nil in `drop`.
        public let to: String?
        public let location: SourceLocation
    }

    public var set: [Assignment]
    public var drop: [Named]
    public var rename: [Named]
}
