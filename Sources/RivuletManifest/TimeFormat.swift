// TimeFormat: how an event-time field is written: epoch seconds, milliseconds, microseconds or RFC 3339.

/// The encoding of an event-time field. Integer fields hold epoch numbers; string fields hold either
/// digits (epoch formats) or an RFC 3339 date-time (`2026-03-01T09:00:05.120Z`, `…+01:00`).
public enum TimeFormat: String, Sendable, Hashable, CaseIterable {
    case epochSeconds = "epoch_s"
    case epochMilliseconds = "epoch_ms"
    case epochMicroseconds = "epoch_us"
    case rfc3339
}
