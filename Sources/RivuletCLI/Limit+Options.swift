// Limit+Options: command-line values read through the one table of limits, refused with their range.
import ArgumentParser
import RivuletManifest

extension Limit {
    /// An integer option within this limit's range (`--batch-size 0` is refused with the range; exit 2).
    func option(_ text: String) throws -> Int {
        guard let value = integer(text), let result = Int(exactly: value) else { throw ValidationError(rejection) }
        return result
    }

    /// A numeric option (records/s, seconds) within this limit's range.
    func numberOption(_ text: String) throws -> Double {
        guard let value = value(text) else { throw ValidationError(rejection) }
        return value
    }

    /// An unsigned 64-bit option (a seed).
    func unsignedOption(_ text: String) throws -> UInt64 {
        guard let value = unsigned(text) else { throw ValidationError(rejection) }
        return value
    }

    /// The option's help with its range appended: "Records per batch (from 1 to 65536)."
    func help(_ text: String) -> ArgumentHelp {
        ArgumentHelp("\(text) (\(rangeText)).")
    }

    /// What follows ArgumentParser's "The value 'x' is invalid for '--option <option>': ".
    private var rejection: String { "must be \(expectation)" }
}
