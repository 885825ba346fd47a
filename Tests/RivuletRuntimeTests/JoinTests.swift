// JoinTests: each join and outer variant with exact outputs, updates and deletes on either side, and
// results independent of how the two inputs interleave.
import Foundation
import RivuletTestSupport
import Testing

@Suite struct JoinTests {
    /// Runs a join of `left.csv` and `right.csv` (times in `ts`, bound `bound`) with the join body `join`;
    /// returns (out, late_left, late_right) as CSV.
    static func run(
        left: String, leftSchema: String, right: String, rightSchema: String, join: String, fields: String? = nil,
        ops: Bool = false, bound: Int = 0, batchSize: Int = 1024, ringCapacity: Int = 64
    ) throws -> (String, String, String) {
        let t = TopologyRunner()
        t.write("left.csv", left)
        t.write("right.csv", right)
        _ = try t.run(
            """
            sources:
              l: { type: file, path: left.csv, schema: \(leftSchema), time: { type: event, field: ts, max_out_of_order: \(bound)ms }, batch_size: \(batchSize) }
              r: { type: file, path: right.csv, schema: \(rightSchema), time: { type: event, field: ts, max_out_of_order: \(bound)ms }, batch_size: \(batchSize) }
            operators:
              j: \(join)
            sinks:
              out: { type: file, path: out.csv, ops: \(ops)\(fields.map { ", fields: \($0)" } ?? "") }
              late_l: { type: file, path: late_l.csv }
              late_r: { type: file, path: late_r.csv }
            edges: [l -> j.left, r -> j.right, j.out -> out, j.late_left -> late_l, j.late_right -> late_r]
            """, batchSize: batchSize, ringCapacity: ringCapacity)
        return (t.read("out.csv"), t.read("late_l.csv"), t.read("late_r.csv"))
    }

    static let clicks = "ts,user_id,page\n1000,u1,/a\n2000,u2,/b\n5000,u1,/c\n5000,u3,/d\n9000,u1,/e\n9500,u2,/f\n"
    static let profiles = "ts,user_id,age,gender\n0,u1,30,f\n0,u2,40,m\n5000,u1,31,f\n8000,u2,,\n"

    @Test(arguments: [(1024, 64), (1, 1), (2, 1)])
    func streamTableJoinSeesTheTableAsOfEachRecordsTime(batchSize: Int, ringCapacity: Int) throws {
        // u1's update at 5000 is seen by its click at 5000 (the table goes first on equal times); u2's
        // profile is deleted (tombstone) at 8000; u3 never had one.
        for join in ["left", "inner"] {
            let (out, late, _) = try Self.run(
                left: Self.clicks, leftSchema: "{ ts: i64, user_id: string, page: string }",
                right: Self.profiles, rightSchema: "{ ts: i64, user_id: string, age: i64, gender: string }",
                join: "{ join: stream_table, type: \(join), left_key: user_id, right_key: user_id }",
                bound: 5000, batchSize: batchSize, ringCapacity: ringCapacity)
            if join == "left" {
                #expect(
                    out
                        == "ts,user_id,page,age,gender\n1000,u1,/a,30,f\n2000,u2,/b,40,m\n5000,u1,/c,31,f\n5000,u3,/d,,\n9000,u1,/e,31,f\n9500,u2,/f,,\n"
                )
            } else {
                #expect(out == "ts,user_id,page,age,gender\n1000,u1,/a,30,f\n2000,u2,/b,40,m\n5000,u1,/c,31,f\n9000,u1,/e,31,f\n")
            }
            #expect(late == "ts,user_id,page\n")
        }
    }

    static let customers = "ts,customer_id,name\n0,c1,Ann\n0,c2,Bob\n30,c1,Anna\n50,c2,\n"
    static let orders = "ts,order_id,customer_id,amount\n10,o1,c1,5\n20,o2,c2,7\n40,o1,c2,5\n45,o3,c9,1\n60,o2,,\n"

    @Test(arguments: [(1024, 64), (1, 1)])
    func tableTableForeignKeyJoinEmitsAChangelog(batchSize: Int, ringCapacity: Int) throws {
        let schemas = ("{ ts: i64, order_id: string, customer_id: string, amount: i64 }", "{ ts: i64, customer_id: string, name: string }")
        let (inner, _, _) = try Self.run(
            left: Self.orders, leftSchema: schemas.0, right: Self.customers, rightSchema: schemas.1,
            join: "{ join: table_table, type: inner, left_key: customer_id, left_pk: order_id, right_key: customer_id }",
            ops: true, batchSize: batchSize, ringCapacity: ringCapacity)
        // c1 renamed at 30; o1 moves to c2 at 40; c2 deleted at 50 (both its orders lose their row).
        #expect(
            inner == """
                op,order_id,customer_id,amount,name
                +I,o1,c1,5,Ann
                +I,o2,c2,7,Bob
                -U,o1,c1,5,Ann
                +U,o1,c1,5,Anna
                -U,o1,c1,5,Anna
                +U,o1,c2,5,Bob
                -D,o1,c2,5,Bob
                -D,o2,c2,7,Bob

                """)
        let (left, _, _) = try Self.run(
            left: Self.orders, leftSchema: schemas.0, right: Self.customers, rightSchema: schemas.1,
            join: "{ join: table_table, type: left, left_key: customer_id, left_pk: order_id, right_key: customer_id }",
            ops: true, batchSize: batchSize, ringCapacity: ringCapacity)
        // o3 points at a customer that does not exist; o2 is deleted at 60 (its tombstone).
        #expect(
            left == """
                op,order_id,customer_id,amount,name
                +I,o1,c1,5,Ann
                +I,o2,c2,7,Bob
                -U,o1,c1,5,Ann
                +U,o1,c1,5,Anna
                -U,o1,c1,5,Anna
                +U,o1,c2,5,Bob
                +I,o3,c9,1,
                -U,o1,c2,5,Bob
                +U,o1,c2,5,
                -U,o2,c2,7,Bob
                +U,o2,c2,7,
                -D,o2,c2,7,

                """)
    }

    @Test func tableTablePrimaryKeyOuterJoin() throws {
        let (out, _, _) = try Self.run(
            left: "ts,id,a\n1,k1,x\n3,k2,y\n5,k1,\n", leftSchema: "{ ts: i64, id: string, a: string }",
            right: "ts,id,b\n2,k1,p\n4,k3,q\n", rightSchema: "{ ts: i64, id: string, b: string }",
            join: "{ join: table_table, type: outer, left_key: id, right_key: id }", ops: true)
        // Rows with only a right side carry the join key in the key column (k3's; k1's once its left row
        // is deleted), so the changelog applies by key.
        #expect(out == "op,id,a,b\n+I,k1,x,\n-U,k1,x,\n+U,k1,x,p\n+I,k2,y,\n+I,k3,,q\n-U,k1,x,p\n+U,k1,,p\n")
    }

    static let impressions = "ts,ad,campaign\n0,a1,X\n5,a2,Y\n30,a3,Z\n"
    static let adClicks = "ts,ad,user\n2,a9,u5\n3,a1,u1\n8,a1,u2\n12,a2,u3\n41,a3,u4\n"

    @Test(arguments: [(1024, 64), (1, 1)])
    func streamStreamJoinPairsWithinTheWindow(batchSize: Int, ringCapacity: Int) throws {
        func run(_ type: String) throws -> String {
            try Self.run(
                left: Self.impressions, leftSchema: "{ ts: i64, ad: string, campaign: string }",
                right: Self.adClicks, rightSchema: "{ ts: i64, ad: string, user: string }",
                join: "{ join: stream_stream, type: \(type), left_key: ad, right_key: ad, within: 10ms }",
                batchSize: batchSize, ringCapacity: ringCapacity
            ).0
        }
        let pairs = "ts,ad,campaign,right_ts,right_ad,user\n0,a1,X,3,a1,u1\n0,a1,X,8,a1,u2\n5,a2,Y,12,a2,u3\n"
        #expect(try run("inner") == pairs)
        // a3's click comes 11 after its impression: no pair; unmatched rows leave when they expire.
        #expect(try run("left") == pairs + "30,a3,Z,,,\n")
        #expect(try run("outer") == pairs + ",,,2,a9,u5\n30,a3,Z,,,\n,,,41,a3,u4\n")
    }

    @Test func recordsLateForTheirOwnInputGoToTheLatePorts() throws {
        let (out, late, _) = try Self.run(
            left: "ts,k,v\n10,a,1\n3,a,2\n20,a,3\n", leftSchema: "{ ts: i64, k: string, v: i64 }",
            right: "ts,k,w\n1,a,x\n", rightSchema: "{ ts: i64, k: string, w: string }",
            join: "{ join: stream_table, type: inner, left_key: k, right_key: k }")
        #expect(late == "ts,k,v\n3,a,2\n")
        #expect(out == "ts,k,v,w\n10,a,1,x\n20,a,3,x\n")
    }

    /// The join counts late table changes it took and those a newer change superseded (metrics).
    @Test func lateTableChangesAreCounted() throws {
        let t = TopologyRunner()
        t.write("left.csv", "ts,k,v\n10,a,1\n40,a,3\n")
        t.write("right.csv", "ts,k,w\n5,a,x\n30,a,y\n20,a,z\n35,c,q\n21,b,r\n")
        let plan = try t.plan(
            """
            sources:
              l: { type: file, path: left.csv, schema: { ts: i64, k: string, v: i64 }, time: { type: event, field: ts } }
              r: { type: file, path: right.csv, schema: { ts: i64, k: string, w: string }, time: { type: event, field: ts } }
            operators:
              j: { join: stream_table, type: inner, left_key: k, right_key: k }
            sinks:
              out: { type: file, path: out.csv }
            edges: [l -> j.left, r -> j.right, j.out -> out]
            """)
        _ = try plan.run()
        let counters = Dictionary(uniqueKeysWithValues: plan.metricsSnapshot().instances.first { $0.node == "j" }?.pluginCounters ?? [])
        // z (20, behind 30) and r (21, behind 35) are late; z is older than a's y at 30, b has no row.
        #expect(counters["late_table_changes"] == 2, "\(counters)")
        #expect(counters["late_table_changes_superseded"] == 1, "\(counters)")
        #expect(t.read("out.csv") == "ts,k,v,w\n10,a,1,x\n40,a,3,y\n")
    }

    /// A table–table join applies a late change of either table the same way: k1's update at 5 comes after
    /// k2's at 10, so it counts from 10 (after k2's, its input's order); one older than its key's row is
    /// left out; with `divert` it leaves through its late port.
    @Test func aTableTableJoinAppliesLateChangesAsOfTheirTablesWatermark() throws {
        func run(_ left: String, _ extra: String = "") throws -> (String, String) {
            let (out, lateLeft, _) = try Self.run(
                left: left, leftSchema: "{ ts: i64, id: string, a: string }", right: "ts,id,b\n2,k1,p\n",
                rightSchema: "{ ts: i64, id: string, b: string }", join: "{ join: table_table, type: inner, left_key: id, right_key: id\(extra) }",
                ops: true)
            return (out, lateLeft)
        }
        let applied = try run("ts,id,a\n1,k1,x\n10,k2,y\n5,k1,z\n")
        #expect(applied.0 == "op,id,a,b\n+I,k1,x,p\n-U,k1,x,p\n+U,k1,z,p\n")
        #expect(applied.1 == "ts,id,a\n")
        let superseded = try run("ts,id,a\n1,k1,x\n10,k1,y\n5,k1,z\n")
        #expect(superseded.0 == "op,id,a,b\n+I,k1,x,p\n-U,k1,x,p\n+U,k1,y,p\n")
        // k1 deleted at 10: the late z at 5 does not bring it back.
        let deleted = try run("ts,id,a\n1,k1,x\n10,k1,\n5,k1,z\n")
        #expect(deleted.0 == "op,id,a,b\n+I,k1,x,p\n-D,k1,x,p\n")
        let diverted = try run("ts,id,a\n1,k1,x\n10,k2,y\n5,k1,z\n", ", late_table_changes: divert")
        #expect(diverted.0 == "op,id,a,b\n+I,k1,x,p\n")
        #expect(diverted.1 == "ts,id,a\n5,k1,z\n")
    }

    /// A late table change (a's update at 20 comes after b's at 30: the table's watermark is 30) is applied
    /// as of 30, where the table input had reached: the click at 25 still sees x, the click at 40 sees z
    /// — whatever the batch sizes (the interleaving of the inputs). With `late_table_changes: divert` it
    /// leaves through `late_right` and never changes the table.
    @Test(arguments: [(1024, 64), (1, 1)])
    func aLateTableChangeIsAppliedAsOfTheTablesWatermark(batchSize: Int, ringCapacity: Int) throws {
        let clicks = "ts,k,v\n10,a,1\n25,a,2\n40,a,3\n"
        func run(_ table: String, _ extra: String = "") throws -> (String, String) {
            let (out, _, lateTable) = try Self.run(
                left: clicks, leftSchema: "{ ts: i64, k: string, v: i64 }", right: table, rightSchema: "{ ts: i64, k: string, w: string }",
                join: "{ join: stream_table, type: inner, left_key: k, right_key: k\(extra) }", batchSize: batchSize, ringCapacity: ringCapacity)
            return (out, lateTable)
        }
        let applied = try run("ts,k,w\n5,a,x\n30,b,y\n20,a,z\n")
        #expect(applied.0 == "ts,k,v,w\n10,a,1,x\n25,a,2,x\n40,a,3,z\n")
        #expect(applied.1 == "ts,k,w\n")
        // a's row is already newer (y at 30) when the late z (at 20) comes: y stays.
        let superseded = try run("ts,k,w\n5,a,x\n30,a,y\n20,a,z\n")
        #expect(superseded.0 == "ts,k,v,w\n10,a,1,x\n25,a,2,x\n40,a,3,y\n")
        #expect(superseded.1 == "ts,k,w\n")
        // a is deleted at 30 (a tombstone: its fields empty): the late z at 20 does not bring it back.
        let deleted = try run("ts,k,w\n5,a,x\n30,a,\n20,a,z\n")
        #expect(deleted.0 == "ts,k,v,w\n10,a,1,x\n25,a,2,x\n")
        let diverted = try run("ts,k,w\n5,a,x\n30,b,y\n20,a,z\n", ", late_table_changes: divert")
        #expect(diverted.0 == "ts,k,v,w\n10,a,1,x\n25,a,2,x\n40,a,3,x\n")
        #expect(diverted.1 == "ts,k,w\n20,a,z\n")
    }
}

@Suite struct TableTests {
    static func manifest(store: String? = nil, stateDirectory: String = "state") -> String {
        """
        \(store.map { "stores: { t: { type: \($0), changelog: true } }" } ?? "")
        state_directory: \(stateDirectory)
        sources:
          s: { type: file, path: in.csv, schema: { ts: i64, id: string, name: string, score: i64 }, time: { type: event, field: ts } }
        operators:
          users: { table: id\(store != nil ? ", store: t" : "") }
        sinks:
          out: { type: file, path: out.csv, ops: true }
        edges: [s -> users, users -> out]
        """
    }

    /// A changelog in, the table's stream of changes out: an upsert that changes no field but the time
    /// (a at 7) emits nothing, nor does the tombstone of an absent key (c); rows keep every field, the
    /// time of their last change included.
    @Test func aTableTurnsItsChangelogBackIntoAStreamOfChanges() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,id,name,score\n1,a,Ann,1\n2,b,Bob,2\n3,a,Ann,5\n4,b,,\n5,c,,\n6,b,Bo,7\n7,a,Ann,5\n")
        _ = try t.run(Self.manifest())
        #expect(
            t.read("out.csv") == """
                op,ts,id,name,score
                +I,1,a,Ann,1
                +I,2,b,Bob,2
                -U,1,a,Ann,1
                +U,3,a,Ann,5
                -D,2,b,Bob,2
                +I,6,b,Bo,7

                """)
    }

    @Test func aTableInARocksDBStoreKeepsItsRowsAcrossRuns() throws {
        let t = TopologyRunner()
        t.write("in.csv", "ts,id,name,score\n1,a,Ann,1\n2,b,Bob,2\n")
        _ = try t.run(Self.manifest(store: "rocksdb"))
        t.write("in.csv", "ts,id,name,score\n3,a,Ann,5\n4,b,,\n")
        _ = try t.run(Self.manifest(store: "rocksdb"))
        // The second run knows the first run's rows: it retracts them.
        #expect(t.read("out.csv") == "op,ts,id,name,score\n-U,1,a,Ann,1\n+U,3,a,Ann,5\n-D,2,b,Bob,2\n")
    }
}

@Suite struct JoinDownstreamTests {
    /// Join results feed a window: none of them may look late to it (the join tells downstream a
    /// watermark no later than what it can still emit), outer rows held for `within` included.
    @Test func joinResultsAreOnTimeForAWindowDownstream() throws {
        for join in [
            "{ join: stream_table, type: left, left_key: k, right_key: k }",
            "{ join: stream_stream, type: outer, left_key: k, right_key: k, within: 3ms }",
        ] {
            let t = TopologyRunner()
            t.write("left.csv", "ts,k,v\n" + (1...20).map { "\($0 * 1000),k\($0 % 3),\($0)\n" }.joined())
            t.write("right.csv", "ts,k,w\n0,k0,a\n0,k1,b\n9000,k7,z\n")
            let summary = try t.run(
                """
                sources:
                  l: { type: file, path: left.csv, schema: { ts: i64, k: string, v: i64 }, time: { type: event, field: ts }, batch_size: 4 }
                  r: { type: file, path: right.csv, schema: { ts: i64, k: string, w: string }, time: { type: event, field: ts } }
                operators:
                  j: \(join)
                  w: { window: tumbling, size: 5s, aggregates: { n: count() } }
                sinks:
                  out: { type: file, path: out.csv, header: false }
                  late: { type: file, path: late.csv, header: false }
                edges: [l -> j.left, r -> j.right, j.out -> w, w.out -> out, w.late -> late]
                """, batchSize: 2, ringCapacity: 1)
            #expect(t.read("late.csv") == "", "\(join)")
            let counts = t.read("out.csv").split(separator: "\n").map { Int($0.split(separator: ",")[2])! }
            let expected = join.contains("stream_table") ? 20 : 20 + 3  // outer: the right rows, unmatched
            #expect(counts.reduce(0, +) == expected, "\(join): \(t.read("out.csv"))")
            #expect(summary.windows.first?.late == 0)
        }
    }

    /// A table of keys only (an allow-list) keeps its rows; an empty key matches nothing.
    @Test func keyOnlyTablesAndEmptyKeys() throws {
        let (out, _, _) = try JoinTests.run(
            left: "ts,k,v\n1,a,1\n2,,2\n3,b,3\n", leftSchema: "{ ts: i64, k: string, v: i64 }",
            right: "ts,k\n0,a\n0,\n", rightSchema: "{ ts: i64, k: string }",
            join: "{ join: stream_table, type: inner, left_key: k, right_key: k }")
        #expect(out == "ts,k,v\n1,a,1\n")
    }
}

extension LookupTests {
    /// A Redis error for one key (WRONGTYPE: not a hash) dead-letters that record only; the other keys
    /// of its pipeline, and of later batches, get their own values.
    @Test func anErrorReplyFailsOnlyItsKey() throws {
        let redis = try RedisServer()
        try redis.command(["SET", "profile:a", "not-a-hash"])
        for (k, age) in [("b", 20), ("c", 30), ("d", 40), ("e", 50)] {
            try redis.command(["HSET", "profile:\(k)", "age", "\(age)", "gender", "x"])
        }
        let t = TopologyRunner()
        t.write("in.csv", "user_id\na\nb\nc\nd\ne\n")
        let summary = try t.run(Self.manifest(redis, input: "{ type: file, path: in.csv, schema: { user_id: string }, batch_size: 3 }"))
        #expect(t.read("out.csv") == "b,20,x\nc,30,x\nd,40,x\ne,50,x\n")
        #expect(summary.deadLetters == 1)
        #expect(t.read("dead.jsonl").contains("WRONGTYPE"))
    }
}
