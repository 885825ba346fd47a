// RecordFields: where `rivulet kafka produce` finds a line's key and timestamp: CSV columns or JSON members.
import RivuletCore

/// The key and timestamp fields of `kafka produce`: columns of a CSV header, or top-level members of
/// JSON objects. `extract` reads them from one line.
struct RecordFields {
    /// Timestamps a line may carry: epoch milliseconds from 1 (0 would mean "now" to librdkafka) to the
    /// end of year 9999.
    static let timestamps: ClosedRange<Int64> = 1...253_402_300_799_999

    /// What is wrong with one line (the caller names the file and line).
    struct LineError: Error {
        let message: String
    }

    private enum Layout {
        /// No fields: every record without a key, timestamped "now".
        case none
        /// CSV columns (indexes into the header).
        case csv(key: Int?, timestamp: Int?, columns: Int)
        /// JSON members.
        case json
    }

    private let layout: Layout
    private let keyName: String?
    private let timestampName: String?

    /// Fields of JSON objects (or none, when both are nil).
    init(jsonKey: String?, timestamp: String?) {
        layout = jsonKey == nil && timestamp == nil ? .none : .json
        keyName = jsonKey
        timestampName = timestamp
    }

    /// Fields named by a CSV header; throws when the header has no column of that name.
    init(csvHeader header: [String], key: String?, timestamp: String?) throws(LineError) {
        func column(_ name: String?) throws(LineError) -> Int? {
            guard let name else { return nil }
            guard let index = header.firstIndex(of: name) else {
                throw LineError(message: "the header has no column '\(name)' (its columns: \(header.joined(separator: ", ")))")
            }
            return index
        }
        layout = key == nil && timestamp == nil ? .none : .csv(key: try column(key), timestamp: try column(timestamp), columns: header.count)
        keyName = key
        timestampName = timestamp
    }

    /// The key (nil: none) and timestamp (0: none, librdkafka uses the time of sending) of `line`.
    func extract(_ line: UnsafeRawBufferPointer) throws(LineError) -> (key: [UInt8]?, timestamp: Int64) {
        switch layout {
        case .none:
            return (nil, 0)
        case .csv(let key, let timestamp, let columns):
            let cells = CSVDecoder.splitHeader(line, delimiter: UInt8(ascii: ","))
            func cell(_ index: Int, _ name: String) throws(LineError) -> String {
                guard index < cells.count else {
                    throw LineError(message: "no column '\(name)': the line has \(cells.count) column(s), the header \(columns)")
                }
                return cells[index]
            }
            var result: (key: [UInt8]?, timestamp: Int64) = (nil, 0)
            if let key, let keyName { result.key = Array(try cell(key, keyName).utf8) }
            if let timestamp, let timestampName {
                result.timestamp = try Self.timestamp(try cell(timestamp, timestampName), "column '\(timestampName)'")
            }
            return result
        case .json:
            let members: [String: JSONMember]
            do { members = try JSONMember.members(Set([keyName, timestampName].compactMap { $0 }), of: line) } catch {
                throw LineError(message: "not a JSON object: \(error.message)")
            }
            var result: (key: [UInt8]?, timestamp: Int64) = (nil, 0)
            if let keyName {
                switch members[keyName] {
                case .string(let text)?, .number(let text)?: result.key = Array(text.utf8)
                case .other(let what)?: throw LineError(message: "member '\(keyName)' is \(what): a key must be a string or a number")
                case nil: throw LineError(message: "no member '\(keyName)'")
                }
            }
            if let timestampName {
                switch members[timestampName] {
                case .string(let text)?, .number(let text)?: result.timestamp = try Self.timestamp(text, "member '\(timestampName)'")
                case .other(let what)?:
                    throw LineError(message: "member '\(timestampName)' is \(what): a timestamp must be a number or a string of epoch milliseconds")
                case nil: throw LineError(message: "no member '\(timestampName)'")
                }
            }
            return result
        }
    }

    /// `text` as epoch milliseconds within `timestamps`.
    private static func timestamp(_ text: String, _ field: String) throws(LineError) -> Int64 {
        guard let value = Int64(text), timestamps.contains(value) else {
            throw LineError(
                message:
                    "\(field) must be epoch milliseconds, an integer from \(timestamps.lowerBound) to \(timestamps.upperBound) (9999-12-31), got '\(text)'"
            )
        }
        return value
    }
}
