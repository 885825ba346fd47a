// Project: keeps only the listed fields of each record, in the listed order.
import Foundation
import RivuletPluginKit

/// `project`: the output schema is exactly `fields` (comma-separated or a YAML list), in that order.
final class Project: RivuletOperator {
    static let name = "project"
    static let summary = "Keeps only the listed fields, in the listed order"
    static let configKeys = [ConfigKey("fields", "the fields to keep, in order", type: .string, required: true)]

    let sources: [Int]

    init(context: OperatorContext) throws {
        let names = (context.config("fields") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
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
