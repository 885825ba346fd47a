// ManifestDecoder+Stores: the `stores` section: memory (with a byte budget) and rocksdb stores.

extension ManifestDecoder {
    static let storeKeys = ["type", "budget", "changelog"]

    /// Decodes `stores`: name -> { type, budget, changelog }.
    mutating func stores(_ node: YAMLNode) -> [StoreSpec] {
        entries(node, "stores").compactMap { pair in
            let what = "store '\(pair.key)'"
            if !Self.isValidName(pair.key) {
                error(pair.keyLocation, "store name '\(pair.key)' is not valid: use letters, digits, '_' and '-'")
            }
            guard let m = fields(pair.value, what, allowed: Self.storeKeys, required: ["type"]) else { return nil }
            let type = choice(m["type"], "store type", among: ["memory", "rocksdb"])
            let changelog = bool(m["changelog"], "changelog") ?? false
            var budget = 64 << 20
            if let node = m["budget"] {
                if type == "rocksdb" {
                    error(node.location, "'budget' applies to memory stores only (a rocksdb store is bounded by its disk)")
                } else if let bytes = bytes(node, .storeBudget) {
                    budget = bytes
                }
            }
            guard let type else { return nil }
            return StoreSpec(
                name: pair.key, backend: type == "memory" ? .memory(budget: budget) : .rocksdb,
                changelog: changelog, location: pair.keyLocation)
        }
    }
}
