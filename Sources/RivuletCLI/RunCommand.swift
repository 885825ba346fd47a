// RunCommand: `rivulet run`: plans and runs a manifest, with a live progress line and a summary.
import ArgumentParser
import Foundation
import RivuletManifest
import RivuletPrometheus
import RivuletRuntime

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a topology until its sources end.",
        discussion:
            "Exit status: 0 all records processed; 3 completed with dead-lettered records; 4 completed but every record was dead-lettered (nothing reached a sink); 5 plugin code crashed (one line names it); 1 the run failed; 2 the manifest or a plugin is invalid; 130/143 stopped by SIGINT/SIGTERM (the first one stops gracefully: everything read is processed and written; a second one stops at once). With checkpoints (docs/CHECKPOINTS.md), the first signal takes a savepoint and exits 0 naming it; resume it with --from-checkpoint."
    )

    @OptionGroup var options: ManifestOptions

    @Flag(help: "Print neither the progress line nor the summary.")
    var quiet = false

    @Option(
        parsing: .unconditional,
        help: Limit.metricsPort.help("Serve Prometheus metrics at http://127.0.0.1:<port>/metrics while running (0: any free port)"),
        transform: Limit.metricsPort.option)
    var metricsPort: Int?

    @Option(
        name: .customLong("progress-interval"), parsing: .unconditional,
        help: Limit.interval.help("Seconds between updates of the progress line (shown on a terminal only)"), transform: Limit.interval.numberOption)
    var progressInterval: Double = 0.5

    @Option(help: "Resume from this checkpoint folder (chk-N) instead of the newest complete one in the manifest's checkpoint dir.")
    var fromCheckpoint: String?

    @Flag(help: "Restore a checkpoint even if it holds state of nodes the manifest no longer has (that state is dropped).")
    var allowNonRestoredState = false

    func run() throws {
        let signals = StopSignals()
        defer { signals.uninstall() }
        let plan = try options.plan { run, _ in
            if let fromCheckpoint { run.resume = .checkpoint(path: fromCheckpoint) }
            run.allowNonRestoredState = allowNonRestoredState
        }
        if fromCheckpoint != nil && !plan.manifest.resumesFromLocalCheckpoints {
            printError(
                "rivulet: warning: --from-checkpoint is ignored: this Kafka application resumes from its changelog topics and its "
                    + "consumer groups' offsets, never from local checkpoints (docs/KAFKA.md)")
        }
        if let restored = plan.restored {
            printError(
                "rivulet: resuming from checkpoint \(restored.id) (\(restored.path)): \(restored.sources) source positions, "
                    + "\(restored.operators) operators with state, \(restored.keyedEntries) keyed entries, \(restored.bytes) bytes"
                    + (restored.final ? "; that checkpoint is the run's final one: its output is complete" : ""))
        }
        var server: MetricsHTTPServer?
        if let metricsPort {
            let publisher = PlanMetricsPublisher(snapshot: { plan.metricsSnapshot() })
            do { server = try MetricsHTTPServer(port: metricsPort, body: publisher.exposition) } catch {
                printError("rivulet: --metrics-port: \(error)")
                throw ExitCode(ExitStatus.invalid)
            }
            printError("rivulet: metrics at http://127.0.0.1:\(server!.port)/metrics")
        }
        defer { server?.stop() }
        // On a terminal only, and not when records go to the same terminal (they would interleave).
        let writesStdoutToTerminal = isatty(1) != 0 && plan.writesToStdout
        let showProgress = !quiet && isatty(2) != 0 && !writesStdoutToTerminal
        signals.attach(plan)
        let summary: RunSummary
        do {
            summary = try plan.run(
                progressInterval: progressInterval,
                progress: showProgress
                    ? { p in
                        let rate = p.elapsed > 0 ? Double(p.recordsIn) / p.elapsed : 0
                        var line = String(format: "\r%6.1fs  in: %lld  out: %lld  %.0f records/s", p.elapsed, p.recordsIn, p.recordsOut, rate)
                        if let f = p.inputFraction {
                            line += String(format: "  %3.0f%%", f * 100)
                            if let left = p.secondsLeft, f < 1 { line += String(format: "  ETA %.0fs", left.rounded(.up)) }
                        }
                        if let id = p.lastCheckpointID, let age = p.lastCheckpointAge {
                            line += String(format: "  chk %llu (%.1fs ago)", id, age)
                        }
                        // Erase the rest of the previous line (ESC [K).
                        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
                    } : nil)
        } catch {
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            printError("rivulet: run failed: \(error)")
            if let signo = signals.first { throw ExitCode(ExitStatus.signalled(signo)) }
            throw ExitCode(ExitStatus.failed)
        }
        // The summary replaces the progress line.
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if !quiet { printError(summary.text) }
        if let signo = signals.first, let savepoint = summary.savepoint, !plan.manifest.resumesFromLocalCheckpoints {
            printError(
                "rivulet: stopped by \(StopSignals.name(signo)) with savepoint \(savepoint.id): its output, changelogs and offsets are "
                    + "committed; run it again to continue (a Kafka application resumes from its changelog topics and its consumer "
                    + "groups' offsets, not from local checkpoints)")
            return
        }
        if let signo = signals.first, let savepoint = summary.savepoint {
            printError(
                "rivulet: stopped by \(StopSignals.name(signo)) with savepoint \(savepoint.id): \(savepoint.path) "
                    + "(output committed up to it; resume with: rivulet run \(options.manifest) --from-checkpoint \(savepoint.path))")
            return
        }
        if let signo = signals.first {
            printError("rivulet: stopped by \(StopSignals.name(signo)): every record read was processed and written")
            throw ExitCode(ExitStatus.signalled(signo))
        }
        if summary.deadLetters > 0 && summary.recordsOut == 0 && summary.deadLetters >= summary.recordsIn {
            printError(
                "rivulet: warning: every record was dead-lettered (\(summary.deadLetters)): nothing reached a sink. Does the input match "
                    + "the manifest (format, header, schema, time field)? The reasons are in \(summary.deadLetterDestination).")
            throw ExitCode(ExitStatus.allDeadLettered)
        }
        if summary.deadLetters > 0 { throw ExitCode(ExitStatus.deadLetters) }
    }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a manifest and its plugins without running anything (nothing is written: no output, no store, no changelog).")

    @OptionGroup var options: ManifestOptions

    func run() throws {
        let signals = StopSignals()
        defer { signals.uninstall() }
        let plan = try options.plan { run, _ in run.openStores = false }
        print("\(options.manifest): ok (\(plan.nodes.count) nodes, \(plan.tasks.count) tasks, \(plan.rings.count) rings)")
        plan.close()
    }
}

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show how a manifest is planned: tasks, fused chains, rings, ports and schemas.")

    enum Format: String, ExpressibleByArgument { case text, dot }

    @OptionGroup var options: ManifestOptions

    @Option(help: "text (for people) or dot (Graphviz).")
    var format: Format = .text

    func run() throws {
        let signals = StopSignals()
        defer { signals.uninstall() }
        let plan = try options.plan { run, _ in run.openStores = false }
        print(format == .dot ? plan.describeDot() : plan.describeText(), terminator: "")
        plan.close()
    }
}
