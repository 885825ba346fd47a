// PartitionList: conversions between librdkafka's topic-partition lists and Swift values.
import CRdKafka

/// Reading and building `rd_kafka_topic_partition_list_t`.
enum PartitionList {
    /// The partitions of `list` with their offsets.
    static func entries(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [(TopicPartition, Int64)] {
        guard let list, list.pointee.cnt > 0 else { return [] }
        return (0..<Int(list.pointee.cnt)).map { i in
            let e = list.pointee.elems[i]
            return (TopicPartition(String(cString: e.topic), e.partition), e.offset)
        }
    }

    /// A new list of `partitions` with `offset` each (the caller destroys it).
    static func make(_ partitions: [(TopicPartition, Int64)]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(max(1, partitions.count)))!
        for (tp, offset) in partitions {
            rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition).pointee.offset = offset
        }
        return list
    }
}
