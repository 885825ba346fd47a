// FireQueue: a min-heap of (fire time, window) so a watermark fires exactly the windows now due.
/// Binary min-heap of pending window firings. An item is stale when its window was freed or changed
/// since (its generation no longer matches); the operator skips those.
struct FireQueue {
    struct Item {
        var time: Int64
        var entry: Int32
        var generation: UInt32
    }

    private var items: [Item] = []

    var isEmpty: Bool { items.isEmpty }
    /// The earliest fire time, or Int64.max.
    var nextTime: Int64 { items.first?.time ?? .max }

    mutating func push(_ item: Item) {
        items.append(item)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[parent].time <= items[i].time { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> Item {
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l].time < items[m].time { m = l }
                if r < items.count && items[r].time < items[m].time { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
