// OptionRange: the allowed range of an integer option outside the manifest's Limit table (`rivulet kafka`).
import ArgumentParser

/// An integer command-line option's range, refused as `Limit` refuses its values: ArgumentParser prints
/// "The value '0' is invalid for '--brokers <brokers>': must be an integer from 1 to 16" and `rivulet`
/// exits 2. For the options of `rivulet kafka`, which are no manifest keys (Limit's table is the
/// manifest's, printed in docs/MANIFEST.md).
struct OptionRange: Sendable {
    let range: ClosedRange<Int>

    init(_ range: ClosedRange<Int>) {
        self.range = range
    }

    /// Brokers of a mock cluster.
    static let brokers = OptionRange(1...16)
    /// Partitions of a topic a mock cluster creates.
    static let partitions = OptionRange(1...1024)
    /// A partition number (Kafka's are 32-bit; -1 means "unassigned").
    static let partition = OptionRange(0...Int(Int32.max - 1))
    /// Seconds a bounded read may take.
    static let timeout = OptionRange(1...3600)
    /// Records a read keeps (all in memory, to sort them).
    static let records = OptionRange(1...1_000_000_000_000)

    /// `from 1 to 16`, `from 1 to 1_000_000_000_000` (long numbers grouped as the manifest's limits are).
    var text: String { "from \(Self.grouped(range.lowerBound)) to \(Self.grouped(range.upperBound))" }

    /// `value` with `_` between groups of three digits when it has more than six.
    static func grouped(_ value: Int) -> String {
        var text = String(value.magnitude)
        if text.count > 6 {
            for end in stride(from: text.count - 3, to: 0, by: -3) { text.insert("_", at: text.index(text.startIndex, offsetBy: end)) }
        }
        return value < 0 ? "-" + text : text
    }

    /// `text` as an integer in range (an option's transform).
    func option(_ text: String) throws -> Int {
        guard let value = value(text) else { throw ValidationError("must be an integer \(self.text)") }
        return value
    }

    /// `text` as an integer in range, or nil. `_` may separate digits, as in manifests (`1_000`).
    func value(_ text: String) -> Int? {
        let digits = text.first == "_" || text.last == "_" || text.contains("__") ? text : text.replacingOccurrences(of: "_", with: "")
        guard let value = Int(digits), range.contains(value) else { return nil }
        return value
    }

    /// The option's help with its range appended: "Brokers (from 1 to 16)."
    func help(_ text: String) -> ArgumentHelp {
        ArgumentHelp("\(text) (\(self.text)).")
    }
}
