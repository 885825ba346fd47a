// ManifestDecoder+Time: a source's `time:` (event, log-append or processing time) and durations.
import Foundation
import RivuletCore

extension ManifestDecoder {
    static let timeKeys = ["type", "field", "format", "extractor", "arguments", "max_out_of_order", "idle_timeout"]

    /// A duration (`2s`, `500ms`, `1m`; a plain number only when 0) within `limit`'s range; `name` replaces
    /// the limit's name in the message. A number without a unit is refused: `size: 60` meant 60 ms to the
    /// reader and 60 s to the writer often enough.
    mutating func duration(_ node: YAMLNode?, _ limit: Limit, name: String? = nil) -> Int64? {
        guard let node else { return nil }
        if let text = node.text, let plain = NumberSyntax.integer(text.trimmingCharacters(in: .whitespaces)), plain != 0 {
            error(node.location, "\(name ?? limit.name) '\(text)' has no unit: write \(plain)s or \(plain)ms (units: ms, s, m, h, d)")
            return nil
        }
        guard let text = node.text, let ms = limit.integer(text) else {
            error(node.location, limit.message(got: node.got, name: name))
            return nil
        }
        return ms
    }

    /// The `time:` of source `name`: `type: event` needs a `field` (and takes a `format`, default
    /// epoch_ms); every type takes `max_out_of_order` (default 0) and `idle_timeout`.
    mutating func time(_ node: YAMLNode, source name: String, schema: [FieldSpec]?, kafka: Bool = false) -> TimeSpec? {
        let what = "the time of source '\(name)'"
        guard let m = fields(node, what, allowed: Self.timeKeys, required: ["type"]) else { return nil }
        let type = choice(m["type"], "time type", among: ["event", "log_append", "processing", "kafka"])
        if type == "kafka" && !kafka, let node = m["type"] {
            error(node.location, "time type 'kafka' (the timestamp of each Kafka record) applies to Kafka sources only")
        }
        let field = string(m["field"], "field")
        let format = choice(m["format"], "time format", as: TimeFormat.self)
        let extractor = string(m["extractor"], "extractor")
        let arguments = stringList(m["arguments"], "arguments")
        let bound = duration(m["max_out_of_order"], .maxOutOfOrder) ?? 0
        let idle = duration(m["idle_timeout"], .idleTimeout)
        let kind: TimeSpec.Kind?
        switch type {
        case "event" where m["extractor"] != nil:
            for key in ["field", "format"] {
                if let location = m.keyLocation(key) {
                    error(location, "'\(key)' does not apply with an extractor (it computes the time from its arguments)")
                }
            }
            let parts = extractor?.split(separator: ".", maxSplits: 1).map(String.init) ?? []
            if let node = m["extractor"], extractor != nil, parts.count != 2 {
                error(node.location, "extractor must name a plugin's function as plugin.function, got '\(extractor!)'")
            } else if parts.count == 2, let node = m["extractor"], !pluginNames.contains(parts[0]) {
                error(node.location, "extractor uses plugin '\(parts[0])', which is not declared under plugins")
            }
            if m["arguments"] == nil { error(m.location, "an extractor needs 'arguments': the fields passed to it") }
            for a in arguments ?? [] where schema != nil && !schema!.contains(where: { $0.name == a }) {
                error(
                    m["arguments"]!.location,
                    "argument '\(a)' is not a field of the schema of source '\(name)' (fields: \(schema!.map(\.name).joined(separator: ", ")))"
                        + DidYouMean.hint(a, among: schema!.map(\.name)))
            }
            kind = parts.count == 2 ? arguments.map { .extractor(plugin: parts[0], function: parts[1], arguments: $0) } : nil
        case "event":
            if field == nil && m["field"] == nil {
                error(m.location, "event time needs 'field' (the field holding each record's time) or 'extractor' (a plugin function computing it)")
            }
            if let field, let schema, let node = m["field"], !schema.contains(where: { $0.name == field }) {
                error(
                    node.location,
                    "time field '\(field)' is not a field of the schema of source '\(name)' (fields: \(schema.map(\.name).joined(separator: ", ")))"
                        + DidYouMean.hint(field, among: schema.map(\.name)))
            }
            kind = field.map { .event(field: $0, format: format ?? .epochMilliseconds) }
        case "log_append", "processing", "kafka":
            for key in ["field", "format", "extractor", "arguments"] {
                if let location = m.keyLocation(key) {
                    error(location, "'\(key)' applies to event time only, not to \(type!) time")
                }
            }
            kind = type == "processing" ? .processing : type == "kafka" ? .kafka : .logAppend
        default:
            kind = nil
        }
        guard let kind else { return nil }
        return TimeSpec(kind: kind, maxOutOfOrder: bound, idleTimeout: idle, location: m.location)
    }
}
