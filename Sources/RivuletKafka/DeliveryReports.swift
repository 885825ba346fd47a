// DeliveryReports: what librdkafka reported about produced records: how many were acknowledged or failed.
import CRdKafka
import Synchronization

/// Counts delivery reports and keeps the first failure. Written by librdkafka's callback on the thread
/// that polls the producer, read by any thread.
final class DeliveryReports: Sendable {
    private struct Counts {
        var delivered: Int64 = 0
        var failed: Int64 = 0
        var firstFailure: String?
    }
    private let counts = Mutex(Counts())

    var delivered: Int64 { counts.withLock { $0.delivered } }
    var failed: Int64 { counts.withLock { $0.failed } }
    var firstFailure: String? { counts.withLock { $0.firstFailure } }

    fileprivate func report(_ message: UnsafePointer<rd_kafka_message_t>) {
        let err = message.pointee.err
        counts.withLock {
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                $0.delivered += 1
            } else {
                $0.failed += 1
                if $0.firstFailure == nil {
                    let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
                    $0.firstFailure = "\(topic): \(String(cString: rd_kafka_err2str(err)))"
                }
            }
        }
    }

    /// Installs the callback on `conf`, with this object as its opaque (the caller keeps it alive as long
    /// as the handle made from `conf`).
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
            guard let message, let opaque else { return }
            Unmanaged<DeliveryReports>.fromOpaque(opaque).takeUnretainedValue().report(message)
        }
    }
}
