// HeldPartitions: which partitions a `rivulet run` process holds, from the lines its Kafka sources print.
import Foundation

/// A Kafka source prints `source 'NAME': assigned topic[0], topic[3]` and `… gave up …` (or `… lost …`)
/// as the group moves partitions; the partitions held are the assigned ones not given up since.
enum HeldPartitions {
    static func of(_ source: String, in stderr: String) -> Set<Int> {
        var held: Set<Int> = []
        let prefix = "source '\(source)': "
        for line in stderr.split(separator: "\n") where line.contains(prefix) {
            let partitions = Set(line.matches(of: #/\[(\d+)\]/#).map { Int($0.1)! })
            if line.contains(prefix + "assigned ") { held.formUnion(partitions) }
            if line.contains(prefix + "gave up ") || line.contains(prefix + "lost ") { held.subtract(partitions) }
        }
        return held
    }
}
