// DeadLetterRoute: sends one operator's failed records to its `errors` port if wired, else to the run's sink.
import CRivulet
import RivuletCore

/// Routes the records an operator could not process. When the manifest connects the operator's `errors`
/// port, failed records of input 0 go there with two more fields, `_error_node` and `_error_reason`;
/// everything else goes to the run's `DeadLetterSink`. Nothing is dropped.
public final class DeadLetterRoute {
    public let node: String
    public let sink: DeadLetterSink
    public let errorsPort: OutputPort?
    let errorsInputSchema: Schema?
    /// Every record routed, either way (one counter per route: read from other threads, written by one).
    public let counter = MetricsCounter(name: "dead_letters")

    public init(node: String, sink: DeadLetterSink, errorsPort: OutputPort?, inputSchema: Schema?) {
        self.node = node
        self.sink = sink
        self.errorsPort = errorsPort
        self.errorsInputSchema = inputSchema
    }

    /// The schema of an `errors` port for an operator whose first input has `input`.
    public static func errorsSchema(for input: Schema) -> Schema {
        var s = input
        s.append(FieldDefinition(name: "_error_node", type: .string))
        s.append(FieldDefinition(name: "_error_reason", type: .string))
        return s
    }

    public func send(_ record: UnsafePointer<rv_record>, schema: Schema, reason: String) throws {
        counter.add(1)
        guard let port = errorsPort, let expected = errorsInputSchema, expected == schema else {
            try sink.deadLetter(node: node, reason: reason, record: record, schema: schema, raw: nil)
            return
        }
        let batch = try port.batchForAppending()
        let r = record.pointee
        let i = batch.appendEmpty(timestamp: r.timestamp, partition: r.partition, offset: r.offset)
        for f in 0..<schema.count {
            let value = r.fields[f]
            if let type = FieldType(rawValue: value.type), type.isBytesLike {
                batch.setBytesField(i, f, type: type, value.value.ptr, count: Int(value.len))
            } else {
                batch.setField(i, f, value)
            }
        }
        batch.setStringField(i, schema.count, node)
        batch.setStringField(i, schema.count + 1, reason)
        batch.setKey(i, r.key, count: Int(r.key_len))
        batch.setValue(i, r.value, count: Int(r.value_len))
        port.didAppend()
    }

    /// Input that could not even be decoded: always goes to the run's sink, with the raw bytes.
    public func sendRaw(_ raw: UnsafeRawBufferPointer, reason: String) throws {
        counter.add(1)
        try sink.deadLetter(node: node, reason: reason, record: nil, schema: Schema(), raw: raw)
    }
}
