// ConfigReadable: the Swift types a configuration value can be read as (String, numbers, Bool, lists, maps).

/// A type `ConfigMap.value(_:as:)` and `required(_:as:)` can read: `String`, `Int`, `Int64`, `Double`,
/// `Bool`, `ConfigMap`, `ConfigValue`, and arrays of any of them (`[String]`, `[ConfigMap]`, …).
public protocol ConfigReadable {
    /// What a message says was expected: "a string", "an integer"…
    static var expected: String { get }
    /// `value` as this type (at `path`, for nested maps), or nil when it is not one.
    static func read(_ value: ConfigValue, path: String) -> Self?
}

extension String: ConfigReadable {
    public static var expected: String { "a string" }
    public static func read(_ value: ConfigValue, path: String) -> String? { value.string }
}

extension Int64: ConfigReadable {
    public static var expected: String { "an integer" }
    public static func read(_ value: ConfigValue, path: String) -> Int64? { value.int }
}

extension Int: ConfigReadable {
    public static var expected: String { "an integer" }
    public static func read(_ value: ConfigValue, path: String) -> Int? { value.int.flatMap { Int(exactly: $0) } }
}

extension Double: ConfigReadable {
    public static var expected: String { "a number" }
    public static func read(_ value: ConfigValue, path: String) -> Double? { value.double }
}

extension Bool: ConfigReadable {
    public static var expected: String { "true or false" }
    public static func read(_ value: ConfigValue, path: String) -> Bool? { value.bool }
}

extension ConfigMap: ConfigReadable {
    public static var expected: String { "a mapping" }
    public static func read(_ value: ConfigValue, path: String) -> ConfigMap? { value.map }
}

extension ConfigValue: ConfigReadable {
    public static var expected: String { "a value" }
    public static func read(_ value: ConfigValue, path: String) -> ConfigValue? { value }
}

extension Array: ConfigReadable where Element: ConfigReadable {
    public static var expected: String { "a list of items that are each \(Element.expected)" }
    public static func read(_ value: ConfigValue, path: String) -> [Element]? {
        guard let items = value.list else { return nil }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard let read = Element.read(item, path: "\(path)[\(i)]") else { return nil }
            result.append(read)
        }
        return result
    }
}
