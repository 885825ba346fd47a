// BatchEmitTests: emit_derived_batch (ABI 1.1) — a batch of derived records in one host call.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct BatchEmitTests {
    static func manifest(mode: String) -> String {
        """
        name: batch-emit
        plugins:
          fx: { library: batch_emit }
        sources:
          in: { type: file, path: in.csv, schema: { id: i64, n: i64, tag: string } }
        operators:
          pick: { plugin: fx, operator: every_other, config: { mode: \(mode) } }
        sinks:
          out: { type: file, path: out.csv }
        edges: [in -> pick, pick -> out]
        dead_letters: { type: file, path: dead.jsonl }
        """
    }

    static func input(_ rows: Int) -> String {
        "id,n,tag\n" + (0..<rows).map { "\($0),\($0 * 10),t\($0)\n" }.joined()
    }

    /// Odd records of input batches of 8 (4 per call) into output batches of 3: every call is split
    /// across output batches (3 + 1); bytes of the plugin's own are copied (it scribbles over them after).
    @Test func emitsTheListedRecordsWithTheirNewRowsAcrossOutputBatches() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input(20))
        let fx = (try Fixtures.plugin("batch_emit") as NSString).deletingLastPathComponent
        _ = try t.run(Self.manifest(mode: "odd"), overrides: ["sources.in.batch_size=8"], extraPluginPaths: [fx], batchSize: 3)
        // Batches [0-7] [8-15] [16-19]: indexes 1,3,5,7 of each → the odd ids.
        let odd = stride(from: 1, to: 20, by: 2).map { "\($0),\($0 * 20),odd\n" }.joined()
        #expect(t.read("out.csv") == "id,n,tag\n" + odd)
    }

    /// indexes NULL: every record, its tag the input's own; calls of 1024 split into batches of 100.
    @Test func withoutIndexesEveryRecordIsEmittedInOrder() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input(3000))
        let fx = (try Fixtures.plugin("batch_emit") as NSString).deletingLastPathComponent
        _ = try t.run(Self.manifest(mode: "all"), overrides: ["sources.in.batch_size=1024"], extraPluginPaths: [fx], batchSize: 100)
        #expect(t.read("out.csv") == "id,n,tag\n" + (0..<3000).map { "\($0),\($0 * 20),t\($0)\n" }.joined())
    }

    /// A whole-batch rewrite followed by a forward of an input record in the same call: the forwarded
    /// record is the original (the in-place rewrite is given up: the derived records go out first, then it).
    @Test func aForwardAfterAWholeBatchEmitSeesTheOriginalRecord() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input(6))
        let fx = (try Fixtures.plugin("batch_emit") as NSString).deletingLastPathComponent
        _ = try t.run(Self.manifest(mode: "all_then_forward"), overrides: ["sources.in.batch_size=3"], extraPluginPaths: [fx])
        // Batches [0-2] and [3-5]: three doubled, then the batch's first record unchanged.
        #expect(t.read("out.csv") == "id,n,tag\n0,0,t0\n1,20,t1\n2,40,t2\n0,0,t0\n3,60,t3\n4,80,t4\n5,100,t5\n3,30,t3\n")
    }

    /// In-place rewrites must never show to another reader of the same batch: the generator's records go
    /// to the Swift projection and, unchanged, to a second sink; the projection's output to the C map and,
    /// unchanged, to a third sink. Each sink sees exactly its own stage's records.
    @Test func batchesReadByTwoConsumersAreNotRewrittenInPlace() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input(3000))
        _ = try t.run(
            """
            name: fan-out
            plugins:
              c: { library: rv_std_c }
              s: { library: rv_std_swift }
            sources:
              in: { type: file, path: in.csv, schema: { id: i64, n: i64, tag: string } }
            operators:
              slim: { plugin: s, operator: project, config: { fields: [tag, n] } }
              scaled: { plugin: c, operator: scale, config: { field: n, multiply: 3, add: 1 } }
            sinks:
              raw: { type: file, path: raw.csv }
              projected: { type: file, path: projected.csv }
              out: { type: file, path: out.csv }
            edges: [in -> slim, in -> raw, slim -> scaled, slim -> projected, scaled -> out]
            """)
        #expect(t.read("raw.csv") == Self.input(3000))
        #expect(t.read("projected.csv") == "tag,n\n" + (0..<3000).map { "t\($0),\($0 * 10)\n" }.joined())
        #expect(t.read("out.csv") == "tag,n\n" + (0..<3000).map { "t\($0),\($0 * 30 + 1)\n" }.joined())
    }

    /// A whole-batch emit whose rows point at bytes the plugin frees as soon as the call returns (the
    /// in-place path keeps the rows until process returns: their bytes must be copied during the call).
    @Test func bytesOfAWholeBatchEmitAreCopiedDuringTheCall() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input(2000))
        let fx = (try Fixtures.plugin("batch_emit") as NSString).deletingLastPathComponent
        _ = try t.run(Self.manifest(mode: "all_fresh"), extraPluginPaths: [fx])
        #expect(t.read("out.csv") == "id,n,tag\n" + (0..<2000).map { "\($0),\($0 * 20),new\n" }.joined())
    }

    @Test func anIndexPastTheBatchIsAnInvalidCall() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input(4))
        let fx = (try Fixtures.plugin("batch_emit") as NSString).deletingLastPathComponent
        #expect(throws: (any Error).self) { try t.run(Self.manifest(mode: "bad_index"), extraPluginPaths: [fx]) }
        do { _ = try t.run(Self.manifest(mode: "bad_index"), extraPluginPaths: [fx]) } catch {
            #expect("\(error)".contains("emit_derived_batch: record index 4 is outside the batch"))
        }
    }

    @Test func rowsOfTheWrongWidthAreAnInvalidCall() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input(4))
        let fx = (try Fixtures.plugin("batch_emit") as NSString).deletingLastPathComponent
        do {
            _ = try t.run(Self.manifest(mode: "bad_width"), extraPluginPaths: [fx])
            Issue.record("the run should fail")
        } catch {
            #expect("\(error)".contains("emit_derived_batch: 4 fields per row given but output port 'out' has 3"))
        }
    }

    /// Runs the real binary with `RIVULET_HOST_ABI_MINOR` set (the host then offers a 1.0 table).
    static func rivulet(_ arguments: [String], hostMinor: String?) throws -> (status: Int32, stderr: String) {
        let r = try RivuletProcess.run(arguments, deadline: 300, environment: hostMinor.map { ["RIVULET_HOST_ABI_MINOR": $0] })
        return (r.status, r.stderr)
    }

    /// The shipped plugins declare min_host_minor 0 and use `emit_derived_batch` (1.1) only when the host
    /// has it: on emulated 1.0, 1.1 and 1.2 hosts (`scale` and the Swift SDK fall back to one
    /// `emit_derived` per record on 1.0) the output is the same. A plugin that needs 1.1 is refused by a
    /// 1.0 host with both versions named, and loads in a 1.1 host.
    @Test func shippedPluginsRunOnEveryHostMinor() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input(2500))
        t.write(
            "manifest.yaml",
            """
            name: fallback
            plugins:
              c: { library: rv_std_c }
              s: { library: rv_std_swift }
            sources:
              in: { type: file, path: in.csv, schema: { id: i64, n: i64, tag: string } }
            operators:
              slim: { plugin: s, operator: project, config: { fields: [tag, n] } }
              scaled: { plugin: c, operator: scale, config: { field: n, multiply: 3, add: 1 } }
            sinks:
              out: { type: file, path: out.csv }
            edges: [in -> slim, slim -> scaled, scaled -> out]
            """)
        let expected = "tag,n\n" + (0..<2500).map { "t\($0),\($0 * 30 + 1)\n" }.joined()
        for minor in [nil, "2", "1", "0"] {
            try? FileManager.default.removeItem(atPath: t.path("out.csv"))
            let run = try Self.rivulet(["run", "--quiet", t.path("manifest.yaml")], hostMinor: minor)
            #expect(run.status == 0, "host minor \(minor ?? "current"): \(run.stderr)")
            #expect(t.read("out.csv") == expected, "host minor \(minor ?? "current")")
        }

        let fx = try Fixtures.plugin("batch_emit")
        let refused = try Self.rivulet(["plugins", "inspect", fx], hostMinor: "0")
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains("needs a host of Rivulet ABI 1.1 or newer (its min_host_minor is 1), but this host offers ABI 1.0"),
            "\(refused.stderr)")
        let accepted = try Self.rivulet(["plugins", "inspect", fx], hostMinor: "1")
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }
}
