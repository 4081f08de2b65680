/// Bounds the decoder enforces on untrusted input. The defaults are memcached 1.6.18's.
public struct ProtocolLimits: Sendable, Equatable {
    /// Longest key in bytes (memcached's KEY_MAX_LENGTH).
    public var maxKeyBytes: Int
    /// A command line longer than this (without its newline) closes the connection, as memcached
    /// closes a connection that has sent 2048 bytes without a newline.
    public var maxLineBytes: Int
    /// Retrieval lines (`get`, `gets`, `gat`, `gats`) carry many keys; memcached lets them grow past
    /// `maxLineBytes`. This bound keeps one request from buffering without limit.
    public var maxRetrievalLineBytes: Int
    /// Largest value a storage command may carry; larger data blocks are swallowed and answered with
    /// `SERVER_ERROR object too large for cache`.
    public var maxItemBytes: Int

    public init(
        maxKeyBytes: Int = 250,
        maxLineBytes: Int = 2048,
        maxRetrievalLineBytes: Int = 64 * 1024,
        maxItemBytes: Int = 1 << 20
    ) {
        self.maxKeyBytes = maxKeyBytes
        self.maxLineBytes = maxLineBytes
        self.maxRetrievalLineBytes = maxRetrievalLineBytes
        self.maxItemBytes = maxItemBytes
    }
}
