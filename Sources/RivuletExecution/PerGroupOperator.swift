// PerGroupOperator: one instance of a keyed operator per key group, each with its own watermark.
import RivuletCore
import RivuletSnapshot

/// Kafka Streams' task per partition, inside one node: records of key group g (the partition of a
/// repartition topic they came from: `rv_record.partition`) go to instance g, which runs on its own
/// watermark (`groupWatermark(g)`: the watermark of that partition). So a partition taken over from
/// another process, replayed from its committed offset, is judged by its own time, not by the partitions
/// this process was already ahead on. Instances are made when their group is first seen or adopted and
/// dropped with their group. The node's output watermark is the smallest of its instances'.
public final class PerGroupOperator: KeyGroupStateOperator, GroupWatermarkReporting {
    public typealias Instance = KeyGroupStateOperator
    public let name: String
    /// The node's output ports, by name; every instance's ports of the same names forward into them.
    public let ports: [String: OutputPort]
    private let make: (_ group: Int) throws -> (instance: Instance, ports: [String: OutputPort])
    private let groupWatermark: (Int) -> Int64
    private var instances: [Int: Instance] = [:]
    private var watermarks: [Int: Int64] = [:]
    private var emitted = Int64.min
    /// Each group's watermark at every rise of the node's (for repartition topic writers downstream).
    public let groupWatermarks = GroupWatermarkHistory()

    public init(
        name: String, ports: [String: OutputPort], groupWatermark: @escaping (Int) -> Int64,
        make: @escaping (_ group: Int) throws -> (instance: Instance, ports: [String: OutputPort])
    ) {
        self.name = name
        self.ports = ports
        self.make = make
        self.groupWatermark = groupWatermark
        // Records leave with no watermark above what the node has told downstream (an instance ahead of
        // the others must not make another's later records look late).
        for port in ports.values { port.setWatermarkCap(.min) }
    }

    /// The groups held now.
    public var groups: [Int] { instances.keys.sorted() }

    private func instance(_ group: Int) throws -> Instance {
        if let existing = instances[group] { return existing }
        let (made, inner) = try make(group)
        for (port, output) in inner {
            guard let target = ports[port] else { continue }
            output.connect(ForwardingEdge(name: "\(name)#\(group).\(port) -> \(name).\(port)", target: target))
        }
        instances[group] = made
        return made
    }

    public func process(_ batch: RecordBatch, port: Int) throws {
        try deliver(batch, port: port, watermarkCap: .max)
        try advanceGroups()
    }

    /// Hands runs of records of one group to its instance as they come (records keep their order),
    /// without advancing watermarks: a caller that splits one batch into several calls advances once at
    /// the end (`advance()`), so no instance's watermark passes a record of the batch not yet delivered.
    /// `watermarkCap`: what the instances' other input allows (`StreamOperator.process(_:port:watermarkCap:)`).
    public func deliver(_ batch: RecordBatch, port: Int, watermarkCap: Int64) throws {
        var start = 0
        while start < batch.count {
            let group = Int(batch.record(at: start).pointee.partition)
            var end = start + 1
            while end < batch.count && Int(batch.record(at: end).pointee.partition) == group { end += 1 }
            let part = RecordBatch(schema: batch.schema, capacity: end - start)
            for i in start..<end { part.appendForwarded(from: batch, index: i) }
            try instance(group).process(part, port: port, watermarkCap: watermarkCap)
            start = end
        }
    }

    /// Each instance to its group's watermark, after `deliver`.
    public func advance() throws { try advanceGroups() }

    public func advanceWatermark(to watermark: Int64) throws { try advanceGroups(final: watermark == .max) }

    /// Each instance to its group's watermark; the node's ports to the smallest of them.
    private func advanceGroups(final: Bool = false) throws {
        guard !instances.isEmpty else { return }
        var lowest = Int64.max
        for (group, op) in instances {
            let w = final ? .max : groupWatermark(group)
            if w > watermarks[group] ?? .min {
                watermarks[group] = w
                try op.advanceWatermark(to: w)
            }
            lowest = min(lowest, outputWatermark(group, op))
        }
        if lowest > emitted {
            emitted = lowest
            groupWatermarks.record(
                told: lowest, groups: Dictionary(uniqueKeysWithValues: instances.map { ($0.key, outputWatermark($0.key, $0.value)) }))
            for port in ports.values {
                port.setWatermarkCap(lowest)
                try port.advanceWatermark(to: lowest)
            }
        }
    }

    /// How far instance `op` of `group` has told its output: its own report (a join holding records may
    /// still emit before its watermark), else its watermark.
    private func outputWatermark(_ group: Int, _ op: Instance) -> Int64 {
        (op as? OutputWatermarkReporting)?.outputWatermark ?? watermarks[group] ?? .min
    }

    public func advanceProcessingTime(to now: Int64) throws {
        for op in instances.values { try op.advanceProcessingTime(to: now) }
    }

    public func finish() throws {
        for group in instances.keys.sorted() { try instances[group]!.finish() }
        for port in ports.values { try port.flush() }
    }

    public func close() {
        for op in instances.values { op.close() }
    }

    // MARK: state

    /// Every instance's keyed entries (their groups are theirs); no state of its own.
    public func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        for group in instances.keys.sorted() {
            var part = OperatorSnapshot()
            try instances[group]!.snapshotState(into: &part, checkpoint: checkpoint)
            let decoded = try DecodedOperatorSnapshot(part.encoded(), name: "\(name)#\(group)")
            try decoded.forEachKeyed { g, reader in
                let bytes = try reader.readRaw(count: reader.remaining, "a keyed entry")
                bytes.withUnsafeBytes { raw in snapshot.addKeyed(group: g) { w in w.append(raw: raw) } }
            }
        }
    }

    /// Restores only through `adopt` (a changelog), never from a checkpoint of its own.
    public func restoreState(from restore: OperatorRestore) throws {}

    public func adopt(_ restore: OperatorRestore, group: Int) throws {
        try instance(group).adopt(restore, group: group)
    }

    public func drop(groups: Set<Int>) {
        for group in groups {
            instances.removeValue(forKey: group)?.close()
            watermarks[group] = nil
        }
    }
}
