// Enrich: a filter-map with typed, nested configuration, dead letters and a retry.
import RivuletPluginKit

/// `enrich`: input `{k: string, v: f64}`; appends `scaled` (v × `multiply`), `label` (`label.prefix` + k,
/// upper-cased when `label.upper`) and `big` (scaled ≥ `big_from`, default 100). Records with v below `min`
/// are left out. A record whose k is `fail_on` is dead-lettered; one whose k is `retry_on` asks for a
/// retry the first time it is seen. One `emitFilterMap` per batch.
final class Enrich: RivuletOperator {
    static let name = "enrich"
    static let isStateless = true
    static let configKeys = [
        ConfigKey("multiply", "the factor", type: .f64, required: true), ConfigKey("min", "records with v below it are left out", type: .f64),
        ConfigKey("big_from", "scaled at or above it is big (default 100)", type: .f64),
        ConfigKey("label", "prefix (text) and upper (true or false) of the label"),
        ConfigKey("fail_on", "k of the records to dead-letter"), ConfigKey("retry_on", "k of the records to retry once"),
    ]

    let k: Int
    let v: Int
    let multiply: Double
    let minimum: Double
    let bigFrom: Double
    let prefix: String
    let upper: Bool
    let failOn: String?
    let retryOn: String?
    var retried = false
    let scaled: Int, label: Int, big: Int

    init(context: OperatorContext) throws {
        let config = try context.configuration
        guard let k = context.inputField("k"), let v = context.inputField("v") else { throw PluginFailure("enrich: needs fields k and v") }
        self.k = k
        self.v = v
        multiply = try config.required("multiply")
        minimum = try config.value("min") ?? -.infinity
        bigFrom = try config.value("big_from") ?? 100
        let labelConfig = try config.value("label", as: ConfigMap.self) ?? ConfigMap(entries: [])
        prefix = try labelConfig.value("prefix") ?? ""
        upper = try labelConfig.value("upper") ?? false
        failOn = try config.value("fail_on")
        retryOn = try config.value("retry_on")
        scaled = try context.addOutputField("scaled", .f64)
        label = try context.addOutputField("label", .string)
        big = try context.addOutputField("big", .bool)
    }

    func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
        try context.emitFilterMap(batch) { record, row in
            guard let key = record.string(k), let value = record.double(v) else {
                throw RecordError(index: record.index, "enrich: k or v is NULL")
            }
            if key == failOn { throw RecordError(index: record.index, "enrich: told to fail on '\(key)'") }
            if key == retryOn && !retried {
                retried = true
                throw RetryLater(index: record.index, "enrich: told to retry '\(key)' once")
            }
            guard value >= minimum else { return false }
            let x = value * multiply
            row.set(scaled, double: x)
            row[label] = .string(upper ? (prefix + key).uppercased() : prefix + key)
            row.set(big, bool: x >= bigFrom)
            return true
        }
    }
}
