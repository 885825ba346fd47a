// WindowOperator+Session: session windows per key: merge every live session a record overlaps or touches.
import CRivulet
import RivuletCore

extension WindowOperator {
    /// The record's own window `[t, t + gap)` merges with each live session of its key with
    /// `start ≤ t + gap` and `end ≥ t`; the merged session spans them all. Late only when nothing live
    /// overlaps and `[t, t + gap)` itself has fired.
    func assignSession(_ record: UnsafePointer<rv_record>, _ batch: RecordBatch, _ j: Int, gap: Int64) throws {
        let t = record.pointee.timestamp
        let k = grouping.key(of: record, in: keys)
        ensureKey(k)
        let touching = sessions[Int(k)].filter { entries[Int($0)].start <= t &+ gap && entries[Int($0)].end >= t }
            .sorted { entries[Int($0)].start < entries[Int($1)].start }
        if touching.isEmpty {
            if hasFired(end: t &+ gap) {
                try routeLate(batch, j, windowEnd: t &+ gap)
                forgetKeyIfUnused(k)
                return
            }
            let e = try newWindow(key: k, start: t, end: t &+ gap)
            sessions[Int(k)].append(e)
            try update(e, with: record)
            return
        }
        let start = min(t, touching.map { entries[Int($0)].start }.min()!)
        let end = max(t &+ gap, touching.map { entries[Int($0)].end }.max()!)
        let target = touching[0]
        if touching.count == 1 && entries[Int(target)].start == start && entries[Int(target)].end == end {
            try update(target, with: record)
            return
        }
        // The session's identity changes: retract what was emitted, merge, re-queue, emit anew.
        if mode == .update {
            for e in touching where entries[Int(e)].emitted { try emit(e, op: RV_OP_DELETE) }
        }
        for e in touching.dropFirst() {
            try merge(e, into: target)
            sessions[Int(k)].removeAll { $0 == e }
            free(e)
        }
        entries[Int(target)].start = start
        entries[Int(target)].end = end
        entries[Int(target)].generation &+= 1
        entries[Int(target)].emitted = false
        schedule(target)
        try update(target, with: record)
    }
}
