// Rivulet: the `rivulet` command: run, validate and describe manifests; plugins; checkpoints; bench; Kafka mock, produce and consume.
import ArgumentParser
import Foundation
import RivuletPlugins

@main
struct Rivulet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rivulet",
        abstract: "A stream-processing runtime: operator plugins in C or Swift, wired by a manifest.",
        version: BuildInfo.text,
        subcommands: [
            RunCommand.self, ValidateCommand.self, DescribeCommand.self, PluginsCommand.self, CheckpointsCommand.self, BenchCommand.self,
            KafkaCommand.self,
        ])

    /// ArgumentParser's main, except that a command line it refuses (an unknown option, a value out of
    /// range) exits 2 — "invalid, nothing ran" — like an invalid manifest, instead of 64.
    static func main() {
        // A plugin that crashes says so in one line (docs/ABI.md, "Crashes"); RIVULET_PLUGIN_BACKTRACE=1
        // hands the signal on to the Swift runtime's backtrace instead.
        CrashScope.installGuard(
            status: ExitStatus.pluginCrashed, chain: ProcessInfo.processInfo.environment["RIVULET_PLUGIN_BACKTRACE"] == "1")
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(ExitStatus.invalid)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes of `rivulet run` and `validate`.
enum ExitStatus {
    /// Every record went through.
    static let ok: Int32 = 0
    /// The run failed (a plugin returned RV_FATAL, a sink could not write…).
    static let failed: Int32 = 1
    /// The manifest, a plugin or the command line is invalid; nothing ran.
    static let invalid: Int32 = 2
    /// The run completed, but some records were dead-lettered.
    static let deadLetters: Int32 = 3
    /// Plugin code crashed (SIGSEGV, SIGBUS, SIGFPE, SIGILL, abort): one line named it.
    static let pluginCrashed: Int32 = 5
    /// The run completed, but nothing reached a sink: every record was dead-lettered (the input does not
    /// match the manifest, most likely).
    static let allDeadLettered: Int32 = 4
    /// Stopped by a signal (SIGINT 130, SIGTERM 143), as shells report it.
    static func signalled(_ signo: Int32) -> Int32 { 128 + signo }
}
