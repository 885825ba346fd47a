// KafkaRecord+JSON: a record as one line of JSON (`rivulet kafka consume --format json`).
import RivuletCore
import RivuletKafka

extension KafkaRecord {
    /// `{"partition":P,"offset":O,"timestamp":T,"key":"…"|null,"headers":{"name":"value",…},"value":"…"|null}`,
    /// without a newline. Key, header values and value are read as UTF-8 (a byte that is not valid UTF-8
    /// becomes U+FFFD) and quoted as the JSON lines sink quotes strings.
    var jsonLine: String {
        var out = "{\"partition\":\(partition),\"offset\":\(offset),\"timestamp\":\(timestamp),\"key\":\(Self.json(key)),\"headers\":{"
        for (i, header) in headers.enumerated() {
            out += (i > 0 ? "," : "") + JSONLinesEncoder.quoted(header.name) + ":" + Self.json(header.value)
        }
        return out + "},\"value\":\(Self.json(value))}"
    }

    /// `bytes` as a JSON string, or `null`.
    private static func json(_ bytes: [UInt8]?) -> String {
        bytes.map { JSONLinesEncoder.quoted(String(decoding: $0, as: UTF8.self)) } ?? "null"
    }
}
