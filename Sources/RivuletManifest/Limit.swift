// Limit: the one table of allowed ranges for every number a user gives Rivulet (docs/MANIFEST.md, "Limits").

/// Every number a user can give — a manifest key (also through `--set`), a `rivulet` option, or the size
/// and shape of the YAML itself — with the range it must lie in. The manifest decoder, the YAML reader and
/// the command-line options all read their bounds here, so a value out of range is refused with the same
/// range everywhere, before it can size an allocation, start threads or overflow arithmetic.
/// `docs/MANIFEST.md` prints this table; a test keeps the two the same.
public enum Limit: String, CaseIterable, Sendable {
    // Sources.
    case batchSize, count, seed, keys, rate
    // Time and windows.
    case maxOutOfOrder, idleTimeout, windowSize, windowAdvance, windowsPerRecord, sessionGap, grace, within
    // Aggregates.
    case percentile, top
    // Operators, stores and lookups.
    case parallelism, storeBudget, cacheEntries, cacheBytes, cacheTTL, lookupBatch, lookupTimeout, redisPort, ffiI32Literal, decimals
    // Command-line options only.
    case ringCapacity, metricsPort, events, warmup, interval, runs, ringCount, ringBenchCapacity
    // The YAML document.
    case documentBytes, nestingDepth, nodes
    case checkpointInterval, checkpointTimeout, checkpointRetain, maxParallelism

    /// How a value is written and shown.
    public enum Unit: Sendable {
        /// A whole number (`_` separators, `0x…` and `0o…` allowed in manifests).
        case integer
        /// Any number (`2.5`, `1e3`).
        case number
        /// A duration in milliseconds (`500ms`, `10s`, `5m`, `1h`, `1d`; the manifest refuses a plain number but 0).
        case milliseconds
        /// A size in bytes (`512KB`, `64MB`, `2GB`, `1TB`, or plain bytes).
        case bytes
        /// A number of seconds (command-line options).
        case seconds
    }

    /// Where the user writes it: manifest keys as written, options with their dashes.
    public var names: [String] {
        switch self {
        case .batchSize: ["batch_size", "--batch-size"]
        case .count: ["count"]
        case .seed: ["seed", "--seed"]
        case .keys: ["keys", "--keys"]
        case .rate: ["rate", "--rate"]
        case .maxOutOfOrder: ["max_out_of_order"]
        case .idleTimeout: ["idle_timeout"]
        case .windowSize: ["size"]
        case .windowAdvance: ["advance"]
        case .windowsPerRecord: ["size / advance"]
        case .sessionGap: ["gap"]
        case .grace: ["grace"]
        case .within: ["within"]
        case .percentile: ["percentile(f, p)"]
        case .top: ["top(l, m, n)"]
        case .parallelism: ["parallelism"]
        case .storeBudget: ["budget"]
        case .cacheEntries: ["entries"]
        case .cacheBytes: ["bytes"]
        case .cacheTTL: ["ttl"]
        case .lookupBatch: ["batch"]
        case .lookupTimeout: ["timeout"]
        case .redisPort: ["address"]
        case .ffiI32Literal: ["arguments"]
        case .decimals: ["decimals"]
        case .ringCapacity: ["--ring-capacity"]
        case .metricsPort: ["--metrics-port"]
        case .events: ["--events"]
        case .warmup: ["--warmup"]
        case .interval: ["--interval"]
        case .runs: ["--runs"]
        case .ringCount: ["--count"]
        case .ringBenchCapacity: ["--capacity"]
        case .documentBytes: ["manifest size"]
        case .nestingDepth: ["nesting depth"]
        case .nodes: ["YAML nodes"]
        case .checkpointInterval: ["checkpoint.interval"]
        case .checkpointTimeout: ["checkpoint.timeout"]
        case .checkpointRetain: ["checkpoint.retain"]
        case .maxParallelism: ["max_parallelism"]
        }
    }

    /// The name messages use: the manifest key (or the option when there is none).
    public var name: String { names[0] }

    /// How the value is written.
    public var unit: Unit {
        switch self {
        case .rate, .percentile: .number
        case .maxOutOfOrder, .idleTimeout, .windowSize, .windowAdvance, .sessionGap, .grace, .within, .cacheTTL, .lookupTimeout,
            .checkpointInterval, .checkpointTimeout:
            .milliseconds
        case .storeBudget, .cacheBytes, .documentBytes: .bytes
        case .warmup, .interval: .seconds
        default: .integer
        }
    }

    /// The smallest value allowed (excluded when `excludesMinimum`).
    public var minimum: Double {
        switch self {
        case .count, .seed, .maxOutOfOrder, .grace, .within, .percentile, .cacheEntries, .metricsPort, .warmup, .decimals: 0
        case .rate, .interval: 0.001
        case .checkpointInterval: 10
        case .ffiI32Literal: Double(Int32.min)
        case .documentBytes, .nestingDepth, .nodes: 0
        default: 1
        }
    }

    /// Whether `minimum` itself is refused (`0 < p`).
    public var excludesMinimum: Bool { self == .percentile }

    /// The largest value allowed.
    public var maximum: Double {
        switch self {
        case .batchSize, .ringCapacity, .lookupBatch: 65_536
        case .count, .events: 1e15
        case .seed: Double(UInt64.max)
        case .keys: 1_000_000
        case .rate: 1e9
        case .maxOutOfOrder, .idleTimeout, .windowSize, .windowAdvance, .sessionGap, .grace, .within, .cacheTTL:
            Double(DurationSyntax.maximum)
        case .windowsPerRecord, .top: 10_000
        case .percentile: 100
        case .parallelism: 256
        case .storeBudget, .cacheBytes: Double(1 << 40)
        case .cacheEntries: 100_000_000
        case .lookupTimeout: 3_600_000
        case .redisPort: 65_535
        case .metricsPort: 65_535
        case .ffiI32Literal: Double(Int32.max)
        case .decimals: 17
        case .warmup: 86_400
        case .interval: 3_600
        case .runs: 1_000
        case .ringCount: 1e12
        case .ringBenchCapacity: 1_048_576
        case .documentBytes: 1_048_576
        case .nestingDepth: 64
        case .nodes: 100_000
        case .checkpointInterval, .checkpointTimeout: 86_400_000
        case .checkpointRetain: 1_000
        case .maxParallelism: 32_768
        }
    }

    /// Whether `value` is allowed.
    public func allows(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        return (excludesMinimum ? value > minimum : value >= minimum) && value <= maximum
    }

    /// Whether the integer `value` is allowed (compared exactly, not through a rounded Double; every
    /// bound but the seed's maximum is a whole number well inside Int64).
    public func allows(_ value: Int64) -> Bool {
        let low = Int64(minimum)
        guard excludesMinimum ? value > low : value >= low else { return false }
        return maximum >= 9.2e18 || value <= Int64(maximum)
    }

    /// Whether this limit caps the document itself (its rows read "at most …").
    var isCap: Bool { self == .documentBytes || self == .nestingDepth || self == .nodes }

    /// The range in words: `from 1 to 65536`, `from 1ms to 100 years`, `greater than 0 and at most 100`.
    public var rangeText: String {
        let low = Self.format(minimum, unit), high = Self.format(maximum, unit)
        if isCap { return "at most \(high)" }
        return excludesMinimum ? "greater than \(low) and at most \(high)" : "from \(low) to \(high)"
    }

    /// What a valid value is: `an integer from 1 to 65536`, `a duration from 0 to 100 years (such as …)`.
    public var expectation: String {
        switch unit {
        case .integer: "an integer \(rangeText)"
        case .number: "a number \(rangeText)"
        case .seconds: "a number of seconds \(rangeText)"
        case .milliseconds: "a duration \(rangeText) (such as 500ms, 10s, 5m, 1h)"
        case .bytes: "a size \(rangeText) (such as 512KB, 64MB, 2GB, or a number of bytes)"
        }
    }

    /// The message for a value out of range or unreadable: `batch_size must be an integer from 1 to 65536, got '0'`.
    public func message(got: String, name: String? = nil) -> String {
        "\(name ?? self.name) must be \(expectation), got \(got)"
    }

    /// `text` read as this limit's unit and checked against its range; nil when unreadable or out of range.
    /// Integers accept the manifest's syntax (`1_000`, `0x10`); durations and sizes their suffixes.
    public func value(_ text: String) -> Double? {
        switch unit {
        case .integer:
            if self == .seed { return NumberSyntax.unsigned(text).map { Double($0) } }
            guard let integer = NumberSyntax.integer(text), allows(integer) else { return nil }
            return Double(integer)
        case .number, .seconds:
            guard let number = NumberSyntax.double(text), allows(number) else { return nil }
            return number
        case .milliseconds:
            guard let ms = DurationSyntax.milliseconds(text), allows(ms) else { return nil }
            return Double(ms)
        case .bytes:
            guard let bytes = ByteSizeSyntax.bytes(text), allows(Int64(bytes)) else { return nil }
            return Double(bytes)
        }
    }

    /// `text` as an integer within the range (integers, durations and sizes); nil otherwise.
    public func integer(_ text: String) -> Int64? {
        switch unit {
        case .integer:
            guard let integer = NumberSyntax.integer(text), allows(integer) else { return nil }
            return integer
        case .milliseconds:
            guard let ms = DurationSyntax.milliseconds(text), allows(ms) else { return nil }
            return ms
        case .bytes:
            guard let bytes = ByteSizeSyntax.bytes(text), allows(Int64(bytes)) else { return nil }
            return Int64(bytes)
        case .number, .seconds:
            return nil
        }
    }

    /// `text` as a whole number from 0 to 2⁶⁴ − 1 within the range (the seed); nil otherwise.
    public func unsigned(_ text: String) -> UInt64? {
        guard let value = NumberSyntax.unsigned(text), allows(Double(value)) || maximum >= Double(UInt64.max) else { return nil }
        return value
    }

    /// A duration as a manifest writes it, in its largest exact unit: `10s`, `1500ms`, `1h`, `0`.
    public static func durationText(_ milliseconds: Int64) -> String {
        format(Double(milliseconds), .milliseconds)
    }

    /// A bound as the user would write it: `65536`, `1_000_000_000`, `0.001`, `100 years`, `1TB`.
    static func format(_ value: Double, _ unit: Unit) -> String {
        switch unit {
        case .milliseconds:
            let ms = Int64(value)
            if ms == DurationSyntax.maximum { return "100 years" }
            if ms == 0 { return "0" }
            for (suffix, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where ms % size == 0 {
                return "\(ms / size)\(suffix)"
            }
            return "\(ms)ms"
        case .bytes:
            let bytes = Int64(value)
            for (suffix, size) in [("TB", Int64(1) << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)] where bytes >= size && bytes % size == 0
            {
                return "\(bytes / size)\(suffix)"
            }
            return bytes == 1 ? "1 byte" : "\(bytes) bytes"
        case .integer, .number, .seconds:
            if value >= Double(UInt64.max) { return String(UInt64.max) }
            guard value == value.rounded(), abs(value) < 9e18 else { return String(value) }
            let digits = String(Int64(value).magnitude)
            let sign = value < 0 ? "-" : ""
            guard digits.count > 6 else { return sign + digits }
            var grouped = ""
            for (i, digit) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { grouped += "_" }
                grouped.append(digit)
            }
            return sign + grouped
        }
    }
}
