// ConfigValue: one value of an operator's configuration, as structured as the manifest wrote it.

/// A configuration value: a scalar, a list or a mapping, nested as in the manifest. Plain YAML scalars
/// arrive typed (`2` an int, `0.5` a double, `true` a bool, `~` null); quoted ones are strings.
///
/// The accessors are lenient where the manifest's spelling is ambiguous: `int` also reads an integral
/// double or a string of digits (`"42"`), `double` an int or a numeric string, `bool` the strings `true`
/// and `false`, `string` the text of any scalar (`2` → `"2"`). They return nil otherwise.
public indirect enum ConfigValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case list([ConfigValue])
    case map(ConfigMap)

    public var isNull: Bool { self == .null }

    /// A scalar's text: a string as is, a number or bool as the manifest spells it.
    public var string: String? {
        switch self {
        case .string(let s): s
        case .int(let v): String(v)
        case .double(let v): String(v)
        case .bool(let v): v ? "true" : "false"
        default: nil
        }
    }

    /// An integer (an integral double, or a string of one, also qualifies).
    public var int: Int64? {
        switch self {
        case .int(let v): v
        case .double(let v): v.rounded() == v && abs(v) < 9.2e18 ? Int64(v) : nil
        case .string(let s): Int64(String(s.trimmingSpaces))
        default: nil
        }
    }

    /// A number (an int, or a numeric string, also qualifies).
    public var double: Double? {
        switch self {
        case .double(let v): v
        case .int(let v): Double(v)
        case .string(let s): Double(String(s.trimmingSpaces))
        default: nil
        }
    }

    /// A boolean (`true`/`false` strings also qualify).
    public var bool: Bool? {
        switch self {
        case .bool(let v): v
        case .string(let s): ["true": true, "false": false][s.trimmingSpaces.lowercased()]
        default: nil
        }
    }

    /// A list's items.
    public var list: [ConfigValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    /// A mapping.
    public var map: ConfigMap? {
        if case .map(let m) = self { return m }
        return nil
    }

    /// The value of `key` in a mapping (nil for anything else, or when absent).
    public subscript(key: String) -> ConfigValue? { map?[key] }

    /// Item `index` of a list (nil for anything else, or out of range).
    public subscript(index: Int) -> ConfigValue? {
        guard let items = list, index >= 0, index < items.count else { return nil }
        return items[index]
    }

    /// How a message shows it: `'text'`, `2`, `a list`, `a mapping`, `null`.
    var shown: String {
        switch self {
        case .null: "null"
        case .string(let s): "'\(s)'"
        case .list: "a list"
        case .map: "a mapping"
        default: string ?? "?"
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
