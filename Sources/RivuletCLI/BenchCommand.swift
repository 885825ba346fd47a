// BenchCommand: `rivulet bench`: the ring buffer against a C SPSC queue, and a pipeline's throughput.
import ArgumentParser
import CSPSCBaseline
import Foundation
import RivuletCore
import RivuletRuntime

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure throughput; every figure is a median of several runs.",
        subcommands: [Ring.self, Pipeline.self])

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    struct Ring: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move Int64 values between two threads through the Swift SPSCRing and through a C SPSC queue with cached indices, alternating, in the same run.")

        @Option(help: "Values per run.") var count = 50_000_000
        @Option(help: "Runs of each (median reported).") var runs = 5
        @Option(help: "Ring capacity (a power of two).") var capacity = 4096

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
        @Option(help: "Runs (median reported).") var runs = 5
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
            print(String(format: "%@: %.1f M records/s (median of %d runs, %.2f cores busy)", options.manifest,
                         rate / 1e6, runs, BenchCommand.median(cpu)))
            if baseline {
                let c = BenchCommand.median(cRates)
                print(String(format: "plain C loop, same work: %.1f M records/s; ratio rivulet / C: %.2f", c / 1e6, rate / c))
            }
        }
    }
}

/// The Swift side of the ring benchmark: the same work as spsc_baseline_transfer.
enum SwiftRingTransfer {
    static func run(capacity: Int, count: Int) -> Int {
        let ring = SPSCRing<Int>(capacity: capacity)
        let producer = Thread {
            produce(ring, count)
        }
        producer.start()
        return consume(ring, count)
    }

    @inline(never)
    static func produce(_ ring: SPSCRing<Int>, _ count: Int) {
        var i = 0
        while i < count {
            if ring.push(i) { i += 1 } else { sched_yield() }
        }
    }

    @inline(never)
    static func consume(_ ring: SPSCRing<Int>, _ count: Int) -> Int {
        var sum = 0
        var received = 0
        while received < count {
            if let v = ring.pop() {
                sum &+= v
                received += 1
            } else {
                sched_yield()
            }
        }
        return sum
    }
}
