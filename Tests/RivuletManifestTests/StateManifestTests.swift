// StateManifestTests: stores, tables, joins and lookups in the manifest: values and errors with locations.
import Testing

@testable import RivuletManifest

@Suite struct StateManifestTests {
    func errors(_ yaml: String) -> [String] { ManifestCheck.errors(yaml) }

    static func topology(_ operators: String, stores: String = "") -> String {
        """
        \(stores)
        sources:
          a: { type: stdin, format: csv, schema: { ts: i64, k: string }, time: { type: event, field: ts } }
          b: { type: stdin, format: csv, schema: { ts: i64, k: string }, time: { type: event, field: ts } }
        operators:
        \(operators)
        sinks:
          out: { type: stdout }
        edges: [a -> j.left, b -> j.right, j.out -> out]
        """
    }

    @Test func storesAndAJoinDecode() throws {
        let m = try ManifestCheck.parse(
            Self.topology(
                "  j: { join: stream_table, type: left, left_key: k, right_key: k, store: t }",
                stores: "stores: { t: { type: memory, budget: 2MB, changelog: true } }"))
        #expect(m.stores == [StoreSpec(name: "t", backend: .memory(budget: 2 << 20), changelog: true, location: ManifestCheck.at(1, 11))])
        #expect(m.stateDirectory == "/data/jobs/state")
        guard case .join(let j) = m.operators[0].kind else {
            Issue.record("not a join")
            return
        }
        #expect(j == JoinSpec(kind: .streamTable, emit: .left, leftKey: "k", rightKey: "k", store: "t"))
        #expect(m.operators[0].stores == ["t"])
    }

    @Test func storeErrors() {
        #expect(
            errors(
                Self.topology(
                    "  j: { join: stream_table, left_key: k, right_key: k }",
                    stores: "stores: { t: { type: disk }, u: { type: rocksdb, budget: 1MB }, v: { type: memory, budget: lots } }")) == [
                    "1:22: unknown store type 'disk' (expected one of: memory, rocksdb)",
                    "1:58: 'budget' applies to memory stores only (a rocksdb store is bounded by its disk)",
                    "1:92: budget must be a size from 1 byte to 1TB (such as 512KB, 64MB, 2GB, or a number of bytes), got 'lots'",
                ])
        #expect(
            errors(Self.topology("  j: { join: stream_table, left_key: k, right_key: k, store: nope }")) == [
                "6:62: join 'j' uses store 'nope', which is not declared under stores"
            ])
    }

    @Test func lateTableChangesAreAStreamTableJoinsChoice() {
        #expect(
            errors(Self.topology("  j: { join: stream_stream, left_key: k, right_key: k, within: 1s, late_table_changes: apply }")) == [
                "6:68: 'late_table_changes' applies to stream_table and table_table joins (their inputs that are tables)"
            ])
        #expect(
            errors(Self.topology("  j: { join: stream_table, left_key: k, right_key: k, late_table_changes: drop }")) == [
                "6:75: unknown late_table_changes 'drop' (expected one of: apply, divert)"
            ])
    }

    @Test func latenessIsTheInputsOrTheJoinsWatermark() {
        #expect(errors(Self.topology("  j: { join: stream_stream, left_key: k, right_key: k, within: 1s, lateness: operator }")) == [])
        #expect(errors(Self.topology("  j: { join: stream_table, left_key: k, right_key: k, lateness: input }")) == [])
        #expect(
            errors(Self.topology("  j: { join: stream_stream, left_key: k, right_key: k, within: 1s, lateness: join }")) == [
                "6:78: unknown lateness 'join' (expected one of: input, operator)"
            ])
    }

    @Test func joinErrors() {
        #expect(
            errors(Self.topology("  j: { join: stream_table, type: outer, left_key: k, right_key: k }")) == [
                "6:34: a stream_table join is inner or left (a table row without stream records is not a result)"
            ])
        #expect(
            errors(Self.topology("  j: { join: stream_stream, left_key: k, right_key: k }")) == [
                "6:6: a stream_stream join needs 'within': the largest time difference of a pair, e.g. 10m"
            ])
        #expect(
            errors(Self.topology("  j: { join: table_table, type: outer, left_key: k, left_pk: id, right_key: k }")) == [
                "6:33: an outer table_table join needs a primary-key join (left_key = left_pk): a right row no left row points at has no key of its own"
            ])
        #expect(
            errors(Self.topology("  j: { join: cross, left_key: k }")) == [
                "6:6: join operator 'j' needs 'right_key'",
                "6:14: unknown join 'cross' (expected one of: stream_table, table_table, stream_stream)",
            ])
        #expect(
            errors(Self.topology("  j: { join: stream_table, left_key: k, right_key: k, parallelism: 2 }")) == [
                "6:55: join operators run with parallelism 1 for now (both inputs would need partitioning by their own key)"
            ])
    }

    @Test func lookupErrors() {
        let yaml = """
            sources:
              a: { type: stdin, format: csv, schema: { k: string } }
            operators:
              l: { lookup: memcached, address: localhost, key: k, command: get, fields: { x: i64, y: string }, cache: { ttl: never } }
            sinks:
              out: { type: stdout }
            edges: [a -> l, l -> out]
            """
        #expect(
            errors(yaml) == [
                "4:16: unknown lookup 'memcached' (expected one of: redis)",
                "4:36: address must be host:port with a port from 1 to 65535, e.g. 127.0.0.1:6379, got 'localhost'",
                "4:77: a get lookup reads one value: declare one field (or use command: hash)",
                "4:114: ttl must be a duration from 1ms to 100 years (such as 500ms, 10s, 5m, 1h), got 'never'",
            ])
    }
}
