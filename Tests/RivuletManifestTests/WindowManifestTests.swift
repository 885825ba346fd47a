// WindowManifestTests: `time:` of sources, window operators and aggregates, durations: values and errors.
import Testing

@testable import RivuletManifest

@Suite struct WindowManifestTests {
    func errors(_ yaml: String) -> [String] { ManifestCheck.errors(yaml) }

    /// A topology: source `s` with `time`, window operator `w` with the given body lines.
    func manifest(time: String = "{ type: event, field: ts, max_out_of_order: 2s }", _ window: String) -> String {
        """
        sources:
          s:
            type: stdin
            format: csv
            schema: { ts: i64, k: string, v: i64 }
            time: \(time)
        operators:
          w:
        \(window.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        sinks:
          out: { type: stdout }
        edges: [s -> w, w.out -> out]
        """
    }

    @Test func aWindowOperatorAndItsSourceTime() throws {
        let m = try ManifestCheck.parse(
            manifest(
                """
                window: hopping
                size: 5m
                advance: 1m
                grace: 1.5s
                emit: update
                key_by: k
                chain: false
                aggregates:
                  n: count()
                  p: percentile(v, 99.9)
                  top: "top(k, v, 3)"

                """))
        #expect(
            m.sources[0].time
                == TimeSpec(
                    kind: .event(field: "ts", format: .epochMilliseconds), maxOutOfOrder: 2000,
                    idleTimeout: nil, location: ManifestCheck.at(6, 11)))
        guard case .window(let w) = m.operators[0].kind else {
            Issue.record("not a window operator")
            return
        }
        #expect(w.kind == .hopping(size: 300_000, advance: 60_000))
        #expect(w.grace == 1500)
        #expect(w.emit == .update)
        #expect(w.keyBy == "k")
        #expect(w.aggregates.map(\.output) == ["n", "p", "top"])
        #expect(w.aggregates[1].arguments == [.field("v"), .double(99.9)])
        #expect(w.aggregates[2].arguments == [.field("k"), .field("v"), .integer(3)])
        #expect(m.operators[0].chain == false)
    }

    @Test func durations() {
        #expect(DurationSyntax.milliseconds("500ms") == 500)
        #expect(DurationSyntax.milliseconds("2s") == 2000)
        #expect(DurationSyntax.milliseconds("1.5s") == 1500)
        #expect(DurationSyntax.milliseconds("5m") == 300_000)
        #expect(DurationSyntax.milliseconds("1h") == 3_600_000)
        #expect(DurationSyntax.milliseconds("1d") == 86_400_000)
        #expect(DurationSyntax.milliseconds("250") == 250)
        #expect(DurationSyntax.milliseconds("1.0005s") == nil)
        #expect(DurationSyntax.milliseconds("-2s") == nil)
        #expect(DurationSyntax.milliseconds("2 weeks") == nil)
    }

    /// A duration needs a unit (only 0 goes without): `size: 60` is refused with both readings, in the
    /// file and through `--set` alike.
    @Test func aDurationWithoutAUnitIsRefused() {
        #expect(
            errors(manifest("window: tumbling\nsize: 60\naggregates: { n: count() }")) == [
                "10:11: size '60' has no unit: write 60s or 60ms (units: ms, s, m, h, d)"
            ])
        #expect(
            errors(manifest(time: "{ type: event, field: ts, max_out_of_order: 1_500 }", "window: tumbling\nsize: 1m\naggregates: { n: count() }"))
                == ["6:55: max_out_of_order '1_500' has no unit: write 1500s or 1500ms (units: ms, s, m, h, d)"])
        #expect(
            ManifestCheck.errors(manifest("window: tumbling\nsize: 1m\naggregates: { n: count() }"), ["operators.w.size=60"]).map {
                $0.split(separator: ": ", maxSplits: 1).last.map(String.init) ?? $0
            } == ["size '60' has no unit: write 60s or 60ms (units: ms, s, m, h, d)"])
        #expect(
            errors(
                manifest(time: "{ type: event, field: ts, max_out_of_order: 0 }", "window: tumbling\nsize: 60s\ngrace: 0\naggregates: { n: count() }")
            ) == [])
    }

    /// Inside a flow mapping, the comma of a function call no longer ends the value (README's own
    /// example): `percentile(v, 99)` and `top(k, v, 3)` keep their arguments; quoted text and a `;` of
    /// one's own are left as written.
    @Test func functionCallsWithCommasInsideAFlowMapping() throws {
        let m = try ManifestCheck.parse(
            manifest("window: tumbling\nsize: 1m\naggregates: { n: count(), p99: percentile(v, 99), best: top(k, v, 3), s: sum(v) }"))
        guard case .window(let w) = m.operators[0].kind else {
            Issue.record("not a window")
            return
        }
        #expect(w.aggregates.map(\.output) == ["n", "p99", "best", "s"])
        #expect(w.aggregates.map(\.function) == ["count", "percentile", "top", "sum"])
        #expect(w.aggregates.map(\.arguments.count) == [0, 2, 3, 1])
        #expect(w.aggregates[1].location.column == 36)
        let flowCommas = FlowCallCommas()
        var commas = flowCommas
        let text = "x: { a: \"f(1, 2)\", b: g(1, 2), c: [h(3, 4), 5], d: i(5;6) }  # k(1, 2)\ny: j(7, 8)\n"
        let protected = commas.protect(text)
        #expect(protected == "x: { a: \"f(1, 2)\", b: g(1; 2), c: [h(3; 4), 5], d: i(5;6) }  # k(1, 2)\ny: j(7, 8)\n")
        #expect(commas.restore("g(1; 2)", line: 1, column: 23) == "g(1, 2)")
        #expect(commas.restore("i(5;6)", line: 1, column: 51) == "i(5;6)")
        // Where a replaced comma comes back in no plain scalar (a block scalar after an open bracket, a
        // doubled quote), the text is read as written: nothing else changes.
        for yaml in ["s: |\n  if x {\n    f(a, b)\n  }\nt: { u: g(1, 2) }\n", "k: { a: 'x''(b, c)' }\n", "k: { f(a, b): 1 }\n"] {
            var composer = YAMLComposer(file: "t.yaml")
            let root = try composer.compose(yaml)
            #expect(!"\(String(describing: root))".contains("; "), "\(yaml): \(String(describing: root))")
        }
        var composer = YAMLComposer(file: "t.yaml")
        #expect("\(String(describing: try composer.compose("k: { f(a, b): 1, p: q(1, 2) }\n")))".contains("f(a, b)"))
    }

    /// A source feeding a window or a join must say which time it keeps (it used to fall back to
    /// processing time silently); `time: { type: processing }` says so. A generator stamps its own.
    @Test func aWindowNeedsItsSourcesToSayWhichTime() {
        let yaml = """
            sources:
              orders: { type: stdin, format: csv, schema: { ts: i64, k: string, v: i64 } }
              gen: { type: generator, count: 10 }
            operators:
              w: { window: tumbling, size: 1m, aggregates: { n: count() } }
              g: { window: tumbling, size: 1m, aggregates: { n: count() } }
            sinks:
              out: { type: stdout }
              other: { type: null }
            edges: [orders -> w, gen -> g, w -> out, g -> other]
            """
        #expect(
            errors(yaml) == [
                "2:3: source 'orders' feeds 'w', which works on time, but does not say which time: add time: { type: event, field: <its time field> } for the time in the records, or time: { type: processing } for the wall clock"
            ])
        let explicit = yaml.replacingOccurrences(of: "v: i64 } }", with: "v: i64 }, time: { type: processing } }")
        #expect(errors(explicit) == [])
    }

    @Test func windowErrorsNameTheLine() {
        #expect(
            errors(manifest("window: rolling\nsize: 10s\naggregates: { n: count() }")) == [
                "9:13: unknown window type 'rolling' (expected one of: tumbling, hopping, sliding, session)"
            ])
        #expect(
            errors(manifest("window: hopping\nsize: 10s\naggregates: { n: count() }")) == [
                "9:5: a hopping window needs 'advance'"
            ])
        #expect(
            errors(manifest("window: hopping\nsize: 10s\nadvance: 3s\naggregates: { n: count() }")) == [
                "11:14: a hopping window's size (10000 ms) must be a whole multiple of its advance (3000 ms)"
            ])
        #expect(
            errors(manifest("window: session\ngap: 5m\nsize: 10s\naggregates: { n: count() }")) == [
                "11:5: 'size' does not apply to a session window"
            ])
        #expect(
            errors(manifest("window: tumbling\nsize: ten seconds\naggregates: { n: count() }")) == [
                "10:11: size must be a duration from 1ms to 100 years (such as 500ms, 10s, 5m, 1h), got 'ten seconds'"
            ])
        #expect(
            errors(manifest("window: tumbling\nsize: 10s")) == [
                "9:5: window operator 'w' needs 'aggregates': a mapping of output fields to aggregates such as count() or sum(amount)"
            ])
        #expect(
            errors(manifest("window: tumbling\nsize: 10s\nemit: sometimes\naggregates: { n: count() }")) == [
                "11:11: unknown emit mode 'sometimes' (expected one of: final, update)"
            ])
    }

    @Test func aggregateErrorsNameTheAggregate() {
        #expect(
            errors(manifest("window: tumbling\nsize: 10s\naggregates: { n: median(v) }")) == [
                "11:22: unknown aggregate 'median' (built-in: avg, count, max, min, percentile, sum, top; a plugin's: plugin.name(…))"
            ])
        // An unclosed call ends with its collection; the next lines read as usual.
        #expect(
            errors(manifest("window: tumbling\nsize: 10s\naggregates: { p: percentile(v, 99 }")) == [
                "11:22: aggregate 'p' must be written function(arguments), e.g. count() or sum(amount); got 'percentile(v, 99' (its ')' is missing)"
            ])
        #expect(
            errors(manifest("window: tumbling\nsize: 10s\naggregates: { p: 'percentile(v, 120)' }")) == [
                "11:22: aggregate 'p': percentile takes percentile(field, p) (p greater than 0 and at most 100), got 'percentile(v, 120)'"
            ])
        #expect(
            errors(manifest("window: tumbling\nsize: 10s\naggregates: { s: sum }")) == [
                "11:22: aggregate 's' must be written function(arguments), e.g. count() or sum(amount); got 'sum'"
            ])
        #expect(
            errors(manifest("window: tumbling\nsize: 10s\nkey_by: k\naggregates: { k: count() }")) == [
                "12:19: aggregate output 'k' clashes with the window's own field 'k'"
            ])
        #expect(
            errors(manifest("window: tumbling\nsize: 10s\naggregates: { x: stats.spread(v) }")) == [
                "11:22: aggregate 'x' uses plugin 'stats', which is not declared under plugins"
            ])
    }

    @Test func timeErrorsNameTheLine() {
        #expect(
            errors(manifest(time: "{ type: event }", "window: tumbling\nsize: 1s\naggregates: { n: count() }")) == [
                "6:11: event time needs 'field' (the field holding each record's time) or 'extractor' (a plugin function computing it)"
            ])
        #expect(
            errors(manifest(time: "{ type: event, field: when }", "window: tumbling\nsize: 1s\naggregates: { n: count() }")) == [
                "6:33: time field 'when' is not a field of the schema of source 's' (fields: ts, k, v)"
            ])
        #expect(
            errors(manifest(time: "{ type: processing, field: ts }", "window: tumbling\nsize: 1s\naggregates: { n: count() }")) == [
                "6:31: 'field' applies to event time only, not to processing time"
            ])
        #expect(
            errors(manifest(time: "{ type: event, field: ts, format: iso }", "window: tumbling\nsize: 1s\naggregates: { n: count() }")) == [
                "6:45: unknown time format 'iso' (expected one of: epoch_s, epoch_ms, epoch_us, rfc3339)"
            ])
        #expect(
            errors(manifest(time: "{ type: wall }", "window: tumbling\nsize: 1s\naggregates: { n: count() }")) == [
                "6:19: unknown time type 'wall' (expected one of: event, log_append, processing, kafka)"
            ])
    }
}
