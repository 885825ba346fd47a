// WatermarkValve: an operator's event-time watermark from the watermarks of its several inputs (Flink's valve).
import RivuletCore

/// Tracks each input's watermark, whether it ended and whether it is idle, and yields the operator's
/// watermark: the minimum over the inputs that are not idle, an ended input counting as +∞; nothing moves
/// while every input is idle. When the only inputs that count have ended (the others idle), it goes as
/// far as the ended inputs' last watermark, not to +∞: an idle input may still send, and its data should
/// be judged against the time actually seen, not all be late. The output only rises.
struct WatermarkValve {
    private var watermarks: [Int64]
    private(set) var ended: [Bool]
    private var idle: [Bool]
    private(set) var open: Int
    private(set) var current = Int64.min

    init(inputs: Int) {
        watermarks = Array(repeating: .min, count: inputs)
        ended = Array(repeating: false, count: inputs)
        idle = Array(repeating: false, count: inputs)
        open = inputs
    }

    /// Input `i` sent watermark `w`. Returns the operator's new watermark if it rose.
    mutating func observe(_ w: Int64, input i: Int) -> Int64? {
        watermarks[i] = max(watermarks[i], w)
        return advance()
    }

    /// Input `i` ended. Returns the operator's new watermark if it rose.
    mutating func end(input i: Int) -> Int64? {
        guard !ended[i] else { return nil }
        ended[i] = true
        open -= 1
        return advance()
    }

    /// Input `i` sent something: it counts again if it was idle.
    mutating func markActive(input i: Int) { idle[i] = false }

    /// Input `i` sent nothing for its idle timeout. Returns the operator's new watermark if it rose.
    mutating func markIdle(input i: Int) -> Int64? {
        guard !ended[i], !idle[i] else { return nil }
        idle[i] = true
        return advance()
    }

    func isIdle(_ i: Int) -> Bool { idle[i] }

    /// The watermark records of input `i` may carry: the minimum over the other inputs that count
    /// (Int64.max when there are none), so one input's records do not run ahead of the others.
    func cap(excluding i: Int) -> Int64 {
        var cap = Int64.max
        for k in watermarks.indices where k != i && !ended[k] && !idle[k] { cap = min(cap, watermarks[k]) }
        return cap
    }

    private mutating func advance() -> Int64? {
        var minimum = Int64.max
        var counted = 0
        var endedMaximum = Int64.min
        for k in watermarks.indices where !idle[k] {
            counted += 1
            if ended[k] { endedMaximum = max(endedMaximum, watermarks[k]) } else { minimum = min(minimum, watermarks[k]) }
        }
        guard counted > 0, open > 0 else { return nil }
        if minimum == .max { minimum = endedMaximum }
        guard minimum > current else { return nil }
        current = minimum
        return minimum
    }
}
