// Project: keeps only the listed fields of each record, in the listed order.
import Foundation
import RivuletPluginKit

/// `project`: the output schema is exactly `fields` (a YAML list, or one comma-separated string), in that
/// order. One host call per batch; no bytes copied.
final class Project: RivuletOperator {
    static let name = "project"
    static let summary = "Keeps only the listed fields, in the listed order"
    static let isStateless = true
    static let configKeys = [ConfigKey("fields", "the fields to keep, in order (a list, or comma-separated)", type: .string, required: true)]

    let sources: [Int]

    init(context: OperatorContext) throws {
        let config = try context.configuration
        let names: [String] =
            config["fields"]?.list != nil
            ? try config.required("fields")
            : try config.required("fields", as: String.self).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let input = context.inputFields()
        var sources: [Int] = []
        for name in names {
            guard let i = context.inputField(name) else {
                throw PluginFailure("project: no input field '\(name)' (have: \(input.map(\.name).joined(separator: ", ")))")
            }
            sources.append(i)
        }
        guard !sources.isEmpty else { throw PluginFailure("project: 'fields' lists no field") }
        self.sources = sources
        try context.setOutputFields(sources.map { input[$0] })
    }

    func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
        try context.emit(batch, selecting: sources)
    }
}
