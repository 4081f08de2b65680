/// Input after which the connection cannot continue: the decoder throws these and the handler closes.
/// Everything recoverable is decoded as `MemcachedRequest.error` instead.
public enum MemcachedDecoderError: Error, Equatable, Sendable {
    /// A line passed the configured bound without a newline (memcached closes such connections).
    case lineTooLong(limit: Int)
}
