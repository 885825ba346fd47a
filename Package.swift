// swift-tools-version:6.1
// Rivulet: a stream-processing runtime with C/Swift operator plugins, manifests, windows, state and rings.
import PackageDescription

/// The stable C ABI (include/rivulet.h, a link to RivuletPluginKit/Sources/CRivulet/include/rivulet.h), from the SDK package.
let cRivulet: Target.Dependency = .product(name: "CRivulet", package: "RivuletPluginKit")

/// The commit being built, for `rivulet --version` (read when the package manifest is loaded; "unknown"
/// outside a git checkout, "+modified" with uncommitted changes).
let gitCommit = Context.gitInformation.map { $0.currentCommit + ($0.hasUncommittedChanges ? "+modified" : "") } ?? "unknown"

let package = Package(
    name: "Rivulet",
    products: [
        .executable(name: "rivulet", targets: ["RivuletCLI"]),
        .library(name: "RivuletRuntime", targets: ["RivuletRuntime"]),
        // The plugins that ship. `swift build` puts them beside the `rivulet` binary, where manifests
        // find them by library name. (Third parties build C plugins with plain cc: see plugins/Makefile.)
        .library(name: "rv_std_c", type: .dynamic, targets: ["RivuletStdC"]),
        .library(name: "rv_std_swift", type: .dynamic, targets: ["RivuletStdSwift"]),
    ],
    dependencies: [
        // The plugin SDK: rivulet.h (CRivulet) and the Swift SDK (RivuletPluginKit), a package of its own with
        // no dependencies, so that a plugin depending on it resolves nothing else (docs/SWIFT-SDK.md).
        .package(path: "RivuletPluginKit"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The benchmark suite (Benchmarks/RivuletBenchmarks): malloc counts through the interposer.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Host-internal C helpers for the hottest record loops (not part of the plugin ABI).
        .target(name: "CRivuletHost", dependencies: [cRivulet], cSettings: [.define("RIVULET_GIT_COMMIT", to: gitCommit)]),
        .systemLibrary(name: "CFFI", pkgConfig: "libffi", providers: [.apt(["libffi-dev"])]),
        // A C SPSC queue: the baseline the Swift ring buffer is measured against.
        .target(name: "CSPSCBaseline"),
        .target(
            name: "RivuletCore",
            dependencies: [cRivulet, "CRivuletHost", .product(name: "Atomics", package: "swift-atomics")]),
        // The execution layer: operators and their output ports, the edges between them (fused, ring,
        // partitioned), the exclusive-batch rule, input gates with their watermark valve, and the task loop.
        .target(
            name: "RivuletExecution",
            dependencies: [cRivulet, "RivuletCore", "RivuletHashing", "RivuletSnapshot", .product(name: "Atomics", package: "swift-atomics")]),
        // Checkpoint state bytes: the writer and reader every snapshot uses, and an operator's snapshot
        // file with its keyed entries by key group (so state restores into another parallelism).
        .target(name: "RivuletSnapshot", dependencies: ["RivuletHashing"]),
        // The one 64-bit FNV-1a (key partitioning, the memory store's slots, the window key table). No
        // dependencies: the state layer hashes keys without taking in the record model.
        .target(name: "RivuletHashing"),
        // The manifest model and its checks. It speaks the engine's schema vocabulary (RivuletCore's FieldType);
        // no engine module depends on it: the planner (RivuletRuntime) translates its specs into operators.
        .target(name: "RivuletManifest", dependencies: ["Yams", "RivuletCore"]),
        // The expression language (filter, map) and its host operators.
        .target(name: "RivuletExpressions", dependencies: [cRivulet, "RivuletCore", "RivuletExecution", "RivuletHashing"]),
        .target(
            name: "RivuletPlugins",
            dependencies: [cRivulet, "CFFI", "CRivuletHost", "RivuletCore", "RivuletExecution", "RivuletState", "RivuletSnapshot", "RivuletHashing"]),
        .systemLibrary(name: "CRocksDB", path: "Sources/CRocksDB", pkgConfig: "rocksdb", providers: [.apt(["librocksdb-dev"])]),
        // State stores: memory (byte budget), RocksDB (a database per task, a column family per store),
        // changelogs to rebuild them.
        .target(name: "RivuletState", dependencies: ["CRocksDB", "RivuletHashing", "RivuletSnapshot"]),
        // hiredis, and OpenSSL for TLS connections to Redis (Debian 12's hiredis 0.14 has no TLS of its own).
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev", "libssl-dev"])]),
        // Kafka through Debian's librdkafka (with its mock cluster).
        .systemLibrary(name: "CRdKafka", path: "Sources/CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        // Kafka: producer, consumer group member, mock cluster (docs/KAFKA.md).
        .target(
            name: "RivuletKafka",
            dependencies: ["CRdKafka", cRivulet, "RivuletCore", "RivuletExecution", "RivuletSnapshot", "RivuletHashing", "RivuletState"]),
        // External lookups (Redis through hiredis) with a local LRU + TTL cache.
        .target(name: "RivuletLookup", dependencies: ["CHiredis", cRivulet, "RivuletCore", "RivuletExecution"]),
        // Host joins: stream–table, table–table, windowed stream–stream, in event-time order.
        .target(
            name: "RivuletJoins",
            dependencies: [
                cRivulet, "RivuletCore", "RivuletExecution", "RivuletState", "RivuletSnapshot", "RivuletHashing",
                .product(name: "HeapModule", package: "swift-collections"),
            ]),
        // Host-driven event-time windows and their aggregates.
        .target(
            name: "RivuletWindows",
            dependencies: [
                cRivulet, "RivuletCore", "RivuletExecution", "RivuletHashing", "RivuletSnapshot",
                .product(name: "Histogram", package: "hdrhistogram-swift"), .product(name: "HeapModule", package: "swift-collections"),
            ]),
        .target(
            name: "RivuletRuntime",
            dependencies: [
                cRivulet, "RivuletCore", "RivuletExecution", "RivuletManifest", "RivuletPlugins", "RivuletWindows", "RivuletState", "RivuletJoins",
                "RivuletExpressions",
                "RivuletLookup", "RivuletHashing", "RivuletSnapshot", "RivuletKafka",
                .product(name: "Histogram", package: "hdrhistogram-swift"), .product(name: "Atomics", package: "swift-atomics"),
            ]),
        // `rivulet bench`: runs a plan while sampling its counters; reports as text, JSON and HTML. Also the Swift
        // side of `rivulet bench ring` (SwiftRingTransfer), shared with the benchmark suite.
        .target(name: "RivuletBench", dependencies: ["RivuletRuntime", "RivuletCore", .product(name: "Histogram", package: "hdrhistogram-swift")]),
        // `rivulet run --metrics-port`: the plan's counters as swift-prometheus metrics (with help), served on loopback.
        .target(
            name: "RivuletPrometheus",
            dependencies: [
                "RivuletRuntime", "RivuletCore", .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(
            name: "RivuletCLI",
            dependencies: [
                "RivuletRuntime", "RivuletManifest", "RivuletPlugins", "RivuletCore", "CSPSCBaseline", "RivuletBench", "RivuletPrometheus",
                "RivuletKafka", "CRivuletHost", cRivulet, .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Shipped plugins.
        .target(name: "RivuletStdC", dependencies: [cRivulet], path: "plugins/c/rv_std_c"),
        .target(
            name: "RivuletStdSwift", dependencies: [.product(name: "RivuletPluginKit", package: "RivuletPluginKit")],
            path: "plugins/swift/rv_std_swift"),
        // `swift package benchmark`: throughput, ratios to C baselines and mallocs per batch, with thresholds.
        .executableTarget(
            name: "RivuletBenchmarks",
            dependencies: [
                "RivuletRuntime", "RivuletManifest", "RivuletCore", "RivuletState", "RivuletBench", "CSPSCBaseline",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RivuletBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // Tests.
        .target(
            name: "RivuletTestSupport",
            dependencies: ["RivuletCore", "RivuletExecution", "RivuletPlugins", "RivuletManifest", "RivuletRuntime", "RivuletKafka"],
            path: "Tests/RivuletTestSupport"),
        .testTarget(
            name: "RivuletCoreTests",
            dependencies: [
                cRivulet, "RivuletCore", "RivuletTestSupport", "CSPSCBaseline",
                .product(name: "RivuletPluginKit", package: "RivuletPluginKit"),
            ]),
        .testTarget(name: "RivuletManifestTests", dependencies: ["RivuletManifest"]),
        .testTarget(name: "RivuletExpressionsTests", dependencies: [cRivulet, "RivuletExpressions", "RivuletCore"]),
        .testTarget(
            name: "RivuletBenchTests",
            dependencies: [
                "RivuletBench", "RivuletPrometheus", "RivuletRuntime", "RivuletTestSupport", "RivuletCore", "RivuletManifest",
                "RivuletExecution",
            ]),
        .testTarget(name: "RivuletPluginsTests", dependencies: [cRivulet, "RivuletPlugins", "RivuletTestSupport"]),
        // Nothing lost, nothing crashes: the `rivulet` binary and the manifest loader fed out-of-range numbers,
        // hostile YAML, odd plugin files and fuzzed manifests.
        .testTarget(name: "RivuletRobustnessTests", dependencies: ["RivuletManifest", "RivuletTestSupport"]),
        // `rivulet kafka mock|produce|consume` against the mock cluster, and RivuletKafka's reader.
        .testTarget(name: "RivuletKafkaTests", dependencies: ["RivuletKafka", "RivuletTestSupport", "RivuletHashing"]),
        .testTarget(
            name: "RivuletRuntimeTests",
            dependencies: [
                "RivuletRuntime", "RivuletTestSupport", "RivuletManifest", "RivuletPlugins", "RivuletWindows", "RivuletCore", "RivuletExecution",
                cRivulet, "RivuletState", "RivuletJoins", "RivuletLookup", "RivuletSnapshot", "RivuletHashing",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]),
    ]
)
