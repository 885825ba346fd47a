// HostAPITests: host calls made wrongly by a real C plugin in a real topology: statuses and last_error.
import CRivulet
import Foundation
import RivuletTestSupport
import Testing

@testable import RivuletPlugins

@Suite struct HostAPITests {
    static func folder() throws -> String { (try Fixtures.plugin("misuse") as NSString).deletingLastPathComponent }

    /// The fixture's `misuse` operator between a two-record CSV source and a CSV sink, with store `s`.
    static func manifest(call: String) -> String {
        """
        name: misuse
        plugins:
          fx: { library: misuse }
        stores:
          s: { type: memory }
        sources:
          in: { type: file, path: in.csv, schema: { a: string, b: string, c: string } }
        operators:
          m: { plugin: fx, operator: misuse, stores: [s], config: { call: \(call) } }
        sinks:
          out: { type: file, path: out.csv }
        edges: [in -> m, m -> out]
        dead_letters: { type: file, path: dead.jsonl }
        """
    }

    static let input = "a,b,c\nx,y,z\np,q,r\n"

    /// Runs `call` and returns the CSV the operator wrote (`call,status,error` rows).
    static func run(_ call: String) throws -> String {
        let t = TopologyRunner()
        t.write("in.csv", input)
        _ = try t.run(manifest(call: call), extraPluginPaths: [try folder()])
        return t.read("out.csv")
    }

    /// Each misuse, and the rows the plugin wrote: the host's status and its last_error.
    static let misuses: [(call: String, rows: String)] = [
        ("emit_key", "emit_key,RV_INVALID,emit: key is NULL with length 5\n"),
        ("emit_value", "emit_value,RV_INVALID,emit: value is NULL with length 4\n"),
        ("emit_fields", "emit_fields,RV_INVALID,emit: fields is NULL with field_count 3\n"),
        ("emit_headers", "emit_headers,RV_INVALID,emit: headers is NULL with header_count 2\n"),
        ("emit_header_value", "emit_header_value,RV_INVALID,emit: the value of header 0 is NULL with length 7\n"),
        ("emit_field", "emit_field,RV_INVALID,emit: field 1 ('status') is NULL with length 1\n"),
        ("emit_derived", "emit_derived,RV_INVALID,emit_derived: field 2 ('error') is NULL with length 4\n"),
        // Row 0 is emitted, row 1 (a NULL with a length) and after are not.
        (
            "emit_derived_batch",
            "derived,0,-\nemit_derived_batch,RV_INVALID,\"emit_derived_batch: row 1, field 0 ('call') is NULL with length 2 (the rows before it were emitted)\"\n"
        ),
        // The same over the whole batch (indexes NULL, the first emission: an in-place rewrite candidate).
        (
            "emit_derived_batch_all",
            "derived,0,-\nemit_derived_batch_all,RV_INVALID,\"emit_derived_batch: row 1, field 0 ('call') is NULL with length 2 (the rows before it were emitted)\"\n"
        ),
        ("forward_selected", "forward_selected,RV_INVALID,forward_selected: indexes is NULL with count 2\n"),
        ("store_get", "store_get,RV_INVALID,store_get: key is NULL with length 3\n"),
        // Nothing was stored: neither under the empty key nor under k; RV_NOT_FOUND is an answer (no error).
        ("store_put_key", "store_put_key,RV_INVALID,store_put: key is NULL with length 5\nstore_get of the empty key,RV_NOT_FOUND,(null)\n"),
        ("store_put_value", "store_put_value,RV_INVALID,store_put: value is NULL with length 4\nstore_get of k,RV_NOT_FOUND,(null)\n"),
        ("store_delete", "store_delete,RV_INVALID,store_delete: key is NULL with length 6\n"),
        ("store_range_from", "store_range_from,NULL,store_range: from is NULL with length 2\n"),
        ("store_range_to", "store_range_to,NULL,store_range: to is NULL with length 3\n"),
        ("store_prefix", "store_prefix,NULL,store_prefix: prefix is NULL with length 4\n"),
        ("iterator_next", "iterator_next,RV_INVALID,iterator_next: the iterator is NULL (did store_range or store_prefix fail?)\n"),
        ("store_open", "store_open,NULL,store_open: no store 'nope' is attached to this operator (attached: s)\n"),
        // No on_timer row: the refused timer was not registered (it would fire at the end of input).
        ("timer_register", "timer_register,RV_INVALID,timer_register: key is NULL with length 2\n"),
        ("timer_delete", "timer_delete,RV_INVALID,timer_delete: key is NULL with length 2\n"),
        ("output_schema_set", "output_schema_set,RV_INVALID,output_schema_set: fields is NULL with count 2\n"),
        // last_error is about the most recent call: NULL again after one that succeeded.
        ("success_clears", "store_put (refused),RV_INVALID,store_put: key is NULL with length 5\nstore_put (good),RV_OK,(null)\n"),
    ]

    @Test(arguments: misuses.map(\.call))
    func aNullPointerWithALengthIsRefusedAndNamed(call: String) throws {
        let expected = Self.misuses.first { $0.call == call }!.rows
        #expect(try Self.run(call) == "call,status,error\n" + expected)
    }

    /// The plugin's report_error and the host's last_error are separate slots: a host call failing after
    /// the report does not change the dead letter's reason.
    @Test func theHostsErrorDoesNotReplaceThePluginsReport() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input)
        let summary = try t.run(Self.manifest(call: "report_is_separate"), extraPluginPaths: [try Self.folder()])
        #expect(t.read("out.csv") == "call,status,error\nstore_put (refused),RV_INVALID,store_put: key is NULL with length 5\n")
        #expect(t.read("dead.jsonl") == "{\"node\":\"m\",\"reason\":\"misuse: record 0 is bad\",\"record\":{\"a\":\"x\",\"b\":\"y\",\"c\":\"z\"}}\n")
        #expect(summary.deadLetters == 1)
    }

    /// A plugin that passes a host status on without a report: the run stops naming the callback, the
    /// status by name and the host's message.
    @Test func aStatusPassedOnIsNamedWithTheHostsMessage() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input)
        let plan = try t.plan(Self.manifest(call: "pass_through"), extraPluginPaths: [try Self.folder()])
        #expect {
            try plan.run()
        } throws: { error in
            "\(error)" == "m: process returned RV_INVALID: store_put: key is NULL with length 5"
        }
    }

    @Test func statusesPrintTheirNames() {
        #expect(PluginStatus(RV_INVALID).description == "RV_INVALID")
        #expect(PluginStatus(RV_UNSUPPORTED).description == "RV_UNSUPPORTED")
        #expect(PluginStatus(42).description == "status 42 (not an rv_status)")
    }

    /// Runs the real binary on `manifest` with `RIVULET_HOST_ABI_MINOR` set (nil: the current host).
    static func rivulet(_ manifestPath: String, hostMinor: String?) throws -> (status: Int32, stderr: String) {
        let r = try RivuletProcess.run(
            ["run", "--quiet", manifestPath, "--plugin-path", try folder()], deadline: 300,
            environment: hostMinor.map { ["RIVULET_HOST_ABI_MINOR": $0] })
        return (r.status, r.stderr)
    }

    /// The fixture declares min_host_minor 0 and uses last_error (1.2) and emit_derived_batch (1.1) only
    /// after RV_HAS: on emulated 1.0 and 1.1 hosts it loads, gets the same statuses, and sees no slot its
    /// host lacks.
    @Test(
        arguments: [
            (nil, "emit_key", "emit_key,RV_INVALID,emit: key is NULL with length 5\n"),
            ("2", "emit_key", "emit_key,RV_INVALID,emit: key is NULL with length 5\n"),
            ("1", "emit_key", "emit_key,RV_INVALID,(no last_error)\n"),
            ("0", "emit_key", "emit_key,RV_INVALID,(no last_error)\n"),
            ("1", "emit_derived_batch", "derived,0,-\nemit_derived_batch,RV_INVALID,(no last_error)\n"),
            ("0", "emit_derived_batch", "emit_derived_batch,-,(no emit_derived_batch)\n"),
        ] as [(String?, String, String)])
    func olderHostsOfferNoLastError(hostMinor: String?, call: String, rows: String) throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.input)
        t.write("m.yaml", Self.manifest(call: call))
        let result = try Self.rivulet(t.path("m.yaml"), hostMinor: hostMinor)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(t.read("out.csv") == "call,status,error\n" + rows)
    }

    /// Every minor's table fills every slot it declares, ends where the next minor's slots begin, and
    /// RV_HAS sees exactly its slots.
    @Test(arguments: [UInt32(0), 1, 2])
    func everyMinorsTableIsCompleteAndEndsAtItsLastSlot(minor: UInt32) throws {
        var table = HostAPI.makeTable(minor: minor)
        let end = minor < RV_ABI_MINOR ? HostAPI.firstSlotOfMinor[minor + 1]! : MemoryLayout<rv_host_api>.size
        #expect(Int(table.struct_size) == end)
        #expect(table.abi_minor == minor)
        let path = try Fixtures.plugin("flaky")
        let handle = try #require(dlopen(path, RTLD_NOW | RTLD_LOCAL))
        defer { dlclose(handle) }
        let symbol = try #require(dlsym(handle, "flaky_count_null_slots"))
        let count = unsafeBitCast(symbol, to: (@convention(c) (UnsafePointer<rv_host_api>) -> Int32).self)
        #expect(count(&table) == 0)
        let hasBatch = Int(table.struct_size) >= HostAPI.firstSlotOfMinor[1]! + 8 && table.emit_derived_batch != nil
        let hasLastError = Int(table.struct_size) >= HostAPI.firstSlotOfMinor[2]! + 8 && table.last_error != nil
        #expect(hasBatch == (minor >= 1))
        #expect(hasLastError == (minor >= 2))
    }
}
