// WindowOperator+Aligned: tumbling and hopping windows: fixed, epoch-aligned windows per key.
import CRivulet
import RivuletCore

extension WindowOperator {
    /// The one window `[s, s + size)` containing the record: late if it has fired.
    @inline(__always)
    func assignTumbling(_ record: UnsafePointer<rv_record>, _ batch: RecordBatch, _ j: Int, size: Int64) throws {
        let t = record.pointee.timestamp
        let start = alignedStart(t, size)
        if hasFired(end: start &+ size) {
            try routeLate(batch, j, windowEnd: start &+ size)
            return
        }
        let k = grouping.key(of: record, in: keys)
        ensureKey(k)
        let e: Int32
        if lastStart[Int(k)] == start && lastEntry[Int(k)] >= 0 {
            e = lastEntry[Int(k)]
        } else {
            e = try alignedWindow(key: k, start: start, end: start &+ size)
            lastStart[Int(k)] = start
            lastEntry[Int(k)] = e
        }
        try update(e, with: record)
    }

    /// Every window `[s, s + size)`, s a multiple of `advance`, containing the record and not yet fired;
    /// late when all of them have fired.
    func assignHopping(_ record: UnsafePointer<rv_record>, _ batch: RecordBatch, _ j: Int, size: Int64, advance: Int64) throws {
        let t = record.pointee.timestamp
        let last = alignedStart(t, advance)
        var start = last - size + advance
        if hasFired(end: last &+ size) {
            try routeLate(batch, j, windowEnd: last &+ size)
            return
        }
        let k = grouping.key(of: record, in: keys)
        ensureKey(k)
        while start <= last {
            if !hasFired(end: start &+ size) {
                try update(try alignedWindow(key: k, start: start, end: start &+ size), with: record)
            }
            start += advance
        }
    }

    /// The live window of `key` starting at `start`, created if new.
    func alignedWindow(key: Int32, start: Int64, end: Int64) throws -> Int32 {
        let id = AlignedWindowID(key: key, start: start)
        if let e = aligned[id] { return e }
        let e = try newWindow(key: key, start: start, end: end)
        aligned[id] = e
        return e
    }
}
