// CurrencyConvert: converts an amount field to one currency with a per-currency rate table.
import Foundation
import RivuletPluginKit

/// `currency_convert`: multiplies `field` by the rate of the record's currency (`currency_field`),
/// rounds to `decimals`, writes it to `output` (default: `field` itself) and sets the currency field to
/// `target`. Rates come from the config mapping `rates` (`rates: {USD: 0.92, GBP: 1.17}`). A record whose
/// currency has no rate is dead-lettered with the reason.
final class CurrencyConvert: RivuletOperator {
    static let name = "currency_convert"
    static let summary = "Converts an amount to a target currency using a rate per source currency"
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
    let rates: [[UInt8]: Double]

    init(context: OperatorContext) throws {
        let fields = context.inputFields()
        guard let field = context.config("field"), let amount = context.inputField(field) else {
            throw PluginFailure("currency_convert: 'field' must name an input field (have: \(fields.map(\.name).joined(separator: ", ")))")
        }
        guard [.f64, .i64].contains(context.inputKind(amount)) else {
            throw PluginFailure("currency_convert: field '\(field)' must be numeric")
        }
        guard let currencyName = context.config("currency_field"), let currency = context.inputField(currencyName),
            context.inputKind(currency) == .string
        else { throw PluginFailure("currency_convert: 'currency_field' must name a string input field") }
        self.amount = amount
        self.currency = currency
        target = context.config("target") ?? ""
        scale = pow(10, Double(Int(context.config("decimals") ?? "2") ?? 2))
        var rates: [[UInt8]: Double] = [:]
        // A config mapping arrives flattened: `rates.USD` = "0.92", and `rates` itself lists its keys ("USD,GBP").
        for code in (context.config("rates") ?? "").split(separator: ",").map(String.init) {
            guard let text = context.config("rates.\(code)"), let rate = Double(text) else {
                throw PluginFailure("currency_convert: rate for '\(code)' is not a number")
            }
            rates[Array(code.utf8)] = rate
        }
        guard !rates.isEmpty else { throw PluginFailure("currency_convert: 'rates' must map currency codes to rates") }
        self.rates = rates
        let outputName = context.config("output") ?? field
        if let existing = context.inputField(outputName) {
            guard context.inputKind(existing) == .f64 else {
                throw PluginFailure("currency_convert: output field '\(outputName)' must be f64")
            }
            output = existing
        } else {
            output = try context.addOutputField(outputName, .f64)
        }
        outputCount = fields.count + (output >= fields.count ? 1 : 0)
    }

    func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
        // A plugin-defined metric (host API counters): records converted, published once per call.
        var converted: Int64 = 0
        defer { if converted > 0 { context.count("converted", by: converted) } }
        for i in 0..<batch.count {
            let record = batch[i]
            guard let value = record.double(amount) else {
                throw RecordError(index: i, "amount is NULL or not a number")
            }
            guard let code = record.bytes(currency), let rate = rates[Array(code)] else {
                throw RecordError(index: i, "no rate for currency '\(record.string(currency) ?? "NULL")'")
            }
            let result = (value * rate * scale).rounded() / scale
            try context.emit(record, fieldCount: outputCount, changes: [(output, .double(result)), (currency, .string(target))])
            converted += 1
        }
    }
}
