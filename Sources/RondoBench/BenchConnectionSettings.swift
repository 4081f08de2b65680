import NIOCore

/// What every connection of a run shares.
struct BenchConnectionSettings: Sendable {
    var pipelineDepth: Int
    var requestTimeout: TimeAmount
    var connectTimeout: TimeAmount = .seconds(2)
    /// Pause before reconnecting, so a dead server is not hammered with connection attempts.
    var reconnectDelay: TimeAmount = .milliseconds(100)
    var encoder: MemcachedRequestEncoder
    var valueBytesMax: Int
    /// Where a connection reports losing its server and getting it back; one line per event.
    var reportProblem: @Sendable (String) -> Void

    /// How often in-flight requests are checked against the timeout: often enough to notice within a
    /// quarter of it, rarely enough to cost nothing.
    var timeoutCheckInterval: TimeAmount {
        .nanoseconds(min(max(requestTimeout.nanoseconds / 4, 1_000_000), 100_000_000))
    }
}
