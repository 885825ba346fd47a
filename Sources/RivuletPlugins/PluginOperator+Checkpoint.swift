// PluginOperator+Checkpoint: a plugin operator's state in a checkpoint: its own bytes (the snapshot callback) and its timers.
import CRivulet
import RivuletExecution
import RivuletHashing
import RivuletSnapshot

/// What a plugin operator instance saves (`docs/ABI.md`, "Checkpoints"):
/// - operator state: `format (u16) · plugin name · plugin version · operator name · whether the operator
///   has a snapshot callback (bool) · the bytes it wrote (length-prefixed; empty when none)`. The plugin's
///   name and version are recorded so that a newer plugin's state can be told from an older one's (the
///   host checks the name; the version is kept in `restoredFromVersion`, not passed to `restore`);
/// - keyed entries: every registered timer, `domain (u8) · time (i64) · key (bytes)`, in the key group
///   of the timer key's FNV-1a hash (timers keyed by the record key move with it when rescaled).
/// State the plugin keeps in host stores is saved with the stores (`snapshotStores`), not here.
extension PluginOperator: CheckpointedOperator {
    static let snapshotFormat: UInt16 = 1

    /// Calls the plugin's `snapshot` (if it has one), then saves its timers. Between batches, on the
    /// instance's thread. RV_RETRY calls it again from scratch (up to `maxRetries` times); any other
    /// status but RV_OK fails the checkpoint with the plugin's message.
    public func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {
        var own: [UInt8] = []
        if let callback = def.snapshot {
            let sink = SnapshotSink()
            var attempt = 0
            while true {
                sink.bytes.removeAll(keepingCapacity: true)
                sink.misuse = nil
                context.clearErrors()
                let status = crashScope.around(.snapshot) {
                    callback(HostAPI.table, context.opaque, instance, SnapshotSink.write, Unmanaged.passUnretained(sink).toOpaque())
                }
                if let failure = context.pendingFailure { throw failure }
                if let misuse = sink.misuse {
                    throw OperatorFailure(node: name, message: "snapshot of checkpoint \(checkpoint): \(misuse)")
                }
                if status == RV_RETRY {
                    attempt += 1
                    if attempt > maxRetries { throw retryLimit("snapshot") }
                    continue
                }
                guard status == RV_OK else {
                    throw OperatorFailure(node: name, message: context.failure("snapshot", status) + " (checkpoint \(checkpoint) failed)")
                }
                break
            }
            own = sink.bytes
        }
        snapshot.operatorState.write(Self.snapshotFormat)
        snapshot.operatorState.write(plugin.name)
        snapshot.operatorState.write(plugin.version)
        snapshot.operatorState.write(info.name)
        snapshot.operatorState.write(def.snapshot != nil)
        snapshot.operatorState.write(bytes: own)
        ownStateBytes = own.count
        let groups = KeyGroups()  // the partitioned edges' (`PartitionedEdge`'s default)
        for domain in [RV_TIME_EVENT, RV_TIME_PROCESSING] {
            for timer in context.timers.all(domain) {
                let group = timer.key.withUnsafeBytes { groups.group(ofHash: FNV1a.hash($0)) }
                snapshot.addKeyed(group: group) { entry in
                    entry.write(UInt8(domain))
                    entry.write(timer.time)
                    entry.write(bytes: timer.key)
                }
            }
        }
    }

    /// Restores what `snapshotState` saved, before the run starts: the plugin's own bytes through its
    /// `restore` callback (only when its snapshot wrote some), and its timers. Refused, with a message, when
    /// the state belongs to another plugin or operator, when the plugin has no `restore` for bytes it
    /// wrote, and when the checkpoint was taken at another parallelism and holds bytes of the plugin's own
    /// (opaque bytes cannot be split between instances).
    public func restoreState(from restore: OperatorRestore) throws {
        var saved: [(version: String, bytes: [UInt8])] = []
        for var r in restore.operatorStates {
            let format = try r.readUInt16()
            guard format == Self.snapshotFormat else {
                throw SnapshotCorrupt(r.name, "plugin operator state format \(format); this build reads format \(Self.snapshotFormat)")
            }
            let pluginName = try r.readString()
            let version = try r.readString()
            let operatorName = try r.readString()
            _ = try r.readBool()
            let bytes = try r.readBytes()
            try r.expectEnd()
            guard pluginName == plugin.name, operatorName == info.name else {
                throw OperatorFailure(
                    node: name,
                    message:
                        "the checkpoint holds the state of operator '\(operatorName)' of plugin '\(pluginName)' \(version) for this node, but it now runs operator '\(info.name)' of plugin '\(plugin.name)' \(plugin.version)"
                )
            }
            saved.append((version, bytes))
        }
        if restore.isRescaled, let i = saved.firstIndex(where: { !$0.bytes.isEmpty }) {
            throw OperatorFailure(
                node: name,
                message:
                    "cannot restore at parallelism \(restore.parallelism) a checkpoint taken at parallelism \(restore.previousParallelism): instance \(i) of operator '\(info.name)' (plugin '\(plugin.name)' \(saved[i].version)) saved \(saved[i].bytes.count) bytes of its own state, which cannot be split between instances; restore at parallelism \(restore.previousParallelism)"
            )
        }
        restoredFromVersion = saved.first?.version
        if !restore.isRescaled, let own = saved.first?.bytes, !own.isEmpty {
            guard let callback = def.restore else {
                throw OperatorFailure(
                    node: name,
                    message:
                        "the checkpoint holds \(own.count) bytes of state written by operator '\(info.name)' of plugin '\(plugin.name)' \(saved[0].version), but this version (\(plugin.version)) has no restore callback"
                )
            }
            try own.withUnsafeBufferPointer { bytes in
                try call("restore") {
                    crashScope.around(.restore) { callback(HostAPI.table, context.opaque, instance, bytes.baseAddress, UInt64(bytes.count)) }
                }
            }
            ownStateBytes = own.count
        } else {
            ownStateBytes = 0
        }
        var timers = 0
        try restore.forEachKeyed { _, entry in
            let domain = UInt32(try entry.readUInt8())
            let time = try entry.readInt64()
            let key = try entry.readBytes()
            try entry.expectEnd()
            guard TimerService.isValid(domain) else { throw SnapshotCorrupt(entry.name, "a timer of unknown time domain \(domain)") }
            context.timers.register(domain, time, key)
            timers += 1
        }
        if timers > 0 && def.on_timer == nil {
            throw OperatorFailure(
                node: name, message: "the checkpoint holds \(timers) timers of this node, but operator '\(info.name)' has no on_timer callback")
        }
    }

    /// False once the plugin's own `snapshot` wrote bytes (or such bytes were restored): they are opaque to
    /// the host, so they cannot be split between another number of instances. Decided by the bytes, not by
    /// the callback's presence: an SDK operator always has the callback but may keep no state of its own.
    /// A restore at another parallelism checks the checkpoint's bytes itself (`restoreState`).
    public var isRescalable: Bool { def.snapshot == nil || (ownStateBytes ?? 0) == 0 }
}

/// Collects what a plugin's `snapshot` writes through the `write` function the host passes it.
final class SnapshotSink {
    var bytes: [UInt8] = []
    /// A misuse of `write` (NULL with a length, too many bytes): fails the snapshot after the callback.
    var misuse: String?

    static let write: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, UInt64) -> Void = { sink, bytes, length in
        guard let sink else { return }
        let s = Unmanaged<SnapshotSink>.fromOpaque(sink).takeUnretainedValue()
        guard s.misuse == nil, length > 0 else { return }
        guard let bytes else {
            s.misuse = "write was given NULL bytes with length \(length)"
            return
        }
        guard UInt64(s.bytes.count) + length <= UInt64(UInt32.max) else {
            s.misuse = "the plugin's own state is larger than 4 GiB"
            return
        }
        s.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(length)))
    }
}
