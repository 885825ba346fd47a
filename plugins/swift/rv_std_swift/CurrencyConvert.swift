// CurrencyConvert: converts an amount field to one currency with a per-currency rate table.
import Foundation
import RivuletPluginKit

/// `currency_convert`: multiplies `field` by the rate of the record's currency (`currency_field`),
/// rounds to `decimals`, writes it to `output` (default: `field` itself) and sets the currency field to
/// `target`. Rates come from the config mapping `rates` (`rates: {USD: 0.92, GBP: 1.17}`). A record whose
/// currency has no rate is dead-lettered with the reason. Counts the records converted (`converted`).
///
/// A map written with the SDK's batch emit: one row per record in scratch memory, one host call per
/// batch, no allocation per record (currency codes of up to 15 bytes are looked up as small strings).
final class CurrencyConvert: RivuletOperator {
    static let name = "currency_convert"
    static let summary = "Converts an amount to a target currency using a rate per source currency"
    static let isStateless = true
    static let configKeys = [
        ConfigKey("field", "the f64 amount field", type: .string, required: true),
        ConfigKey("currency_field", "the string field holding the record's currency code", type: .string, required: true),
        ConfigKey("rates", "mapping currency code -> rate to the target currency", type: .string, required: true),
        ConfigKey("target", "the target currency code written to currency_field", type: .string, required: true),
        ConfigKey("output", "field to write the converted amount to (default: field; added if new)", type: .string),
        ConfigKey("decimals", "rounding of the result (default 2)", type: .i64),
    ]

    let amount: Int
    let currency: Int
    let output: Int
    let outputCount: Int
    let target: String
    let scale: Double
    let rates: [String: Double]
    let converted: Counter

    init(context: OperatorContext) throws {
        let config = try context.configuration
        let fields = context.inputFields()
        let field: String = try config.required("field")
        guard let amount = context.inputField(field) else {
            throw PluginFailure("currency_convert: 'field' must name an input field (have: \(fields.map(\.name).joined(separator: ", ")))")
        }
        guard [.f64, .i64].contains(context.inputKind(amount)) else {
            throw PluginFailure("currency_convert: field '\(field)' must be numeric")
        }
        guard let currency = context.inputField(try config.required("currency_field", as: String.self)), context.inputKind(currency) == .string
        else { throw PluginFailure("currency_convert: 'currency_field' must name a string input field") }
        self.amount = amount
        self.currency = currency
        target = try config.required("target")
        scale = pow(10, Double(try config.value("decimals", as: Int.self) ?? 2))
        let table: ConfigMap = try config.required("rates")
        var rates: [String: Double] = [:]
        for (code, _) in table { rates[code] = try table.required(code, as: Double.self) }
        guard !rates.isEmpty else { throw PluginFailure("currency_convert: 'rates' must map currency codes to rates") }
        self.rates = rates
        let outputName = try config.value("output", as: String.self) ?? field
        if let existing = context.inputField(outputName) {
            guard context.inputKind(existing) == .f64 else {
                throw PluginFailure("currency_convert: output field '\(outputName)' must be f64")
            }
            output = existing
        } else {
            output = try context.addOutputField(outputName, .f64)
        }
        outputCount = context.outputFieldCount()
        converted = context.counter("converted")
    }

    func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
        var done: Int64 = 0
        // A plugin-defined metric, published once per call (also when a record is dead-lettered).
        defer { if done > 0 { converted.add(done) } }
        try context.emit(batch, fieldCount: outputCount) { record, row in
            guard let value = record.double(amount) else {
                throw RecordError(index: record.index, "amount is NULL or not a number")
            }
            guard let code = record.bytes(currency), let rate = rates[String(decoding: code, as: UTF8.self)] else {
                throw RecordError(index: record.index, "no rate for currency '\(record.string(currency) ?? "NULL")'")
            }
            row.set(output, double: (value * rate * scale).rounded() / scale)
            row.set(currency, string: target)
            done += 1
        }
    }
}
