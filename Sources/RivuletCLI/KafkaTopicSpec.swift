// KafkaTopicSpec: a topic a mock cluster creates, written NAME:PARTITIONS on the command line.
import ArgumentParser

/// `rivulet kafka mock --topic orders:6`: the topic's name and partition count.
struct KafkaTopicSpec: Sendable, Equatable {
    let name: String
    let partitions: Int

    /// Kafka's rule for topic names: 1 to 249 of `a-z A-Z 0-9 . _ -`, and neither `.` nor `..`.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 249 && name != "." && name != ".."
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
            }
    }

    /// Reads `NAME:PARTITIONS` (an option's transform); a malformed one is refused with why (exit 2).
    static func parse(_ text: String) throws -> KafkaTopicSpec {
        guard let colon = text.lastIndex(of: ":") else {
            throw ValidationError("expected NAME:PARTITIONS, such as orders:6")
        }
        let name = String(text[..<colon]), count = String(text[text.index(after: colon)...])
        guard isValidName(name) else {
            throw ValidationError("the topic name '\(name)' is not valid: 1 to 249 of the characters a-z A-Z 0-9 . _ - (expected NAME:PARTITIONS)")
        }
        guard let partitions = OptionRange.partitions.value(count) else {
            throw ValidationError("the partition count of topic '\(name)' must be an integer \(OptionRange.partitions.text), got '\(count)'")
        }
        return KafkaTopicSpec(name: name, partitions: partitions)
    }
}
