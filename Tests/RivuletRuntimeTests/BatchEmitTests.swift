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

    /// Odd records of every batch (batches of 4 here, output batches of 3: the host splits the call).
    @Test func emitsTheListedRecordsWithTheirNewRowsAcrossOutputBatches() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input(10))
        let fx = (try Fixtures.plugin("batch_emit") as NSString).deletingLastPathComponent
        _ = try t.run(Self.manifest(mode: "odd"), overrides: ["sources.in.batch_size=4"], extraPluginPaths: [fx], batchSize: 3)
        // Batches [0-3] [4-7] [8-9]: indexes 1,3 of each → ids 1,3,5,7,9; bytes of the plugin's own copied.
        #expect(t.read("out.csv") == "id,n,tag\n1,20,odd\n3,60,odd\n5,100,odd\n7,140,odd\n9,180,odd\n")
    }

    @Test func withoutIndexesEveryRecordKeepsItsSharedBytes() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input(3000))
        let fx = (try Fixtures.plugin("batch_emit") as NSString).deletingLastPathComponent
        _ = try t.run(Self.manifest(mode: "all"), extraPluginPaths: [fx])
        #expect(t.read("out.csv") == "id,n,tag\n" + (0..<3000).map { "\($0),\($0 * 20),t\($0)\n" }.joined())
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
}
