// WindowOperator+Sliding: sliding windows: one window [t − size + 1, t + 1) per distinct record time t.
import CRivulet
import RivuletCore

extension WindowOperator {
    /// A record at t joins every live window of its key containing it (windows of times t…t+size−1) and,
    /// unless it has fired, creates the window of its own time from the key's panes (records grouped by
    /// exact time). Late when its own window has fired and no live window contains it.
    func assignSliding(_ record: UnsafePointer<rv_record>, _ batch: RecordBatch, _ j: Int, size: Int64) throws {
        let t = record.pointee.timestamp
        let k = grouping.key(of: record, in: keys)
        ensureKey(k)
        let containing = slidingWindows[Int(k)].filter { $0.time >= t && $0.time <= t &+ size &- 1 }
        let ownExists = containing.first?.time == t
        let ownFired = hasFired(end: t &+ 1)
        if !ownExists && ownFired && containing.isEmpty {
            try routeLate(batch, j, windowEnd: t &+ 1)
            forgetKeyIfUnused(k)
            return
        }
        // The record's pane, freed by the queue once no window can include it (time + size − 1 + grace).
        let p = panes[Int(k)].partitioningIndex { $0.time >= t }
        let pane: Int32
        if p < panes[Int(k)].count && panes[Int(k)][p].time == t {
            pane = panes[Int(k)][p].entry
        } else {
            pane = try newWindow(key: k, start: t, end: t &+ 1, queued: false)
            schedule(pane, at: t &+ size &- 1 &+ grace)
            panes[Int(k)].insert((t, pane), at: p)
        }
        try add(record, to: pane)
        // The record's own window, built from the panes it covers (this record included).
        if !ownExists && !ownFired {
            let e = try newWindow(key: k, start: t &- size &+ 1, end: t &+ 1)
            let first = panes[Int(k)].partitioningIndex { $0.time >= t &- size &+ 1 }
            for q in first...p { try merge(panes[Int(k)][q].entry, into: e) }
            let w = slidingWindows[Int(k)].partitioningIndex { $0.time >= t }
            slidingWindows[Int(k)].insert((t, e), at: w)
            if mode == .update {
                try emit(e, op: RV_OP_INSERT)
                entries[Int(e)].emitted = true
            }
        }
        for w in containing { try update(w.entry, with: record) }
    }
}
