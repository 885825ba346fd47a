// TimestampEncoding+Manifest: a manifest's time field format (TimeFormat) as TimestampAssigner.Encoding.
import RivuletCore
import RivuletManifest

extension TimestampAssigner.Encoding {
    /// `epoch_s`, `epoch_ms`, `epoch_us`, `rfc3339`, case for case (an exhaustive switch: no raw-value bridge).
    init(_ format: TimeFormat) {
        switch format {
        case .epochSeconds: self = .epochSeconds
        case .epochMilliseconds: self = .epochMilliseconds
        case .epochMicroseconds: self = .epochMicroseconds
        case .rfc3339: self = .rfc3339
        }
    }
}
