// BenchCommand: `rivulet bench`: a topology's throughput and latency, the ring against a C SPSC queue, a pipeline.
import ArgumentParser
import CSPSCBaseline
import Foundation
import RivuletBench
import RivuletCore
import RivuletManifest
import RivuletRuntime

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure throughput; every figure is a median of several runs.",
        subcommands: [Topology.self, Ring.self, Pipeline.self], defaultSubcommand: Topology.self)

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    struct Topology: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "topology",
            abstract: "Run a manifest (or generators in place of its sources) and report throughput per operator and ring, latency, CPU and memory.",
            discussion: """
                `rivulet bench <manifest>` is this command. Rates exclude the warm-up. Latency is measured for paced generated \
                records (--events and --rate): from each record's due time to the sink that receives it. With checkpoints on \
                (--set checkpoint.interval=1s --set checkpoint.dir=DIR) every run starts fresh (it never resumes from DIR) \
                and the report shows their count, duration, size and alignment time.
                """)

        @OptionGroup var options: ManifestOptions
        @Option(
            parsing: .unconditional, help: Limit.events.help("Replace every source with a generator of its shape producing this many records"),
            transform: Limit.events.option)
        var events: Int?
        @Option(parsing: .unconditional, help: Limit.keys.help("Distinct keys of generated records"), transform: Limit.keys.option)
        var keys: Int = 1000
        @Option(
            parsing: .unconditional, help: Limit.rate.help("Pace each generator at this many records/s (measures latency)"),
            transform: Limit.rate.numberOption)
        var rate: Double?
        @Option(parsing: .unconditional, help: Limit.seed.help("Seed of the generated records"), transform: Limit.seed.unsignedOption)
        var seed: UInt64 = 42
        @Option(
            parsing: .unconditional, help: Limit.warmup.help("Seconds excluded from the measurement at the start"),
            transform: Limit.warmup.numberOption)
        var warmup: Double = 1.0
        @Option(parsing: .unconditional, help: Limit.interval.help("Seconds between samples of the counters"), transform: Limit.interval.numberOption)
        var interval: Double = 0.1
        @Option(parsing: .unconditional, help: Limit.runs.help("Runs (the median run by throughput is reported)"), transform: Limit.runs.option)
        var runs: Int = 1
        @Flag(help: "Discard records at the sinks instead of writing them.") var nullSinks = false
        @Flag(help: "Print the report as JSON instead of a table.") var json = false
        @Option(help: "Also write a self-contained HTML report (charts as inline SVG) to this file.") var report: String?

        func validate() throws {
            // Each value's own range is checked as it is read (Limit); this is the one rule across options.
            if rate != nil && events == nil { throw ValidationError("--rate paces generated records: give --events too") }
        }

        func run() throws {
            var reports: [BenchReport] = []
            for _ in 0..<runs {
                let latency = rate != nil ? LatencyRecorder(warmupNanoseconds: UInt64(warmup * 1e9)) : nil
                let plan = try options.plan { runOptions, manifest in
                    if let events { runOptions.generatorOverride = GeneratorOverride(events: events, keys: keys, rate: rate, seed: seed) }
                    runOptions.latency = latency
                    // Every run is measured from the start: a checkpointed manifest does not resume from the
                    // checkpoint folder (a previous run's final checkpoint would leave nothing to do).
                    runOptions.resume = .fresh
                    if nullSinks { for i in manifest.sinks.indices { manifest.sinks[i].kind = .null } }
                }
                let settings = BenchReport.Settings(
                    manifest: options.manifest, events: events, keys: events == nil ? nil : keys, rate: rate, warmupSeconds: warmup,
                    intervalSeconds: interval, batchSize: options.batchSize, ringCapacity: options.ringCapacity, nullSinks: nullSinks)
                do {
                    reports.append(try BenchRunner(settings: settings).run(plan, latency: latency))
                } catch {
                    printError("rivulet: run failed: \(error)")
                    throw ExitCode(ExitStatus.failed)
                }
                if !json && runs > 1 { printError(String(format: "run %d: %@", reports.count, BenchReport.rate(reports.last!.recordsInPerSecond))) }
            }
            var chosen = reports.sorted { $0.recordsInPerSecond < $1.recordsInPerSecond }[reports.count / 2]
            chosen.runs = reports.map(\.recordsInPerSecond)
            if let report {
                do { try Data(chosen.html.utf8).write(to: URL(fileURLWithPath: report)) } catch {
                    printError("rivulet: cannot write \(report): \(error)")
                    throw ExitCode(ExitStatus.failed)
                }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(chosen), as: UTF8.self))
            } else {
                print(chosen.text)
                if let report { print("report written to \(report)") }
            }
        }
    }

    struct Ring: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Move Int64 values between two threads through the Swift SPSCRing and through a C SPSC queue with cached indices, alternating, in the same run."
        )

        @Option(parsing: .unconditional, help: Limit.ringCount.help("Values per run"), transform: Limit.ringCount.option)
        var count: Int = 50_000_000
        @Option(parsing: .unconditional, help: Limit.runs.help("Runs of each (median reported)"), transform: Limit.runs.option)
        var runs: Int = 5
        @Option(
            parsing: .unconditional, help: Limit.ringBenchCapacity.help("Ring capacity, a power of two"),
            transform: Limit.ringBenchCapacity.option)
        var capacity: Int = 4096

        func validate() throws {
            // The C baseline indexes its slots with a mask: it is only correct for a power of two.
            guard capacity & (capacity - 1) == 0 else {
                throw ValidationError("--capacity must be a power of two (1, 2, 4, … 1048576), got \(capacity)")
            }
        }

        func run() throws {
            var swift: [Double] = []
            var c: [Double] = []
            for _ in 0..<runs {
                var t = Clock.monotonicNanoseconds()
                let sum = SwiftRingTransfer.run(capacity: capacity, count: count)
                swift.append(Double(count) / (Double(Clock.monotonicNanoseconds() - t) / 1e9))
                t = Clock.monotonicNanoseconds()
                let cSum = spsc_baseline_transfer(UInt64(capacity), Int64(count))
                c.append(Double(count) / (Double(Clock.monotonicNanoseconds() - t) / 1e9))
                precondition(sum == Int(cSum), "checksums differ")
            }
            let s = BenchCommand.median(swift), b = BenchCommand.median(c)
            print(String(format: "ring (Swift SPSCRing):  %7.1f M values/s (median of %d)", s / 1e6, runs))
            print(String(format: "C SPSC queue baseline:  %7.1f M values/s (median of %d)", b / 1e6, runs))
            print(String(format: "ratio Swift / C:        %7.2f", s / b))
        }
    }

    struct Pipeline: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a manifest several times and report the median records/s.")

        @OptionGroup var options: ManifestOptions
        @Option(parsing: .unconditional, help: Limit.runs.help("Runs (median reported)"), transform: Limit.runs.option)
        var runs: Int = 5
        @Flag(help: "Also run the same work as a plain C loop (Benchmarks/pipeline.yaml's work) and report the ratio.")
        var baseline = false

        func run() throws {
            var rates: [Double] = []
            var cpu: [Double] = []
            var cRates: [Double] = []
            var events = 0
            for _ in 0..<runs {
                let plan = try options.plan()
                let summary = try plan.run()
                rates.append(summary.recordsPerSecond)
                cpu.append(summary.cpuSeconds / summary.elapsedSeconds)
                events = Int(summary.recordsIn)
                if baseline {
                    let t = Clock.monotonicNanoseconds()
                    _ = pipeline_baseline(Int64(events), 1000, 42)
                    cRates.append(Double(events) / (Double(Clock.monotonicNanoseconds() - t) / 1e9))
                }
            }
            let rate = BenchCommand.median(rates)
            print(
                String(
                    format: "%@: %.1f M records/s (median of %d runs, %.2f cores busy)", options.manifest,
                    rate / 1e6, runs, BenchCommand.median(cpu)))
            if baseline {
                let c = BenchCommand.median(cRates)
                print(String(format: "plain C loop, same work: %.1f M records/s; ratio rivulet / C: %.2f", c / 1e6, rate / c))
            }
        }
    }
}
