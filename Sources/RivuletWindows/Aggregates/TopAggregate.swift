// TopAggregate: `top(label, measure, n)`: the n labels with the largest summed measure, as one string.
import CRivulet
import RivuletCore
import RivuletSnapshot

/// Sums `measure` per distinct `label` within the window and reports the `n` largest as
/// `label=sum;label=sum;…` (largest first, ties by label in byte order). Accumulator: the index of a
/// label table in a side table, released with the window.
public final class TopAggregate: WindowAggregate {
    let label: Int
    let measure: Int
    let count: Int
    let integer: Bool
    /// Per label: the exact integer sum (integer measures) and the double sum (float measures).
    // Side tables touched per record by the operator's thread only: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var tables: [[[UInt8]: (integer: Int64, double: Double)]?] = []
    @exclusivity(unchecked) private var free: [Int] = []
    @exclusivity(unchecked) private var text: [UInt8] = []
    /// The last result's bytes, stable until the next `result` (an Array's buffer may not be escaped).
    @exclusivity(unchecked) private var resultBytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 1)

    public init(label: Int, measure: Int, measureType: FieldType, count: Int) {
        self.label = label
        self.measure = measure
        self.count = count
        integer = measureType != .f64
    }

    deinit { resultBytes.deallocate() }

    public var resultType: FieldType { .string }
    public var size: Int { 8 }

    public func initialize(_ acc: UnsafeMutableRawPointer) {
        let index: Int
        if let reused = free.popLast() {
            tables[reused] = [:]
            index = reused
        } else {
            tables.append([:])
            index = tables.count - 1
        }
        acc.storeBytes(of: Int64(index), as: Int64.self)
    }

    public func add(_ acc: UnsafeMutableRawPointer, _ record: UnsafePointer<rv_record>) {
        let m = record.pointee.fields[measure]
        let value: (Int64, Double)
        switch m.type {
        case FieldType.i64.rawValue, FieldType.timestamp.rawValue, FieldType.bool.rawValue: value = (m.value.i64, 0)
        case FieldType.f64.rawValue: value = (0, m.value.f64)
        default: return
        }
        let f = record.pointee.fields[label]
        let key: [UInt8] =
            FieldType(rawValue: f.type)?.isBytesLike == true
            ? Array(UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len)))
            : Array(FieldText.render(f).utf8)
        let table = Int(acc.load(as: Int64.self))
        let old = tables[table]![key, default: (0, 0)]
        tables[table]![key] = (old.integer &+ value.0, old.double + value.1)
    }

    public func merge(_ acc: UnsafeMutableRawPointer, _ other: UnsafeMutableRawPointer) {
        let a = Int(acc.load(as: Int64.self))
        for (k, v) in tables[Int(other.load(as: Int64.self))]! {
            let old = tables[a]![k, default: (0, 0)]
            tables[a]![k] = (old.integer &+ v.integer, old.double + v.double)
        }
    }

    public func result(_ acc: UnsafeMutableRawPointer) -> rv_field {
        let table = tables[Int(acc.load(as: Int64.self))]!
        let integer = self.integer
        let ranked = table.sorted { a, b in
            let (x, y) = integer ? (Double(a.value.integer), Double(b.value.integer)) : (a.value.double, b.value.double)
            if integer && a.value.integer != b.value.integer { return a.value.integer > b.value.integer }
            if !integer && x != y { return x > y }
            return a.key.lexicographicallyPrecedes(b.key)
        }.prefix(count)
        text.removeAll(keepingCapacity: true)
        for (i, entry) in ranked.enumerated() {
            if i > 0 { text.append(UInt8(ascii: ";")) }
            text.append(contentsOf: entry.key)
            text.append(UInt8(ascii: "="))
            text.append(contentsOf: (integer ? String(entry.value.integer) : FieldText.formatDouble(entry.value.double)).utf8)
        }
        if text.count > resultBytes.count {
            resultBytes.deallocate()
            resultBytes = .allocate(byteCount: text.count * 2, alignment: 1)
        }
        resultBytes.copyBytes(from: text)
        var f = rv_field()
        f.type = FieldType.string.rawValue
        f.len = UInt32(text.count)
        f.value.ptr = UnsafePointer(resultBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        return f
    }

    public func release(_ acc: UnsafeMutableRawPointer) {
        let index = Int(acc.load(as: Int64.self))
        tables[index] = nil
        free.append(index)
    }

    /// The label table as: labels (u32), then per label (in byte order) its bytes, integer sum and double sum.
    public func snapshot(_ acc: UnsafeMutableRawPointer, into writer: inout SnapshotWriter) {
        let table = tables[Int(acc.load(as: Int64.self))]!
        writer.write(UInt32(table.count))
        for (label, sums) in table.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            writer.write(bytes: label)
            writer.write(sums.integer)
            writer.write(sums.double)
        }
    }

    public func restore(_ acc: UnsafeMutableRawPointer, from reader: inout SnapshotReader) throws {
        let index = Int(acc.load(as: Int64.self))
        let count = Int(try reader.readUInt32())
        guard count <= reader.remaining / 20 else { throw SnapshotCorrupt(reader.name, "a label table of \(count) labels runs past the end") }
        var table: [[UInt8]: (integer: Int64, double: Double)] = [:]
        table.reserveCapacity(count)
        for _ in 0..<count {
            let label = try reader.readBytes()
            let integer = try reader.readInt64()
            let double = try reader.readDouble()
            guard table.updateValue((integer, double), forKey: label) == nil else {
                throw SnapshotCorrupt(reader.name, "a label table names a label twice")
            }
        }
        tables[index] = table
    }
}
