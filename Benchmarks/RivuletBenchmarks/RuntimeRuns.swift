// RuntimeRuns: loads or writes benchmark manifests, plans them with the release plugins, and runs them.
import Benchmark
import RivuletManifest
import RivuletRuntime

/// Planning and running manifests for the runtime benchmarks. A plan runs once, so every iteration plans
/// anew (outside the measured region) and measures only `run()`: 1,000 batches of 1,024 records.
enum RuntimeRuns {
    static let recordsPerBatch = 1024
    static let batchesPerIteration = 1000
    static var recordsPerIteration: Int { recordsPerBatch * batchesPerIteration }

    static var options: RunOptions {
        RunOptions(batchSize: recordsPerBatch, ringCapacity: 64, pluginSearchPaths: PackagePaths.pluginSearchPaths)
    }

    /// Loads `Benchmarks/<file>` with `--set` style overrides.
    static func load(_ file: String, overrides: [String] = []) throws -> Manifest {
        try Manifest.load(path: PackagePaths.benchmarksFolder + "/" + file, overrides: overrides)
    }

    /// The baseline of the runtime benchmarks: a generator of `records` records (1,000 keys, seed 42,
    /// batches of 1,024) straight into a null sink — what reading alone costs.
    static func generatorOnly(records: Int) throws -> Manifest {
        try Manifest.parse(
            yaml: """
                name: generator-only
                sources:
                  gen: { type: generator, count: \(records), keys: 1000, seed: 42, batch_size: \(recordsPerBatch) }
                sinks:
                  out: { type: "null" }
                edges: [gen -> out]
                """, file: PackagePaths.benchmarksFolder + "/generator-only.yaml")
    }

    /// Plans and runs `manifest` unmeasured; returns its summary and its records in with their time.
    static func run(_ manifest: Manifest) throws -> (summary: RunSummary, throughput: Throughput) {
        let plan = try Planner(manifest: manifest, options: options).plan()
        let stopwatch = Stopwatch()
        let summary = try plan.run()
        return (summary, Throughput(count: Int(summary.recordsIn), seconds: stopwatch.elapsedSeconds))
    }

    /// Runs the generator-only baseline twice on `records / 2` records: once before and once after the
    /// measured region of an iteration (`around`), so a machine that speeds up or slows down during the
    /// iteration affects the baseline and the measured run alike. Returns the baseline's throughput and
    /// what `around` returned.
    static func generatorOnlyAround<Result>(records: Int, _ around: () throws -> Result) throws -> (Throughput, Result) {
        let half = try generatorOnly(records: records / 2)
        var baseline = Throughput()
        try baseline.time { Int(try run(half).summary.recordsIn) }
        let result = try around()
        try baseline.time { Int(try run(half).summary.recordsIn) }
        return (baseline, result)
    }

    /// Plans `manifest`, then runs it as the benchmark's measured region (planning and tearing the plan
    /// down are not measured); returns its summary and records in per second (`counting` records; all of
    /// them when nil).
    static func measuredRun(_ manifest: Manifest, counting records: Int? = nil, in benchmark: Benchmark) throws
        -> (summary: RunSummary, recordsPerSecond: Int)
    {
        let plan = try Planner(manifest: manifest, options: options).plan()
        benchmark.startMeasurement()
        let stopwatch = Stopwatch()
        let summary = try plan.run()
        let rate = stopwatch.perSecond(records ?? Int(summary.recordsIn))
        benchmark.stopMeasurement()
        return (summary, rate)
    }

    /// Runs `body`, reporting a thrown error as the benchmark's failure.
    static func reportingFailure(_ benchmark: Benchmark, _ body: () throws -> Void) {
        do { try body() } catch { benchmark.error("\(error)") }
    }
}
