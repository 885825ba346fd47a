// LookupOperatorFactory: planning a Redis lookup operator: the key field, the added fields, cache, password, TLS, client.
import Foundation
import RivuletCore
import RivuletExecution
import RivuletLookup
import RivuletManifest

/// Plans a `lookup:` operator: the key field, the fields it adds, its cache, and the Redis client of each
/// instance (password and TLS files are read now).
struct LookupOperatorFactory: OperatorFactory {
    let lookup: LookupSpec

    func plan(_ spec: OperatorSpec, inputs: [String: Schema], in context: PlanningContext) throws -> PlannedNode {
        if let bad = inputs.keys.first(where: { $0 != "in" }) {
            throw PlanError(spec.location, "lookup operator '\(spec.name)' has one input port, 'in', not '\(bad)'")
        }
        let input = inputs["in"] ?? Schema()
        guard let keyField = input.index(of: lookup.key) else {
            throw PlanError(
                spec.location,
                "'\(spec.name)': key field '\(lookup.key)' is not in its input (fields: \(input))"
                    + DidYouMean.hint(lookup.key, among: input.fields.map(\.name)))
        }
        if let clash = lookup.fields.first(where: { input.index(of: $0.name) != nil }) {
            throw PlanError(clash.location, "'\(spec.name)': looked-up field '\(clash.name)' is already a field of its input")
        }
        let credentials = try lookup.password.map { RedisCredentials(username: lookup.username, password: try Self.password($0, spec.name)) }
        let tls = try lookup.tls.map { try Self.tlsContext($0, spec.name) }
        let security = [tls == nil ? nil : "tls", credentials == nil ? nil : "auth"].compactMap { $0 }
        let node = PlannedNode(
            name: spec.name, role: .operator, parallelism: spec.parallelism, location: spec.location,
            kind: "redis lookup \(lookup.host):\(lookup.port)\(security.isEmpty ? "" : " (" + security.joined(separator: ", ") + ")") "
                + "\(lookup.command.rawValue) \(lookup.keyPrefix)<\(lookup.key)>")
        node.inputPorts = ["in"]
        node.inputSchemas = inputs
        node.outputPorts = ["out", "errors"]
        var output = Schema()
        for _ in 0..<spec.parallelism {
            let route = context.deadLetterRoute(for: spec.name, input: input)
            let op = RedisLookupOperator(
                name: spec.name,
                client: RedisClient(
                    host: lookup.host, port: Int32(lookup.port), timeoutMilliseconds: Int(lookup.timeout),
                    credentials: credentials, tls: tls),
                inputSchema: input, keyField: keyField, prefix: lookup.keyPrefix, command: lookup.command == .hash ? .hash : .string,
                fields: lookup.fields.map { ($0.name, $0.type) },
                cache: LRUCache(maxEntries: lookup.cacheEntries, maxBytes: lookup.cacheBytes, ttl: lookup.cacheTTL),
                batchLimit: lookup.batch, onError: lookup.onError == .fail ? .fail : .deadLetter, dropMissing: lookup.onMissing == .drop,
                batchCapacity: context.options.batchSize, deadLetters: route)
            context.add(op, ports: ["out": op.out], route: route, to: node)
            output = op.out.schema
        }
        node.outputSchemas["out"] = output
        node.outputSchemas["errors"] = DeadLetterRoute.errorsSchema(for: input)
        return node
    }

    /// The password from the environment variable or the file the manifest names (a file's trailing line
    /// break is not part of it); an unset variable, an unreadable file or an empty password is an error.
    static func password(_ spec: PasswordSpec, _ name: String) throws -> String {
        switch spec.source {
        case .environment(let variable):
            guard let value = ProcessInfo.processInfo.environment[variable] else {
                throw PlanError(spec.location, "'\(name)': password_env names \(variable), which is not set in the environment")
            }
            guard !value.isEmpty else { throw PlanError(spec.location, "'\(name)': the environment variable \(variable) (password_env) is empty") }
            return value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "no such file"
                throw PlanError(spec.location, "'\(name)': password_file '\(path)': \(reason)")
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty else { throw PlanError(spec.location, "'\(name)': password_file '\(path)' is empty") }
            return text
        }
    }

    /// The OpenSSL context for `tls` (its files are loaded now); a file that does not load is an error at its key.
    static func tlsContext(_ tls: LookupTLSSpec, _ name: String) throws -> RedisTLSContext {
        do {
            return try RedisTLSContext(caFile: tls.caFile, certFile: tls.certFile, keyFile: tls.keyFile, serverName: tls.serverName)
        } catch {
            throw PlanError(tls.settingLocations[error.setting] ?? tls.location, "'\(name)': tls \(error.description)")
        }
    }
}

extension RedisLookupOperator: LookupReporting {}
