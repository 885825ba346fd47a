// OperatorContext+Config: the operator's configuration, structured (maps, lists, typed scalars) or flat.
internal import CRivulet

extension OperatorContext {
    /// The operator's whole configuration as the manifest wrote it: nested mappings and lists, typed
    /// scalars (see `ConfigMap` for the typed lookups and their errors). Read it in `init(context:)`.
    ///
    /// It comes from the host as one JSON document (`config_get(ctx, "")`, docs/ABI.md). A host older
    /// than that answers NULL: the SDK then builds a flat mapping of the operator's declared
    /// `configKeys`, each as the string the host has for it — scalars still read as numbers or booleans,
    /// nested mappings and lists are missing.
    public var configuration: ConfigMap {
        get throws {
            if let parsed = parsedConfiguration { return parsed }
            let parsed: ConfigMap
            if let json = api.pointee.config_get(ctx, "") {
                parsed = try ConfigJSON.parse(String(cString: json))
            } else {
                parsed = ConfigMap(
                    entries: declaredKeys.compactMap { key in
                        config(key.name).map { (key.name, ConfigValue.string($0)) }
                    })
            }
            parsedConfiguration = parsed
            return parsed
        }
    }

    /// The flat text of a configuration value, as C plugins read it: a scalar as written, a list of scalars
    /// joined with ",", a nested value under its dotted path (`rates.USD`), a mapping's own path listing its
    /// keys (`rates` → `USD,GBP`). Prefer `configuration`, which keeps the structure and the types.
    public func config(_ key: String) -> String? {
        guard !key.isEmpty else { return nil }
        return api.pointee.config_get(ctx, key).map { String(cString: $0) }
    }
}
