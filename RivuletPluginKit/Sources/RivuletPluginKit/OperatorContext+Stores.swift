// OperatorContext+Stores: opening the state stores the manifest attaches to the operator (`stores:`).
internal import CRivulet

extension OperatorContext {
    /// The store `name` that the manifest attaches to this operator (`stores: [name]`), opened once and
    /// remembered. Open it in `init(context:)`: it can be read and written from the first `process` (or
    /// timer, watermark, flush) callback on. Throws `HostStatus` when no such store is attached; the host
    /// then stops the run saying which stores are.
    public func store(_ name: String) throws -> Store {
        if let s = stores[name] { return s }
        guard let handle = api.pointee.store_open(ctx, name) else {
            throw HostStatus(status: RV_NOT_FOUND, service: "store_open('\(name)')", api: api, ctx: ctx)
        }
        let s = Store(api: api, ctx: ctx, handle: handle, name: name)
        stores[name] = s
        return s
    }
}
